// End to end through the real `proctor grade`: the whole hostile corpus gets exactly the reward
// its case.json expects (and the host stays clean), HumanEval's canonical solutions all get 1.0
// and its known-wrong ones all 0.0, outputs are valid JSONL and JUnit XML, and bad input files
// are rejected with file:line.
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "tests/support/host_check.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kShared = PROCTOR_SHARED_DIR;
const std::string kProctor = PROCTOR_BINARY;
const std::string kTasks = PROCTOR_TASKS_DIR;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("proctor-grade-test-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

std::vector<json> ReadJsonl(const fs::path& path) {
  std::vector<json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) out.push_back(json::parse(line));  // throws if invalid
  return out;
}

void WriteJsonl(const fs::path& path, const std::vector<json>& rows) {
  std::ofstream out(path);
  for (const json& r : rows) out << r.dump() << "\n";
}

bool JUnitParses(const fs::path& xml) {
  auto r = proctor::testing::RunCommand(
      {"/usr/bin/python3", "-c",
       "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
       "assert r.tag == 'testsuites'; print(sum(1 for _ in r.iter('testcase')))",
       xml.string()});
  return r.exit_code == 0;
}

struct Row {
  std::string name;      // case name, or a label for controls
  double expected;
};

TEST(GradeAdversarialCorpus, EveryCaseGetsItsExpectedRewardAndTheHostStaysClean) {
  const fs::path cases = fs::path(kShared) / "adversarial" / "cases";
  if (!fs::exists(cases)) GTEST_SKIP() << "shared corpus not found at " << cases;
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(cases)) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());

  const std::string wrong_is_prime = "def is_prime(n):\n    return n % 2 == 1\n";
  const std::string honest_is_prime =
      proctor::testing::ReadFileOrEmpty(cases / "03-honest-isprime-py" / "solution.py");
  std::vector<json> submissions;
  std::vector<Row> rows;
  for (const fs::path& dir : dirs) {
    json meta = json::parse(std::ifstream(dir / "case.json"));
    const std::string language = meta["language"];
    const fs::path source = dir / (language == "cpp" ? "solution.cpp" : "solution.py");
    submissions.push_back({{"task_id", meta["task"]},
                           {"language", language},
                           {"code", proctor::testing::ReadFileOrEmpty(source)}});
    rows.push_back({dir.filename(), meta["expect"]["reward"].get<double>()});
    // Cases 27 and 28 are about later runs in the same worker: a wrong solution right after
    // must still fail, and the honest one still pass.
    if (dir.filename().string().rfind("27-", 0) == 0 ||
        dir.filename().string().rfind("28-", 0) == 0) {
      submissions.push_back({{"task_id", "T3"}, {"code", wrong_is_prime}});
      rows.push_back({"wrong is_prime after " + dir.filename().string(), 0.0});
      submissions.push_back({{"task_id", "T3"}, {"code", honest_is_prime}});
      rows.push_back({"honest is_prime after " + dir.filename().string(), 1.0});
    }
  }
  TempDir tmp;
  WriteJsonl(tmp.path() / "corpus.jsonl", submissions);
  // jobs 1: every case runs in the same worker after the previous one.
  auto out = proctor::testing::RunCommand(
      {kProctor, "grade", "--pack", kTasks + "/adversarial", "--submissions",
       (tmp.path() / "corpus.jsonl").string(), "--out", (tmp.path() / "results.jsonl").string(),
       "--junit", (tmp.path() / "results.xml").string(), "--jobs", "1"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  std::vector<json> results = ReadJsonl(tmp.path() / "results.jsonl");
  ASSERT_EQ(results.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_FALSE(results[i]["ungradeable"].get<bool>()) << rows[i].name << results[i].dump();
    EXPECT_EQ(results[i]["reward"].get<double>(), rows[i].expected)
        << rows[i].name << ": " << results[i].dump().substr(0, 2000);
  }
  EXPECT_TRUE(JUnitParses(tmp.path() / "results.xml"));
  EXPECT_EQ(proctor::testing::FindAdvmarkPaths({kTasks}), std::vector<std::string>{});
  EXPECT_EQ(proctor::testing::FindAdvmarkProcesses(), std::vector<std::string>{});
  EXPECT_EQ(proctor::testing::LeftoverRunCgroups(), std::vector<std::string>{});

  // The same corpus again, two at a time: concurrency changes no reward.
  auto again = proctor::testing::RunCommand(
      {kProctor, "grade", "--pack", kTasks + "/adversarial", "--submissions",
       (tmp.path() / "corpus.jsonl").string(), "--out",
       (tmp.path() / "results2.jsonl").string(), "--jobs", "2"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  std::vector<json> results2 = ReadJsonl(tmp.path() / "results2.jsonl");
  ASSERT_EQ(results2.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(results2[i]["reward"], results[i]["reward"]) << rows[i].name;
  EXPECT_EQ(proctor::testing::FindAdvmarkProcesses(), std::vector<std::string>{});
}

TEST(GradeHumanEval, CanonicalSolutionsAllPassAndWrongOnesAllFail) {
  const fs::path data = fs::path(kShared) / "data" / "humaneval";
  if (!fs::exists(data)) GTEST_SKIP() << "HumanEval not found at " << data;
  TempDir tmp;
  const fs::path pack = tmp.path() / "humaneval";
  auto imported = proctor::testing::RunCommand(
      {kProctor, "pack", "import", "humaneval", (data / "HumanEval.jsonl").string(), "--out",
       pack.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  std::vector<json> submissions;
  std::ifstream problems(data / "HumanEval.jsonl");
  std::string line;
  while (std::getline(problems, line)) {
    json p = json::parse(line);
    submissions.push_back({{"task_id", p["task_id"]}, {"completion", p["canonical_solution"]}});
  }
  std::ifstream wrong(data / "wrong_solutions.jsonl");
  while (std::getline(wrong, line)) {
    json w = json::parse(line);
    submissions.push_back({{"task_id", w["task_id"]}, {"completion", w["completion"]}});
  }
  ASSERT_EQ(submissions.size(), 328u);
  WriteJsonl(tmp.path() / "subs.jsonl", submissions);
  auto out = proctor::testing::RunCommand(
      {kProctor, "grade", "--pack", pack.string(), "--submissions",
       (tmp.path() / "subs.jsonl").string(), "--out", (tmp.path() / "results.jsonl").string(),
       "--junit", (tmp.path() / "results.xml").string(), "--summary-json",
       (tmp.path() / "summary.json").string(), "--k", "1"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  std::vector<json> results = ReadJsonl(tmp.path() / "results.jsonl");
  ASSERT_EQ(results.size(), 328u);
  for (size_t i = 0; i < 328; ++i) {
    const double expected = i < 164 ? 1.0 : 0.0;
    EXPECT_EQ(results[i]["reward"], expected)
        << (i < 164 ? "canonical " : "wrong ") << results[i]["task_id"] << ": "
        << results[i].dump().substr(0, 1500);
    EXPECT_EQ(results[i]["line"], i + 1);
    EXPECT_EQ(results[i]["pack"]["name"], "humaneval");
    EXPECT_EQ(results[i]["pack"]["hash"].get<std::string>().size(), 64u);
  }
  json summary = json::parse(std::ifstream(tmp.path() / "summary.json"));
  EXPECT_EQ(summary["full_reward"], 164);
  EXPECT_DOUBLE_EQ(summary["pass_at_k"]["pass@1"].get<double>(), 0.5);
  EXPECT_TRUE(JUnitParses(tmp.path() / "results.xml"));
}

TEST(GradeInput, BadLinesAreNamedWithFileAndLineAndExitTwo) {
  TempDir tmp;
  std::ofstream(tmp.path() / "bad.jsonl")
      << "{\"task_id\": \"T1\", \"code\": \"def add(a, b):\\n    return a + b\\n\"}\n"
      << "not json\n"
      << "{\"task_id\": \"nope\", \"code\": \"\"}\n"
      << "{\"task_id\": \"T1\", \"code\": \"x\", \"completion\": \"y\"}\n"
      << "{\"task_id\": \"T1\", \"code\": \"x\", \"extra\": 1}\n"
      << "{\"task_id\": \"T4\", \"language\": \"python\", \"code\": \"\"}\n";
  const std::string file = (tmp.path() / "bad.jsonl").string();
  auto out = proctor::testing::RunCommand({kProctor, "grade", "--pack", kTasks + "/adversarial",
                                           "--submissions", file, "--no-progress"});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.err.find(file + ":2: not valid JSON"), std::string::npos) << out.err;
  EXPECT_NE(out.err.find(file + ":3: unknown task_id \"nope\""), std::string::npos) << out.err;
  EXPECT_NE(out.err.find(file + ":4: give exactly one of"), std::string::npos) << out.err;
  EXPECT_NE(out.err.find(file + ":5: unknown key \"extra\""), std::string::npos) << out.err;
  EXPECT_NE(out.err.find(file + ":6: language \"python\" not allowed"), std::string::npos)
      << out.err;
  // The good line is still graded, in order, with the bad ones marked.
  std::vector<json> results;
  std::istringstream lines(out.out);
  std::string line;
  while (std::getline(lines, line)) results.push_back(json::parse(line));
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[0]["reward"], 1.0);
  EXPECT_EQ(results[1]["error"], "not valid JSON");
}

TEST(GradeInput, BadPackIsAnErrorWithFileLineColumn) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "pack" / "tasks");
  std::ofstream(tmp.path() / "pack" / "pack.yaml") << "name: p\nversion: \"1\"\nbogus: 1\n";
  std::ofstream(tmp.path() / "s.jsonl") << "{}\n";
  auto out = proctor::testing::RunCommand({kProctor, "grade", "--pack",
                                           (tmp.path() / "pack").string(), "--submissions",
                                           (tmp.path() / "s.jsonl").string()});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.err.find("pack.yaml:3:1: unknown key"), std::string::npos) << out.err;
}

TEST(PackCheck, EveryShippedPackPasses) {
  for (const auto& e : fs::directory_iterator(kTasks)) {
    if (!fs::exists(e.path() / "pack.yaml")) continue;
    auto out = proctor::testing::RunCommand(
        {kProctor, "pack", "check", e.path().string(), "--runs", "2"});
    EXPECT_EQ(out.exit_code, 0) << e.path() << "\n" << out.out << out.err;
    EXPECT_NE(out.out.find("pack check: ok"), std::string::npos) << out.out;
  }
}

}  // namespace
