// A time_limit verdict is graded once more before it is reported (a busy machine can push a
// run over its wall clock), at most once, and the report says so. No timing is asserted: the
// slow program sleeps far past its wall limit, the others finish far below it.
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

class RerunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(fs::temp_directory_path() /
                           ("proctor-rerun-test-" + std::to_string(::getpid())));
    fs::create_directories(*dir_ + "/tasks");
    std::ofstream(*dir_ + "/pack.yaml") << kPackYaml;
    std::ofstream(*dir_ + "/tasks/echo.yaml") << kTaskYaml;
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
  static SubmissionReport Grade(const std::string& code, GraderConfig config = {}) {
    Grader grader(*sandbox_, *pack_, config);
    return grader.Grade(pack_->tasks.at(0), {.task_id = "echo", .code = code});
  }

  static std::string* dir_;
  static task::Pack* pack_;
  static sandbox::Sandbox* sandbox_;
};
std::string* RerunTest::dir_ = nullptr;
task::Pack* RerunTest::pack_ = nullptr;
sandbox::Sandbox* RerunTest::sandbox_ = nullptr;

TEST_F(RerunTest, ATimeLimitIsGradedOnceMoreAndStillReportedWhenReal) {
  // Sleeps: almost no CPU time, far past the wall limit, on both gradings.
  SubmissionReport r = Grade("import time\ntime.sleep(30)\nprint(input())\n");
  ASSERT_TRUE(r.reward.has_value()) << r.ungradeable_reason;
  EXPECT_EQ(*r.reward, 0.0);
  ASSERT_EQ(r.tests.size(), 1u);
  EXPECT_EQ(r.tests[0].verdict, Verdict::kTimeLimit);
  ASSERT_TRUE(r.rerun.has_value());
  EXPECT_EQ(r.rerun->reason, "time_limit");
  EXPECT_EQ(r.rerun->first_reward, 0.0);
  EXPECT_EQ(r.rerun->first_time_limits, 1);
  EXPECT_FALSE(r.rerun->reported_first);
  nlohmann::json j = r.ToJson();
  ASSERT_TRUE(j.contains("rerun")) << j.dump();
  EXPECT_EQ(j["rerun"]["reason"], "time_limit");
  EXPECT_EQ(j["rerun"]["first_time_limit_tests"], 1);
  EXPECT_EQ(j["rerun"]["reported"], "second");
  EXPECT_EQ(j["tests"][0]["verdict"], "time_limit");
  // Both gradings ran: at least two wall limits went by.
  EXPECT_GE(r.wall_seconds, 2.0);
}

TEST_F(RerunTest, CpuTimeLimitIsGradedOnceMoreToo) {
  SubmissionReport r = Grade("while True:\n    pass\n");
  ASSERT_TRUE(r.reward.has_value()) << r.ungradeable_reason;
  EXPECT_EQ(r.tests.at(0).verdict, Verdict::kTimeLimit);
  ASSERT_TRUE(r.rerun.has_value());
  EXPECT_EQ(r.rerun->first_time_limits, 1);
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

}  // namespace
}  // namespace proctor::grader
