// Scoring modes through the real sandbox: early stop of all_or_nothing never changes the
// reward (passing and failing submissions, public tests that do not count), subtasks,
// Codeforces' shape, and max_tests (longest input first, ties by order).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "grader/grading/grader.h"
#include "grader/grading/reward.h"
#include "grader/task/pack_loader.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {
namespace {
namespace fs = std::filesystem;

constexpr char kPackYaml[] = R"(name: scoring-test
version: "1"
defaults:
  limits: {wall_seconds: 5, cpu_seconds: 2}
  languages: [python]
)";

// Doubles n. A public test (n = 1) does not count; eight hidden ones do.
constexpr char kDoubleYaml[] = R"(id: double
prompt: Print 2n.
scoring: all_or_nothing
tests:
  - {visibility: public, stdio: {stdin: "1\n", expected_stdout: "2\n"}}
  - stdio: {stdin: "2\n", expected_stdout: "4\n"}
  - stdio: {stdin: "3\n", expected_stdout: "6\n"}
  - stdio: {stdin: "4\n", expected_stdout: "8\n"}
  - stdio: {stdin: "5\n", expected_stdout: "10\n"}
  - stdio: {stdin: "6\n", expected_stdout: "12\n"}
  - stdio: {stdin: "7\n", expected_stdout: "14\n"}
  - stdio: {stdin: "8\n", expected_stdout: "16\n"}
  - stdio: {stdin: "9\n", expected_stdout: "18\n"}
)";

constexpr char kSubtasksYaml[] = R"(id: subtasks
prompt: Print 2n.
scoring: {mode: subtasks, groups: {small: 30, big: 70}}
tests:
  - {group: small, stdio: {stdin: "2\n", expected_stdout: "4\n"}}
  - {group: small, stdio: {stdin: "3\n", expected_stdout: "6\n"}}
  - {group: big, stdio: {stdin: "1000\n", expected_stdout: "2000\n"}}
  - {group: big, stdio: {stdin: "5000\n", expected_stdout: "10000\n"}}
)";

constexpr char kCodeforcesYaml[] = R"(id: codeforces
prompt: Print 2n.
scoring: codeforces
tests:
  - stdio: {stdin: "2\n", expected_stdout: "4\n"}
  - stdio: {stdin: "3\n", expected_stdout: "6\n"}
  - stdio: {stdin: "4\n", expected_stdout: "8\n"}
  - stdio: {stdin: "5000\n", expected_stdout: "10000\n"}
)";

// The two longest inputs are "0000007\n" (8 bytes) and "012\n", the first of the 4-byte ones.
constexpr char kMaxTestsYaml[] = R"(id: max-tests
prompt: Print 2n.
scoring: {mode: fraction, max_tests: 2}
tests:
  - stdio: {stdin: "1\n", expected_stdout: "2\n"}
  - stdio: {stdin: "012\n", expected_stdout: "24\n"}
  - stdio: {stdin: "013\n", expected_stdout: "26\n"}
  - stdio: {stdin: "0000007\n", expected_stdout: "14\n"}
)";

// Call tests run first (one session), then stdio tests: written in the other order here.
constexpr char kMixedYaml[] = R"(id: mixed
prompt: Print 2n, and write double(n).
entry_point: double
tests:
  - stdio: {stdin: "2\n", expected_stdout: "4\n"}
  - stdio: {stdin: "3\n", expected_stdout: "6\n"}
  - call: {args: [4], expected: 8}
)";

constexpr char kDouble[] = "print(2 * int(input()))\n";

class ScoringTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(fs::temp_directory_path() /
                           ("proctor-scoring-test-" + std::to_string(::getpid())));
    fs::create_directories(*dir_ + "/tasks");
    std::ofstream(*dir_ + "/pack.yaml") << kPackYaml;
    std::ofstream(*dir_ + "/tasks/a.yaml") << kDoubleYaml;
    std::ofstream(*dir_ + "/tasks/b.yaml") << kSubtasksYaml;
    std::ofstream(*dir_ + "/tasks/c.yaml") << kCodeforcesYaml;
    std::ofstream(*dir_ + "/tasks/d.yaml") << kMaxTestsYaml;
    std::ofstream(*dir_ + "/tasks/e.yaml") << kMixedYaml;
    auto pack = task::LoadPack(*dir_);
    ASSERT_TRUE(pack) << pack.error().ToString();
    pack_ = new task::Pack(std::move(*pack));
    sandbox::SandboxConfig config;
    config.keeper_path = PROCTOR_KEEPER;
    config.python_runtime = RunnersPreload();
    std::string error;
    sandbox_ = sandbox::Sandbox::Create(config, &error).release();
    ASSERT_NE(sandbox_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete sandbox_;
    delete pack_;
    fs::remove_all(*dir_);
    delete dir_;
  }
  static SubmissionReport Grade(const std::string& task_id, const std::string& code,
                                bool early_stop = true, bool all_tests = false) {
    GraderConfig config;
    config.early_stop = early_stop;
    config.all_tests = all_tests;
    Grader grader(*sandbox_, *pack_, config);
    return grader.Grade(*grader.FindTask(task_id), {.task_id = task_id, .code = code});
  }
  static int Count(const SubmissionReport& r, Verdict v) {
    int n = 0;
    for (const TestOutcome& t : r.tests) n += t.verdict == v;
    return n;
  }

  static std::string* dir_;
  static task::Pack* pack_;
  static sandbox::Sandbox* sandbox_;
};

std::string* ScoringTest::dir_ = nullptr;
task::Pack* ScoringTest::pack_ = nullptr;
sandbox::Sandbox* ScoringTest::sandbox_ = nullptr;

TEST_F(ScoringTest, EarlyStopNeverChangesTheAllOrNothingReward) {
  const struct {
    const char* what;
    std::string code;
    double reward;
  } cases[] = {
      {"correct", kDouble, 1.0},
      {"wrong on the first hidden test", "n = int(input())\nprint(5 if n == 2 else 2 * n)\n", 0},
      {"wrong on the last test", "n = int(input())\nprint(0 if n == 9 else 2 * n)\n", 0},
      {"wrong only on the public test", "n = int(input())\nprint(0 if n == 1 else 2 * n)\n", 1.0},
      {"crashes everywhere", "raise SystemExit(3)\n", 0},
  };
  for (const auto& c : cases) {
    SubmissionReport stopping = Grade("double", c.code, true);
    SubmissionReport full = Grade("double", c.code, false);
    ASSERT_TRUE(stopping.reward && full.reward) << c.what;
    EXPECT_EQ(*stopping.reward, c.reward) << c.what;
    EXPECT_EQ(*full.reward, *stopping.reward) << c.what;
    EXPECT_EQ(Count(full, Verdict::kSkipped), 0) << c.what;
    EXPECT_EQ(full.scoring, "all_or_nothing");
  }
  // A public test that does not count neither stops the grading nor is skipped.
  SubmissionReport public_wrong =
      Grade("double", "n = int(input())\nprint(0 if n == 1 else 2 * n)\n");
  EXPECT_EQ(public_wrong.tests[0].verdict, Verdict::kWrongAnswer);
  EXPECT_EQ(Count(public_wrong, Verdict::kSkipped), 0);
  // Failing the first hidden test: everything counted after it is skipped, uncounted.
  SubmissionReport first = Grade("double", "n = int(input())\nprint(5 if n == 2 else 2 * n)\n");
  EXPECT_EQ(first.tests[0].verdict, Verdict::kPassed);  // the public test still runs
  EXPECT_EQ(first.tests[1].verdict, Verdict::kWrongAnswer);
  EXPECT_EQ(Count(first, Verdict::kSkipped), 7);
  for (size_t i = 2; i < first.tests.size(); ++i) {
    EXPECT_EQ(first.tests[i].verdict, Verdict::kSkipped) << i;
    EXPECT_FALSE(first.tests[i].counted) << i;
  }
  EXPECT_EQ(first.ToJson()["tests"][2]["verdict"], "skipped");
}

TEST_F(ScoringTest, AFailedCallTestSkipsTheStdioTestsThatRunAfterIt) {
  // Right on stdin, wrong as a function: the call session fails first.
  const std::string code =
      "def double(n):\n    return n\n\nif __name__ == '__main__':\n"
      "    print(2 * int(input()))\n";
  SubmissionReport stopping = Grade("mixed", code, true);
  SubmissionReport full = Grade("mixed", code, false);
  ASSERT_TRUE(stopping.reward && full.reward);
  EXPECT_EQ(*stopping.reward, 0.0);
  EXPECT_EQ(*full.reward, 0.0);
  EXPECT_EQ(stopping.tests[2].verdict, Verdict::kWrongAnswer);
  EXPECT_EQ(stopping.tests[0].verdict, Verdict::kSkipped);
  EXPECT_EQ(stopping.tests[1].verdict, Verdict::kSkipped);
  EXPECT_EQ(full.tests[0].verdict, Verdict::kPassed);
  EXPECT_EQ(full.tests[1].verdict, Verdict::kPassed);
  SubmissionReport right = Grade("mixed",
                                 "def double(n):\n    return 2 * n\n\n"
                                 "if __name__ == '__main__':\n"
                                 "    print(2 * int(input()))\n");
  ASSERT_TRUE(right.reward);
  EXPECT_EQ(*right.reward, 1.0);
}

TEST_F(ScoringTest, SubtasksScoreEachGroupByItsWorstTest) {
  SubmissionReport r = Grade("subtasks", kDouble);
  ASSERT_TRUE(r.reward);
  EXPECT_EQ(*r.reward, 1.0);
  EXPECT_EQ(r.scoring, "subtasks");
  // Fails one test of "big": only "small"'s 30 of 100 points.
  r = Grade("subtasks", "n = int(input())\nprint(0 if n == 5000 else 2 * n)\n");
  ASSERT_TRUE(r.reward);
  EXPECT_DOUBLE_EQ(*r.reward, 0.3);
  r = Grade("subtasks", "n = int(input())\nprint(0 if n == 3 else 2 * n)\n");
  EXPECT_DOUBLE_EQ(*r.reward, 0.7);
}

TEST_F(ScoringTest, CodeforcesIsPassPlusATenthOfTheFraction) {
  SubmissionReport r = Grade("codeforces", kDouble);
  ASSERT_TRUE(r.reward);
  EXPECT_EQ(*r.reward, 1.0);
  EXPECT_EQ(r.scoring, "codeforces");
  r = Grade("codeforces", "n = int(input())\nprint(0 if n == 5000 else 2 * n)\n");
  ASSERT_TRUE(r.reward);
  EXPECT_DOUBLE_EQ(*r.reward, 0.1 * 3 / 4);
  EXPECT_EQ(Count(r, Verdict::kSkipped), 0);  // no early stop: the fraction needs every test
}

TEST_F(ScoringTest, MaxTestsGradesTheLongestInputsFirstTiesByOrder) {
  // Wrong on every input but the two longest ("0000007\n" and "012\n").
  SubmissionReport r =
      Grade("max-tests", "s = input()\nprint(2 * int(s) if s in ('0000007', '012') else 0)\n");
  ASSERT_TRUE(r.reward);
  EXPECT_EQ(*r.reward, 1.0);
  ASSERT_EQ(r.tests.size(), 4u);
  EXPECT_EQ(r.tests[0].verdict, Verdict::kSkipped);
  EXPECT_EQ(r.tests[1].verdict, Verdict::kPassed);
  EXPECT_EQ(r.tests[2].verdict, Verdict::kSkipped);
  EXPECT_EQ(r.tests[3].verdict, Verdict::kPassed);
  EXPECT_FALSE(r.tests[0].counted);
  // pack check grades every test (GraderConfig::all_tests): then all four count.
  SubmissionReport all =
      Grade("max-tests", "s = input()\nprint(2 * int(s) if s in ('0000007', '012') else 0)\n", true,
            true);
  ASSERT_TRUE(all.reward);
  EXPECT_EQ(*all.reward, 0.5);
  EXPECT_EQ(Count(all, Verdict::kSkipped), 0);
}

TEST(ComputeReward, ModesWithoutATask) {
  std::vector<TestOutcome> tests(4);
  for (TestOutcome& t : tests) t.verdict = Verdict::kPassed;
  tests[3].verdict = Verdict::kWrongAnswer;
  EXPECT_DOUBLE_EQ(ComputeReward(task::ScoringMode::kCodeforces, tests), 0.075);
  tests[3].counted = false;
  EXPECT_EQ(ComputeReward(task::ScoringMode::kCodeforces, tests), 1.0);
  tests[2].verdict = Verdict::kSkipped;
  tests[2].counted = false;
  EXPECT_EQ(ComputeReward(task::ScoringMode::kAllOrNothing, tests), 1.0);
}

}  // namespace
}  // namespace proctor::grader
