// Which task an episode gets: the split partition, seeded draws, task_id, pack and language.
#include <gtest/gtest.h>

#include <set>

#include "envs/registry.h"
#include "envs/task_picker.h"
#include "tests/envs/test_packs.h"

namespace proctor::envs {
namespace {

using nlohmann::json;

std::string ResetTask(Env& env, std::optional<uint64_t> seed, const json& options = nullptr) {
  json info;
  json obs = env.Reset(seed, options, &info);
  EXPECT_EQ(info["task_id"], obs["task_id"]);
  return obs["task_id"];
}

TEST(Hashes, MatchTheirReferenceValues) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64Next(&state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(SplitMix64Next(&state), 0x6e789e6aa1b965f4ULL);
}

TEST(Split, PartitionsEveryPackByTaskId) {
  const auto& pack = testing::BasicsPack();
  int train = 0, test = 0;
  for (const auto& t : pack.tasks) {
    EXPECT_TRUE(InSplit(t.id, Split::kAll));
    EXPECT_NE(InSplit(t.id, Split::kTrain), InSplit(t.id, Split::kTest)) << t.id;
    EXPECT_EQ(InSplit(t.id, Split::kTrain), Fnv1a64(t.id) % 100 < 80) << t.id;
    (InSplit(t.id, Split::kTrain) ? train : test)++;
  }
  EXPECT_GT(train, test);
  EXPECT_GT(test, 0);
}

TEST(Split, DrawsStayInTheirSplit) {
  const EnvContext context = testing::FakeContext();
  for (const char* split : {"train", "test"}) {
    auto env = MakeEnv("proctor/codegen-v0", context, {{"split", split}});
    std::set<std::string> seen;
    for (uint64_t seed = 0; seed < 60; ++seed) seen.insert(ResetTask(*env, seed));
    for (const std::string& id : seen)
      EXPECT_TRUE(InSplit(id, *SplitFromName(split))) << split << " drew " << id;
    EXPECT_GT(seen.size(), 1u) << split;
  }
}

TEST(Seeds, SameSeedSameTaskAndSeedsSpread) {
  const EnvContext context = testing::FakeContext();
  auto a = MakeEnv("proctor/repair-v0", context, nullptr);
  auto b = MakeEnv("proctor/repair-v0", context, nullptr);
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 100; ++seed) {
    const std::string task = ResetTask(*a, seed);
    EXPECT_EQ(ResetTask(*b, seed), task) << "seed " << seed;
    seen.insert(task);
  }
  EXPECT_GE(seen.size(), testing::BasicsPack().tasks.size() * 3 / 4);
}

TEST(Seeds, UnseededResetsContinueTheSeededStream) {
  const EnvContext context = testing::FakeContext();
  auto a = MakeEnv("proctor/codegen-v0", context, nullptr);
  auto b = MakeEnv("proctor/codegen-v0", context, nullptr);
  std::vector<std::string> first, second;
  ResetTask(*a, 42);
  ResetTask(*b, 42);
  for (int i = 0; i < 5; ++i) {
    first.push_back(ResetTask(*a, std::nullopt));
    second.push_back(ResetTask(*b, std::nullopt));
  }
  EXPECT_EQ(first, second);
  EXPECT_GT(std::set<std::string>(first.begin(), first.end()).size(), 1u);
  // A fresh, never-seeded env behaves as if seeded with 0.
  auto fresh = MakeEnv("proctor/codegen-v0", context, nullptr);
  auto zero = MakeEnv("proctor/codegen-v0", context, nullptr);
  EXPECT_EQ(ResetTask(*fresh, std::nullopt), ResetTask(*zero, 0));
}

TEST(TaskId, PicksATaskDirectlyAndRejectsUnknownOnes) {
  const EnvContext context = testing::FakeContext();
  auto env = MakeEnv("proctor/repair-v0", context, {{"split", "train"}});
  EXPECT_EQ(ResetTask(*env, 3, {{"task_id", "gcd"}}), "gcd");
  // An explicit task_id is honoured whatever the split.
  for (const auto& t : testing::BasicsPack().tasks) {
    if (!InSplit(t.id, Split::kTest)) continue;
    EXPECT_EQ(ResetTask(*env, std::nullopt, {{"task_id", t.id}}), t.id);
  }
  try {
    env->Reset(std::nullopt, {{"task_id", "no-such-task"}}, nullptr);
    FAIL() << "no throw";
  } catch (const EnvError& e) {
    EXPECT_EQ(e.kind(), EnvError::Kind::kInvalidArgument);
    EXPECT_EQ(e.param(), "options.task_id");
    EXPECT_NE(std::string(e.what()).find("no-such-task"), std::string::npos);
  }
  EXPECT_THROW(env->Reset(std::nullopt, {{"task_id", 3}}, nullptr), EnvError);
  EXPECT_THROW(env->Reset(std::nullopt, json::array(), nullptr), EnvError);
}

TEST(PackOption, SelectsAPackByName) {
  const EnvContext context = testing::FakeContext();
  auto env = MakeEnv("proctor/codegen-v0", context, {{"pack", "adversarial"}});
  json obs = env->Reset(1, nullptr, nullptr);
  EXPECT_EQ(obs["pack"], "adversarial");
  EXPECT_EQ(ResetTask(*env, std::nullopt, {{"task_id", "T1"}}), "T1");
  auto basics = MakeEnv("proctor/codegen-v0", context, nullptr);  // default: the first pack
  EXPECT_EQ(basics->Reset(1, nullptr, nullptr)["pack"], "basics");
}

TEST(LanguageOption, DrawsOnlyTasksAllowingIt) {
  const EnvContext context = testing::FakeContext();
  auto env = MakeEnv("proctor/codegen-v0", context, {{"language", "cpp"}});
  for (uint64_t seed = 0; seed < 20; ++seed) {
    json obs = env->Reset(seed, nullptr, nullptr);
    EXPECT_EQ(obs["language"], "cpp");
    const auto* t = &testing::BasicsPack().tasks.front();
    for (const auto& task : testing::BasicsPack().tasks)
      if (task.id == obs["task_id"]) t = &task;
    EXPECT_NE(std::find(t->languages.begin(), t->languages.end(), grader::task::Language::kCpp),
              t->languages.end())
        << t->id;
  }
  EXPECT_THROW(env->Reset(std::nullopt, {{"task_id", "gcd"}}, nullptr), EnvError);  // python only
}

}  // namespace
}  // namespace proctor::envs
