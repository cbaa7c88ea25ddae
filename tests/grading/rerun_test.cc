// A time limit the machine's load can explain (a wall-clock kill of a run that was on a CPU for
// less than kLoadCpuShare of that time) is graded once more before it is reported, at most
// once, and the report says why. A CPU-time kill is the program's own and is graded once. No
// timing is asserted: the sleeper sleeps far past its wall limit, the spinner spends its CPU
// limit far below its wall limit, the others finish far below both.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "grader/grading/grader.h"
#include "grader/task/pack_loader.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {
namespace {
namespace fs = std::filesystem;

constexpr char kPackYaml[] = R"(name: rerun-test
version: "1"
defaults:
  limits: {wall_seconds: 1, cpu_seconds: 1}
  languages: [python]
)";

constexpr char kTaskYaml[] = R"(id: echo
prompt: Print the line you read.
tests:
  - stdio: {stdin: "hello\n", expected_stdout: "hello\n"}
)";

// The CPU limit fires long before the wall clock unless the machine is ten times oversubscribed.
constexpr char kSpinTaskYaml[] = R"(id: spin
prompt: Print the line you read.
limits: {wall_seconds: 10, cpu_seconds: 1}
tests:
  - stdio: {stdin: "hello\n", expected_stdout: "hello\n"}
)";

class RerunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(fs::temp_directory_path() /
                           ("proctor-rerun-test-" + std::to_string(::getpid())));
    fs::create_directories(*dir_ + "/tasks");
    std::ofstream(*dir_ + "/pack.yaml") << kPackYaml;
    std::ofstream(*dir_ + "/tasks/echo.yaml") << kTaskYaml;
    std::ofstream(*dir_ + "/tasks/spin.yaml") << kSpinTaskYaml;
    auto pack = task::LoadPack(*dir_);
    ASSERT_TRUE(pack) << pack.error().ToString();
    pack_ = new task::Pack(std::move(*pack));
    sandbox::SandboxConfig config;
    config.keeper_path = PROCTOR_KEEPER;
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
  static SubmissionReport Grade(const std::string& code, GraderConfig config = {},
                                const std::string& task_id = "echo") {
    Grader grader(*sandbox_, *pack_, config);
    const task::Task* task = grader.FindTask(task_id);
    EXPECT_NE(task, nullptr) << task_id;
    if (task == nullptr) return {};
    return grader.Grade(*task, {.task_id = task_id, .code = code});
  }

  static std::string* dir_;
  static task::Pack* pack_;
  static sandbox::Sandbox* sandbox_;
};
std::string* RerunTest::dir_ = nullptr;
task::Pack* RerunTest::pack_ = nullptr;
sandbox::Sandbox* RerunTest::sandbox_ = nullptr;

TEST_F(RerunTest, AWallClockKillWithLittleCpuIsGradedOnceMoreAndStillReportedWhenReal) {
  // Sleeps: almost no CPU time, far past the wall limit, on both gradings.
  SubmissionReport r = Grade("import time\ntime.sleep(30)\nprint(input())\n");
  ASSERT_TRUE(r.reward.has_value()) << r.ungradeable_reason;
  EXPECT_EQ(*r.reward, 0.0);
  ASSERT_EQ(r.tests.size(), 1u);
  EXPECT_EQ(r.tests[0].verdict, Verdict::kTimeLimit);
  EXPECT_EQ(r.tests[0].time_limit, TimeLimitKind::kWall);
  ASSERT_TRUE(r.rerun.has_value());
  EXPECT_NE(r.rerun->reason.find("test 0 hit its wall-clock limit with"), std::string::npos)
      << r.rerun->reason;
  EXPECT_NE(r.rerun->reason.find("load can explain it"), std::string::npos) << r.rerun->reason;
  EXPECT_EQ(r.rerun->first_reward, 0.0);
  EXPECT_EQ(r.rerun->first_time_limits, 1);
  EXPECT_FALSE(r.rerun->reported_first);
  nlohmann::json j = r.ToJson();
  ASSERT_TRUE(j.contains("rerun")) << j.dump();
  EXPECT_EQ(j["rerun"]["reason"], r.rerun->reason);
  EXPECT_EQ(j["rerun"]["first_time_limit_tests"], 1);
  EXPECT_EQ(j["rerun"]["reported"], "second");
  EXPECT_EQ(j["tests"][0]["verdict"], "time_limit");
  EXPECT_EQ(j["tests"][0]["limit"], "wall");
  // Both gradings ran: at least two wall limits went by.
  EXPECT_GE(r.wall_seconds, 2.0);
}

TEST_F(RerunTest, AnInfiniteLoopStoppedByItsCpuLimitIsGradedOnce) {
  SubmissionReport r = Grade("while True:\n    pass\n", {}, "spin");
  ASSERT_TRUE(r.reward.has_value()) << r.ungradeable_reason;
  EXPECT_EQ(*r.reward, 0.0);
  ASSERT_EQ(r.tests.size(), 1u);
  EXPECT_EQ(r.tests[0].verdict, Verdict::kTimeLimit);
  EXPECT_EQ(r.tests[0].time_limit, TimeLimitKind::kCpu);
  EXPECT_FALSE(r.rerun.has_value()) << r.rerun->reason;
  nlohmann::json j = r.ToJson();
  EXPECT_FALSE(j.contains("rerun")) << j.dump();
  EXPECT_EQ(j["tests"][0]["verdict"], "time_limit");
  EXPECT_EQ(j["tests"][0]["limit"], "cpu");
}

TEST_F(RerunTest, OtherVerdictsAreNotGradedTwice) {
  SubmissionReport passed = Grade("print(input())\n");
  EXPECT_EQ(passed.reward, 1.0);
  EXPECT_FALSE(passed.rerun.has_value());
  EXPECT_FALSE(passed.ToJson().contains("rerun"));
  SubmissionReport wrong = Grade("print('bye')\n");
  EXPECT_EQ(wrong.reward, 0.0);
  EXPECT_EQ(wrong.tests.at(0).verdict, Verdict::kWrongAnswer);
  EXPECT_FALSE(wrong.rerun.has_value());
  SubmissionReport crashed = Grade("raise SystemExit(3)\n");
  EXPECT_EQ(crashed.tests.at(0).verdict, Verdict::kRuntimeError);
  EXPECT_FALSE(crashed.rerun.has_value());
}

TEST_F(RerunTest, ReRunsCanBeTurnedOff) {
  GraderConfig config;
  config.time_limit_reruns = 0;
  SubmissionReport r = Grade("import time\ntime.sleep(30)\n", config);
  EXPECT_EQ(r.tests.at(0).verdict, Verdict::kTimeLimit);
  EXPECT_FALSE(r.rerun.has_value());
}

// The rule itself, on a run's usage figures: a loaded machine's, without loading this one.
TEST(LoadCanExplain, OnlyAWallClockKillOfARunThatWasOffTheCpuMuchOfTheTime) {
  EXPECT_TRUE(LoadCanExplain(TimeLimitKind::kWall, 1.0, 0.02));   // asleep, or never scheduled
  EXPECT_TRUE(LoadCanExplain(TimeLimitKind::kWall, 5.0, 2.5));    // half a CPU: 2x oversubscribed
  EXPECT_FALSE(LoadCanExplain(TimeLimitKind::kWall, 1.0, 0.95));  // computed all along
  EXPECT_FALSE(LoadCanExplain(TimeLimitKind::kWall, 4.0, 3.0));   // exactly the share
  EXPECT_FALSE(LoadCanExplain(TimeLimitKind::kWall, 1.0, 3.0));   // several threads computing
  EXPECT_FALSE(LoadCanExplain(TimeLimitKind::kCpu, 5.0, 1.0));    // spent its own CPU budget
  EXPECT_FALSE(LoadCanExplain(TimeLimitKind::kNone, 5.0, 0.0));
}

TEST(LoadExplainedTimeLimit, NamesTheFirstTestLoadCanExplainOrTheCompile) {
  SubmissionReport report;
  TestOutcome passed;
  passed.verdict = Verdict::kPassed;
  TestOutcome spun;
  spun.verdict = Verdict::kTimeLimit;
  spun.time_limit = TimeLimitKind::kCpu;
  spun.wall_seconds = 1.2;
  spun.cpu_seconds = 1.0;
  TestOutcome computed = spun;
  computed.time_limit = TimeLimitKind::kWall;
  computed.cpu_seconds = 1.15;
  report.tests = {passed, spun, computed};
  EXPECT_TRUE(report.HasTimeLimit());
  EXPECT_FALSE(report.LoadExplainedTimeLimit().has_value());

  TestOutcome waited = computed;
  waited.cpu_seconds = 0.1;
  report.tests.push_back(waited);
  std::optional<std::string> why = report.LoadExplainedTimeLimit();
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(*why, "test 3 hit its wall-clock limit with 0.10 s of CPU in 1.20 s: the machine's "
                  "load can explain it");

  SubmissionReport compile;
  compile.compile_time_limit = TimeLimitKind::kWall;
  compile.compile_wall_seconds = 10.0;
  compile.compile_cpu_seconds = 1.0;
  why = compile.LoadExplainedTimeLimit();
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->rfind("the compile hit its wall-clock limit", 0), 0u) << *why;
  compile.compile_time_limit = TimeLimitKind::kCpu;
  EXPECT_FALSE(compile.LoadExplainedTimeLimit().has_value());
}

}  // namespace
}  // namespace proctor::grader
