// The registry: versioned ids, documented options, and every bad id or option refused by name.
#include "envs/registry.h"

#include <gtest/gtest.h>

#include <regex>

#include "envs/codegen_env.h"
#include "envs/repair_env.h"
#include "tests/envs/test_packs.h"

namespace proctor::envs {
namespace {

using nlohmann::json;

EnvError MakeError(const std::string& id, const json& options,
                   const EnvContext& context = testing::FakeContext()) {
  try {
    MakeEnv(id, context, options);
  } catch (const EnvError& e) {
    return e;
  }
  ADD_FAILURE() << id << " " << options.dump() << ": no EnvError";
  return EnvError::BadState("none");
}

TEST(Registry, SpecsAreVersionedDocumentedAndUnique) {
  std::set<std::string> ids;
  for (const EnvSpec& spec : RegisteredEnvs()) {
    EXPECT_TRUE(std::regex_match(spec.id, std::regex("proctor/[a-z]+-v[0-9]+"))) << spec.id;
    EXPECT_TRUE(ids.insert(spec.id).second) << spec.id;
    EXPECT_FALSE(spec.description.empty());
    EXPECT_TRUE(spec.default_options.is_object());
    EXPECT_TRUE(spec.factory);
    EXPECT_EQ(FindEnvSpec(spec.id), &spec);
  }
  EXPECT_TRUE(ids.count("proctor/codegen-v0"));
  EXPECT_TRUE(ids.count("proctor/repair-v0"));
  EXPECT_EQ(FindEnvSpec("proctor/repair-v0")->default_options["max_turns"], 4);
  EXPECT_EQ(FindEnvSpec("proctor/repair-v0")->default_options["reward_mode"], "final");
}

TEST(Registry, UnknownIdsAreNamed) {
  EnvError e = MakeError("proctor/codegen", nullptr);
  EXPECT_EQ(e.kind(), EnvError::Kind::kInvalidArgument);
  EXPECT_EQ(e.param(), "env_id");
  EXPECT_NE(std::string(e.what()).find("'proctor/codegen'"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("proctor/codegen-v0"), std::string::npos) << e.what();
}

TEST(Registry, BadOptionsAreNamed) {
  struct Case {
    std::string id;
    json options;
    std::string param;
  };
  const std::vector<Case> cases = {
      {"proctor/codegen-v0", "not an object", "options"},
      {"proctor/codegen-v0", {{"max_turns", 2}}, "options.max_turns"},  // repair only
      {"proctor/codegen-v0", {{"colour", "red"}}, "options.colour"},
      {"proctor/codegen-v0", {{"split", "dev"}}, "options.split"},
      {"proctor/codegen-v0", {{"pack", "nope"}}, "options.pack"},
      {"proctor/codegen-v0", {{"pack", 3}}, "options.pack"},
      {"proctor/codegen-v0", {{"language", "cobol"}}, "options.language"},
      {"proctor/repair-v0", {{"max_turns", 0}}, "options.max_turns"},
      {"proctor/repair-v0", {{"max_turns", 65}}, "options.max_turns"},
      {"proctor/repair-v0", {{"max_turns", "4"}}, "options.max_turns"},
      {"proctor/repair-v0", {{"max_turns", 2.5}}, "options.max_turns"},
      {"proctor/repair-v0", {{"reward_mode", "best"}}, "options.reward_mode"},
  };
  for (const Case& c : cases) {
    EnvError e = MakeError(c.id, c.options);
    EXPECT_EQ(e.kind(), EnvError::Kind::kInvalidArgument) << c.options.dump();
    EXPECT_EQ(e.param(), c.param) << c.options.dump() << ": " << e.what();
    const std::string key = c.param.substr(c.param.find('.') + 1);
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(Registry, GoodOptionsAreAccepted) {
  const EnvContext context = testing::FakeContext();
  EXPECT_NE(MakeEnv("proctor/repair-v0", context,
                    {{"pack", "basics"},
                     {"split", "train"},
                     {"language", "python"},
                     {"max_turns", 64},
                     {"reward_mode", "improvement"}}),
            nullptr);
  EXPECT_NE(MakeEnv("proctor/codegen-v0", context, {{"pack", nullptr}, {"language", nullptr}}),
            nullptr);
  EXPECT_NE(MakeEnv("proctor/codegen-v0", context, json::object()), nullptr);
}

TEST(Registry, AContextWithoutPacksIsAnError) {
  EnvContext empty{{}, testing::FakeGrade};
  EXPECT_EQ(MakeError("proctor/codegen-v0", nullptr, empty).param(), "options.pack");
}

TEST(Memory, AnIdleEnvIsSmall) {
  // 10,000 sessions at once: an env is pointers and counters, never copies of tasks.
  EXPECT_LE(sizeof(CodegenEnv), 128u);
  EXPECT_LE(sizeof(RepairEnv), 128u);
}

}  // namespace
}  // namespace proctor::envs
