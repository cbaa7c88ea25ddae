// Episode semantics with a fake grader: order enforcement, termination and truncation, the two
// reward modes of repair, and ungradeable steps that never count against the model.
#include <gtest/gtest.h>

#include "envs/registry.h"
#include "tests/envs/test_packs.h"

namespace proctor::envs {
namespace {

using nlohmann::json;

json Code(const std::string& text) { return {{"code", text}}; }

EnvError::Kind ErrorKind(const std::function<void()>& call) {
  try {
    call();
  } catch (const EnvError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no EnvError";
  return EnvError::Kind::kInvalidArgument;
}

class EpisodeTest : public ::testing::Test {
 protected:
  std::unique_ptr<Env> Make(const std::string& id, const json& options = nullptr) {
    auto env = MakeEnv(id, context_, options);
    env->Reset(std::nullopt, {{"task_id", "gcd"}}, nullptr);
    return env;
  }
  EnvContext context_ = testing::FakeContext();
};

TEST_F(EpisodeTest, CodegenTerminatesAfterOneGradedStep) {
  for (const auto& [code, reward] : std::vector<std::pair<std::string, double>>{
           {"PASS", 1.0}, {"wrong", 0.0}, {"SCORE=0.4", 0.4}}) {
    auto env = Make("proctor/codegen-v0");
    StepResult r = env->Step(Code(code));
    EXPECT_EQ(r.reward, reward) << code;
    EXPECT_TRUE(r.terminated);
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(r.observation["turn"], 1);
    EXPECT_EQ(r.observation["max_turns"], 1);
    EXPECT_TRUE(r.observation["feedback"].is_null());
    EXPECT_EQ(r.info["report"]["task_id"], "gcd");
    EXPECT_EQ(r.info["ungradeable"], false);
    EXPECT_EQ(ErrorKind([&] { env->Step(Code(code)); }), EnvError::Kind::kBadState);
  }
}

TEST_F(EpisodeTest, StepBeforeResetAndAfterAFailedResetIsRefused) {
  auto env = MakeEnv("proctor/repair-v0", context_, nullptr);
  EXPECT_EQ(ErrorKind([&] { env->Step(Code("PASS")); }), EnvError::Kind::kBadState);
  env->Reset(1, nullptr, nullptr);
  EXPECT_THROW(env->Reset(1, {{"task_id", "nope"}}, nullptr), EnvError);
  EXPECT_EQ(ErrorKind([&] { env->Step(Code("PASS")); }), EnvError::Kind::kBadState);
}

TEST_F(EpisodeTest, BadActionsLeaveTheEpisodeAsItWas) {
  auto env = Make("proctor/repair-v0");
  EXPECT_EQ(ErrorKind([&] { env->Step(json{{"code", 3}}); }), EnvError::Kind::kInvalidArgument);
  EXPECT_EQ(ErrorKind([&] { env->Step(json::object()); }), EnvError::Kind::kInvalidArgument);
  EXPECT_EQ(ErrorKind([&] {
              env->Step({{"code", "x"}, {"language", "cpp"}});
            }),
            EnvError::Kind::kInvalidArgument);  // gcd is python only
  EXPECT_EQ(ErrorKind([&] { env->Step(Code(std::string(2 << 20, 'x'))); }),
            EnvError::Kind::kInvalidArgument);
  StepResult r = env->Step(Code("wrong"));
  EXPECT_EQ(r.observation["turn"], 1);
}

TEST_F(EpisodeTest, RepairTerminatesOnFullRewardAndTruncatesAtMaxTurns) {
  auto env = Make("proctor/repair-v0", {{"max_turns", 3}});
  StepResult r = env->Step(Code("wrong"));
  EXPECT_FALSE(r.terminated || r.truncated);
  r = env->Step(Code("PASS"));
  EXPECT_TRUE(r.terminated);
  EXPECT_FALSE(r.truncated);
  EXPECT_TRUE(r.observation["feedback"].is_null());

  env->Reset(std::nullopt, {{"task_id", "gcd"}}, nullptr);
  for (int turn = 1; turn <= 3; ++turn) {
    r = env->Step(Code("wrong"));
    EXPECT_EQ(r.observation["turn"], turn);
    EXPECT_EQ(r.truncated, turn == 3);
    EXPECT_FALSE(r.terminated);
  }
  EXPECT_EQ(ErrorKind([&] { env->Step(Code("PASS")); }), EnvError::Kind::kBadState);
}

TEST_F(EpisodeTest, FinalModePaysTheLastAttemptOnTheLastStep) {
  auto env = Make("proctor/repair-v0", {{"max_turns", 3}});
  std::vector<double> rewards;
  for (const char* code : {"SCORE=0.25", "SCORE=0.75", "SCORE=0.5"})
    rewards.push_back(*env->Step(Code(code)).reward);
  EXPECT_EQ(rewards, (std::vector<double>{0, 0, 0.5}));

  env->Reset(std::nullopt, {{"task_id", "gcd"}}, nullptr);
  EXPECT_EQ(env->Step(Code("SCORE=0.5")).reward, 0.0);
  StepResult r = env->Step(Code("PASS"));
  EXPECT_EQ(r.reward, 1.0);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.info["attempt_reward"], 1.0);
  EXPECT_EQ(r.info["best_reward"], 1.0);
}

TEST_F(EpisodeTest, ImprovementModeSumsToTheBestReward) {
  auto env = Make("proctor/repair-v0", {{"max_turns", 4}, {"reward_mode", "improvement"}});
  std::vector<double> rewards, best;
  for (const char* code : {"SCORE=0.25", "SCORE=0.75", "SCORE=0.5", "SCORE=0.5"}) {
    StepResult r = env->Step(Code(code));
    rewards.push_back(*r.reward);
    best.push_back(r.info["best_reward"]);
  }
  EXPECT_EQ(rewards, (std::vector<double>{0.25, 0.5, 0, 0}));
  EXPECT_EQ(best, (std::vector<double>{0.25, 0.75, 0.75, 0.75}));

  env->Reset(std::nullopt, {{"task_id", "gcd"}}, nullptr);  // the best resets with the episode
  EXPECT_EQ(env->Step(Code("SCORE=0.5")).reward, 0.5);
  EXPECT_EQ(env->Step(Code("PASS")).reward, 0.5);
}

TEST_F(EpisodeTest, UngradeableStepsDoNotCount) {
  for (const char* id : {"proctor/codegen-v0", "proctor/repair-v0"}) {
    auto env = Make(id, std::string(id) == "proctor/repair-v0" ? json{{"max_turns", 1}} : json());
    StepResult r = env->Step(Code("INFRA"));
    EXPECT_FALSE(r.reward.has_value()) << id;
    EXPECT_FALSE(r.terminated || r.truncated) << id;
    EXPECT_EQ(r.info["ungradeable"], true);
    EXPECT_EQ(r.info["report"]["ungradeable"], true);
    EXPECT_EQ(r.observation["turn"], 0);
    r = env->Step(Code("INFRA"));  // still open: the same attempt may be retried
    EXPECT_FALSE(r.reward.has_value());
    r = env->Step(Code("wrong"));
    EXPECT_EQ(r.reward, 0.0);
    EXPECT_TRUE(r.terminated || r.truncated) << id;  // the one graded turn ends both
  }
}

}  // namespace
}  // namespace proctor::envs
