// End to end through the real binary for the apps/taco/codecontests/codeforces importers:
// `proctor pack import FORMAT fixture --out DIR`, `proctor pack check DIR --runs 1` (every
// reference scores 1.0, every wrong solution below), then `proctor grade` of the side file
// fixtures/<format>_submissions.jsonl, whose lines carry "expect": "correct" (must score
// 1.0) or "wrong" (must score below 1.0) besides task_id, language and code.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/host_check.h"

namespace proctor::grader::importers {

inline std::string FixturePath(const std::string& name) {
  return std::string(PROCTOR_IMPORTERS_TEST_DIR) + "/fixtures/" + name;
}

inline std::vector<nlohmann::json> ReadJsonLines(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// Runs the three commands in `dir` (a fresh temp dir) and checks what they say.
inline void ExpectEndToEnd(const std::string& format, const std::string& dir) {
  const std::string pack = dir + "/pack";
  auto import = testing::RunCommand(
      {PROCTOR_BINARY, "pack", "import", format, FixturePath(format + ".jsonl"), "--out", pack});
  ASSERT_EQ(import.exit_code, 0) << import.err;

  auto check = testing::RunCommand({PROCTOR_BINARY, "pack", "check", pack, "--runs", "1"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("pack check: ok"), std::string::npos) << check.out << check.err;

  std::vector<nlohmann::json> submissions =
      ReadJsonLines(FixturePath(format + "_submissions.jsonl"));
  ASSERT_FALSE(submissions.empty());
  std::string submissions_path = dir + "/submissions.jsonl";
  {
    std::ofstream out(submissions_path);
    for (nlohmann::json s : submissions) {
      s.erase("expect");
      out << s.dump() << "\n";
    }
  }
  auto grade = testing::RunCommand({PROCTOR_BINARY, "grade", "--pack", pack, "--submissions",
                                    submissions_path, "--no-progress"});
  ASSERT_EQ(grade.exit_code, 0) << grade.err;
  std::vector<nlohmann::json> results;
  std::istringstream lines(grade.out);
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) results.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(results.size(), submissions.size()) << grade.out;
  for (size_t i = 0; i < results.size(); ++i) {
    const nlohmann::json& s = submissions[i];
    const nlohmann::json& r = results[i];
    ASSERT_TRUE(r.contains("reward") && r["reward"].is_number()) << r.dump();
    double reward = r["reward"].get<double>();
    std::string what = s["task_id"].get<std::string>() + " (" + s["language"].get<std::string>() +
                       ", line " + std::to_string(i + 1) + "): " + r.dump().substr(0, 2000);
    if (s["expect"] == "correct") {
      EXPECT_EQ(reward, 1.0) << what;
    } else {
      EXPECT_LT(reward, 1.0) << what;
    }
  }
}

}  // namespace proctor::grader::importers
