// Policy files: defaults, overrides, and errors that say file:line:col and what is wrong.
#include <gtest/gtest.h>

#include "sandbox/policy_yaml.h"

namespace proctor::sandbox {
namespace {

TEST(PolicyYaml, EmptyDocumentKeepsTheDocumentedDefaults) {
  Policy p;
  std::string error;
  ASSERT_TRUE(LoadPolicyString("", "p.yaml", &p, &error)) << error;
  EXPECT_EQ(p.limits.wall_seconds, 10.0);
  EXPECT_EQ(p.limits.memory_bytes, 256 * kMiB);
  EXPECT_EQ(p.env.at("PATH"), "/usr/bin:/bin");
  EXPECT_EQ(p.workdir, "/box");
}

TEST(PolicyYaml, OverridesOnlyTheKeysGiven) {
  Policy p;
  std::string error;
  ASSERT_TRUE(LoadPolicyString("limits:\n  wall_seconds: 2.5\n  memory_mb: 64\n"
                               "env: {PATH: /usr/bin}\nworkdir: /work\n",
                               "p.yaml", &p, &error))
      << error;
  EXPECT_EQ(p.limits.wall_seconds, 2.5);
  EXPECT_EQ(p.limits.memory_bytes, 64 * kMiB);
  EXPECT_EQ(p.limits.cpu_seconds, 5.0);
  EXPECT_EQ(p.env.size(), 1u);
  EXPECT_EQ(p.workdir, "/work");
}

TEST(PolicyYaml, UnknownKeyIsAnErrorWithItsPosition) {
  Policy p;
  std::string error;
  EXPECT_FALSE(LoadPolicyString("limits:\n  wall_seconds: 1\n  wal_seconds: 2\n", "p.yaml", &p,
                                &error));
  EXPECT_EQ(error.rfind("p.yaml:3:3: unknown key 'wal_seconds' in limits", 0), 0u) << error;
}

TEST(PolicyYaml, WrongTypeNamesTheKeyAndPosition) {
  Policy p;
  std::string error;
  EXPECT_FALSE(LoadPolicyString("limits:\n  cpu_seconds: lots\n", "p.yaml", &p, &error));
  EXPECT_EQ(error, "p.yaml:2:16: cpu_seconds must be a number");
}

TEST(PolicyYaml, NonPositiveLimitIsRejected) {
  Policy p;
  std::string error;
  EXPECT_FALSE(LoadPolicyString("limits: {memory_mb: 0}\n", "p.yaml", &p, &error));
  EXPECT_NE(error.find("p.yaml:1:21: memory_mb must be greater than 0"), std::string::npos)
      << error;
}

TEST(PolicyYaml, SyntaxErrorGivesFileLineColumn) {
  Policy p;
  std::string error;
  EXPECT_FALSE(LoadPolicyString("limits:\n  wall_seconds: [1\n", "bad.yaml", &p, &error));
  EXPECT_EQ(error.rfind("bad.yaml:", 0), 0u) << error;
  EXPECT_NE(error.find(":3:"), std::string::npos) << error;
}

TEST(PolicyYaml, RelativeReadonlyPathIsRejected) {
  Policy p;
  std::string error;
  EXPECT_FALSE(LoadPolicyString("readonly_paths: [usr/lib]\n", "p.yaml", &p, &error));
  EXPECT_EQ(error, "p.yaml:1:18: readonly_paths item 'usr/lib' must be an absolute path");
}

TEST(PolicyYaml, MissingFileSaysSo) {
  Policy p;
  std::string error;
  EXPECT_FALSE(LoadPolicyFile("/nonexistent/policy.yaml", &p, &error));
  EXPECT_EQ(error, "/nonexistent/policy.yaml: cannot open");
}

}  // namespace
}  // namespace proctor::sandbox
