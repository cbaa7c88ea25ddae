// End-to-end helpers for the importer tests: the real `proctor` binary imports a fixture,
// checks the pack and grades submissions (tests/support/host_check.h's RunCommand).
//
//   CommandOutput import = ImportFixture("livecodebench", fixture, pack_dir);
//   std::vector<Graded> graded = GradeFixtureSubmissions(pack_dir, submissions, dir);
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/host_check.h"

namespace proctor::grader::importers {

using testing::CommandOutput;
using testing::RunCommand;

inline std::string FixturePath(const std::string& name) {
  return std::string(PROCTOR_IMPORTERS_TEST_DIR) + "/fixtures/" + name;
}

inline CommandOutput ImportFixture(const std::string& format, const std::string& fixture,
                                   const std::string& out_dir) {
  return RunCommand({PROCTOR_BINARY, "pack", "import", format, fixture, "--out", out_dir});
}

inline CommandOutput CheckPack(const std::string& pack_dir) {
  return RunCommand({PROCTOR_BINARY, "pack", "check", pack_dir, "--runs", "1"});
}

// One graded line of a fixture's submissions file: what it was written to be ("correct" or
// "wrong", its `expect` key) and the reward the binary gave it (-1: none).
struct Graded {
  std::string task_id;
  std::string expect;
  double reward = -1;
  std::string result;  // the result line, for messages
};

// Grades `submissions` (JSONL whose lines carry an extra `expect` key, removed before
// grading) against `pack_dir` with `proctor grade`; files go to `work_dir`.
inline std::vector<Graded> GradeFixtureSubmissions(const std::string& pack_dir,
                                                   const std::string& submissions,
                                                   const std::string& work_dir) {
  std::vector<Graded> graded;
  std::ifstream in(submissions);
  std::string line, stripped;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line);
    graded.push_back({j.at("task_id"), j.at("expect"), -1, ""});
    j.erase("expect");
    stripped += j.dump() + "\n";
  }
  const std::string path = work_dir + "/submissions.jsonl";
  std::ofstream(path) << stripped;
  CommandOutput out = RunCommand({PROCTOR_BINARY, "grade", "--pack", pack_dir, "--submissions",
                                  path, "--jobs", "2"});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  std::istringstream results(out.out);
  size_t i = 0;
  while (std::getline(results, line)) {
    nlohmann::json r = nlohmann::json::parse(line, nullptr, false);
    if (r.is_discarded() || !r.contains("task_id") || i >= graded.size()) continue;
    EXPECT_EQ(r["task_id"], graded[i].task_id) << line;
    if (r["reward"].is_number()) graded[i].reward = r["reward"].get<double>();
    graded[i].result = line.substr(0, 3000);
    ++i;
  }
  EXPECT_EQ(i, graded.size()) << out.out << out.err;
  return graded;
}

// Every correct submission scores 1.0 and every wrong one less (but is graded).
inline void ExpectGradedAsWritten(const std::vector<Graded>& graded) {
  for (const Graded& g : graded) {
    if (g.expect == "correct") {
      EXPECT_EQ(g.reward, 1.0) << g.task_id << ": " << g.result;
    } else {
      EXPECT_GE(g.reward, 0.0) << g.task_id << " (ungradeable?): " << g.result;
      EXPECT_LT(g.reward, 1.0) << g.task_id << ": " << g.result;
    }
  }
}

}  // namespace proctor::grader::importers
