// The envs over the real grader and sandbox: codegen on the adversarial pack's T1 (add), repair
// on basics' gcd, and the conformance checker once per env. About a dozen gradings in all.
#include <gtest/gtest.h>

#include "envs/env_checker.h"
#include "envs/registry.h"
#include "grader/grading/grader.h"
#include "sandbox/sandbox.h"
#include "tests/envs/test_packs.h"

namespace proctor::envs {
namespace {

using nlohmann::json;

const char kAddRight[] = "def add(a, b):\n    return a + b\n";
const char kAddWrong[] = "def add(a, b):\n    return int(a) + int(b)\n";
const char kGcdRight[] =
    "def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
    "    return a\n";
// Fails the public test (gcd(12, 18) -> 216) and prints every argument it gets, hidden ones
// included, to stderr: none of it may reach the observation.
const char kGcdWrongLeaky[] =
    "import sys\n"
    "def gcd(a, b):\n    print('ARGS', a, b, file=sys.stderr)\n    return a * b\n";

class GradingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sandbox::SandboxConfig config;
    config.keeper_path = PROCTOR_KEEPER;
    std::string error;
    sandbox_ = sandbox::Sandbox::Create(config, &error).release();
    if (sandbox_ == nullptr) skip_reason_ = new std::string(error);
  }
  static void TearDownTestSuite() {
    delete sandbox_;
    sandbox_ = nullptr;
  }
  void SetUp() override {
    if (sandbox_ == nullptr) GTEST_SKIP() << "no sandbox on this host: " << *skip_reason_;
    context_.packs = {&testing::BasicsPack(), &testing::AdversarialPack()};
    context_.grade = [](const grader::task::Pack& pack, const grader::task::Task& task,
                        const grader::Submission& submission) {
      grader::Grader grader(*sandbox_, pack, {});
      return grader.Grade(task, submission);
    };
  }

  std::unique_ptr<Env> Make(const std::string& id, const json& options,
                            const std::string& task_id) {
    auto env = MakeEnv(id, context_, options);
    env->Reset(std::nullopt, {{"task_id", task_id}}, nullptr);
    return env;
  }

  static sandbox::Sandbox* sandbox_;
  static std::string* skip_reason_;
  EnvContext context_;
};

sandbox::Sandbox* GradingTest::sandbox_ = nullptr;
std::string* GradingTest::skip_reason_ = nullptr;

TEST_F(GradingTest, CodegenRewardsACorrectAdd) {
  auto env = Make("proctor/codegen-v0", {{"pack", "adversarial"}}, "T1");
  StepResult r = env->Step({{"code", kAddRight}});
  ASSERT_TRUE(r.reward.has_value()) << r.info.dump(2);
  EXPECT_EQ(*r.reward, 1.0);
  EXPECT_TRUE(r.terminated);
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(r.info["report"]["reward"], 1.0);
  EXPECT_EQ(r.info["report"]["tests"].size(), 10u);
}

TEST_F(GradingTest, CodegenScoresAWrongAddZeroAndEnds) {
  auto env = Make("proctor/codegen-v0", {{"pack", "adversarial"}}, "T1");
  StepResult r = env->Step({{"completion", "    return int(a) + int(b)\n"}});  // after the starter
  ASSERT_TRUE(r.reward.has_value()) << r.info.dump(2);
  EXPECT_EQ(*r.reward, 0.0);
  EXPECT_TRUE(r.terminated);
  EXPECT_THROW(env->Step({{"code", kAddRight}}), EnvError);
}

TEST_F(GradingTest, RepairShowsPublicFeedbackThenTerminatesOnTheFix) {
  auto env = Make("proctor/repair-v0", nullptr, "gcd");
  StepResult r = env->Step({{"code", kGcdWrongLeaky}});
  ASSERT_TRUE(r.reward.has_value()) << r.info.dump(2);
  EXPECT_LT(*r.reward, 1.0);
  EXPECT_EQ(*r.reward, 0.0);  // final mode: nothing before the last step
  EXPECT_FALSE(r.terminated || r.truncated);
  const json& fb = r.observation["feedback"];
  ASSERT_TRUE(fb.is_object()) << r.observation.dump(2);
  EXPECT_EQ(fb["name"], "call-1");
  EXPECT_EQ(fb["verdict"], "wrong_answer");
  EXPECT_EQ(fb["input"], "gcd(12, 18)");
  EXPECT_EQ(fb["expected"], "6");
  EXPECT_EQ(fb["got"], "216");
  EXPECT_TRUE(fb["stderr_tail"].is_null());
  EXPECT_GT(fb["hidden_failed"].get<int>(), 0);
  // Neither does the grader's report (info, for the trainer): the call process's stderr,
  // which printed hidden arguments, is kept out of public feedback.
  EXPECT_EQ(r.info["report"].dump().find("ARGS 4 -6"), std::string::npos)
      << r.info["report"].dump(2);
  const std::string shown = r.observation.dump();
  for (const char* hidden : {"1000000000000000000000", "ARGS 4 -6", "both-negative", "one-zero"})
    EXPECT_EQ(shown.find(hidden), std::string::npos) << hidden << " leaked: " << shown;

  r = env->Step({{"code", kGcdRight}});
  ASSERT_TRUE(r.reward.has_value()) << r.info.dump(2);
  EXPECT_EQ(*r.reward, 1.0);
  EXPECT_TRUE(r.terminated);
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(r.observation["turn"], 2);
  EXPECT_TRUE(r.observation["feedback"].is_null());
}

TEST_F(GradingTest, RepairTruncatesAfterMaxTurnsWrongAttempts) {
  auto env = Make("proctor/repair-v0", {{"max_turns", 2}, {"reward_mode", "improvement"}}, "gcd");
  StepResult first = env->Step({{"code", "def gcd(a, b):\n    return a * b\n"}});
  StepResult second = env->Step({{"code", "def gcd(a, b):\n    return a * b\n"}});
  ASSERT_TRUE(first.reward && second.reward);
  EXPECT_FALSE(first.terminated || first.truncated);
  EXPECT_TRUE(second.truncated);
  EXPECT_FALSE(second.terminated);
  // The same program twice: the gain is all in the first step.
  EXPECT_EQ(*first.reward + *second.reward, second.info["best_reward"].get<double>());
  EXPECT_EQ(*second.reward, 0.0);
  EXPECT_THROW(env->Step({{"code", kGcdRight}}), EnvError);
}

TEST_F(GradingTest, EveryRegisteredEnvConformsUnderRealGrading) {
  for (const EnvSpec& spec : RegisteredEnvs()) {
    json options = {{"pack", "adversarial"}, {"language", "python"}};
    if (spec.default_options.contains("max_turns")) options["max_turns"] = 2;
    auto problems = CheckEnv([&] { return MakeEnv(spec.id, context_, options); },
                             {.seed = 1, .action = {{"code", kAddWrong}}});
    std::string all;
    for (const std::string& p : problems) all += "\n  " + p;
    EXPECT_TRUE(problems.empty()) << spec.id << all;
  }
}

}  // namespace
}  // namespace proctor::envs
