// Every registered env passes the conformance checker (envs/env_checker.h), on both packs and
// with actions that fail, solve and never solve. Grading is faked here (instant, pure);
// grading_test.cc runs the checker once more with the real grader.
#include <gtest/gtest.h>

#include "envs/env_checker.h"
#include "envs/registry.h"
#include "envs/repair_env.h"
#include "tests/envs/test_packs.h"

namespace proctor::envs {
namespace {

using nlohmann::json;

std::vector<std::string> RegisteredIds() {
  std::vector<std::string> ids;
  for (const EnvSpec& spec : RegisteredEnvs()) ids.push_back(spec.id);
  return ids;
}

class ConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<std::string> Check(const json& options, const CheckConfig& config) {
    const EnvContext context = testing::FakeContext();
    return CheckEnv([&] { return MakeEnv(GetParam(), context, options); }, config);
  }
};

std::string Join(const std::vector<std::string>& problems) {
  std::string out;
  for (const std::string& p : problems) out += "\n  " + p;
  return out;
}

TEST_P(ConformanceTest, FailingActions) {
  for (uint64_t seed : {0, 1, 7, 12345}) {
    auto problems = Check(nullptr, {.seed = seed, .action = {{"code", "wrong"}}});
    EXPECT_TRUE(problems.empty()) << "seed " << seed << Join(problems);
  }
}

TEST_P(ConformanceTest, SolvingActions) {
  auto problems = Check(nullptr, {.seed = 3, .action = {{"code", "PASS"}}});
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

TEST_P(ConformanceTest, PartialCreditAndCompletions) {
  auto problems =
      Check({{"pack", "adversarial"}}, {.seed = 5, .action = {{"completion", "SCORE=0.5"}}});
  EXPECT_TRUE(problems.empty()) << Join(problems);
}

TEST_P(ConformanceTest, EveryOptionValueOfTheSpec) {
  const EnvSpec* spec = FindEnvSpec(GetParam());
  ASSERT_NE(spec, nullptr);
  for (const char* split : {"all", "train", "test"}) {
    json options = {{"split", split}};
    auto problems = Check(options, {.seed = 11, .action = {{"code", "wrong"}}});
    EXPECT_TRUE(problems.empty()) << split << Join(problems);
  }
  if (spec->default_options.contains("reward_mode")) {
    auto problems = Check({{"reward_mode", "improvement"}, {"max_turns", 2}},
                          {.seed = 2, .action = {{"code", "SCORE=0.25"}}});
    EXPECT_TRUE(problems.empty()) << Join(problems);
  }
}

INSTANTIATE_TEST_SUITE_P(RegisteredEnvs, ConformanceTest, ::testing::ValuesIn(RegisteredIds()),
                         [](const auto& info) {
                           std::string name;
                           for (char c : info.param) name += std::isalnum(c) ? c : '_';
                           return name;
                         });

// The checker itself catches a broken env: one that ignores seeds and never ends.
class BrokenEnv : public Env {
 public:
  json Reset(std::optional<uint64_t>, const json&, json* info) override {
    if (info) *info = json::object();
    return {{"task_id", std::to_string(++resets_)}};
  }
  StepResult Step(const json&) override {
    StepResult r;
    r.observation = json::object();
    r.reward = 2.0;
    return r;
  }

 private:
  int resets_ = 0;
};

TEST(EnvChecker, ReportsABrokenEnv) {
  auto problems = CheckEnv([] { return std::make_unique<BrokenEnv>(); });
  EXPECT_GE(problems.size(), 5u) << Join(problems);
  EXPECT_NE(Join(problems).find("step before reset"), std::string::npos);
  EXPECT_NE(Join(problems).find("outside [0, 1]"), std::string::npos);
}

// Without its wrappers the repair env neither stops at max_turns nor refuses out-of-order
// steps: the checker sees it, which is why MakeEnv always wraps.
TEST(EnvChecker, ReportsAnUnwrappedEnv) {
  const EnvContext context = testing::FakeContext();
  EnvOptions options;
  options.pack = &testing::BasicsPack();
  options.max_turns = 2;
  auto problems = CheckEnv([&] { return std::make_unique<RepairEnv>(context, options); },
                           {.action = {{"code", "wrong"}}});
  const std::string all = Join(problems);
  EXPECT_NE(all.find("max_turns graded steps did not end it"), std::string::npos) << all;
}

}  // namespace
}  // namespace proctor::envs
