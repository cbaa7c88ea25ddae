// Specification of unit tests with their own `language:` (docs/task-format.md, "unit"): a task
// of several languages has tests per language, each applying only to its language's
// submissions; the loader and ValidatePack say at file:line:col what does not fit.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "grader/languages/language.h"
#include "grader/task/pack_loader.h"
#include "grader/task/validate.h"

namespace proctor::grader::task {
namespace {

namespace fs = std::filesystem;

class UnitLanguageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(::testing::TempDir()) / "proctor_unit_lang_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    std::ofstream(dir_ + "/pack.yaml") << "name: t\nversion: \"1\"\n";
    fs::create_directories(dir_ + "/tasks");
  }
  void TearDown() override { fs::remove_all(dir_); }
  // The validation errors of a pack whose only task is `task_yaml`, joined by newlines.
  std::string Errors(const std::string& task_yaml) {
    std::ofstream(dir_ + "/tasks/t.yaml") << task_yaml;
    auto pack = ParsePack(dir_);
    if (!pack) return pack.error().ToString();
    std::string out;
    for (const LoadError& e : ValidatePack(*pack)) out += e.ToString() + "\n";
    return out;
  }
  std::string dir_;
};

constexpr char kTwoLanguages[] = R"(id: gcd
prompt: Write gcd.
languages: [python, cpp]
tests:
  - unit:
      style: program
      language: python
      code: "assert gcd(4, 6) == 2\n"
  - unit:
      style: program
      language: cpp
      code: "#include <cassert>\nint main() { assert(gcd(4, 6) == 2); }\n"
)";

TEST_F(UnitLanguageTest, EachLanguageItsOwnTestLoads) {
  EXPECT_EQ(Errors(kTwoLanguages), "");
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack) << pack.error().ToString();
  const Task& t = pack->tasks[0];
  ASSERT_EQ(t.tests.size(), 2u);
  EXPECT_TRUE(AppliesTo(t.tests[0], Language::kPython));
  EXPECT_FALSE(AppliesTo(t.tests[0], Language::kCpp));
  EXPECT_TRUE(AppliesTo(t.tests[1], Language::kCpp));
  EXPECT_FALSE(AppliesTo(t.tests[1], Language::kPython));
}

TEST_F(UnitLanguageTest, ALanguageWithoutATestIsAnError) {
  std::string yaml = kTwoLanguages;
  yaml.replace(yaml.find("[python, cpp]"), 13, "[python, cpp, bash]");
  EXPECT_NE(Errors(yaml).find("t.yaml:1:1: task \"gcd\" allows language \"bash\" but has no "
                              "hidden test that applies to it"),
            std::string::npos)
      << Errors(yaml);
}

TEST_F(UnitLanguageTest, ATestsLanguageMustBeAllowedAndSupportTheStyle) {
  std::string yaml = kTwoLanguages;
  yaml.replace(yaml.find("language: cpp"), 13, "language: bash");
  EXPECT_NE(Errors(yaml).find("t.yaml:11:17: unit test language \"bash\" is not allowed by the "
                              "task (it allows [python, cpp])"),
            std::string::npos)
      << Errors(yaml);
  yaml = kTwoLanguages;
  yaml.replace(yaml.find("style: program\n      language: cpp"), 14, "style: pytest");
  EXPECT_NE(Errors(yaml).find("t.yaml:11:17: a unit test of style pytest is not supported by "
                              "language \"cpp\""),
            std::string::npos)
      << Errors(yaml);
}

TEST_F(UnitLanguageTest, AnUnknownLanguageNamesItsPosition) {
  std::string yaml = kTwoLanguages;
  yaml.replace(yaml.find("language: cpp"), 13, "language: cobol");
  EXPECT_NE(Errors(yaml).find("t.yaml:11:17:"), std::string::npos) << Errors(yaml);
}

TEST_F(UnitLanguageTest, WithoutLanguageTheOldRuleHolds) {
  std::string yaml = kTwoLanguages;
  yaml.erase(yaml.find("      language: cpp\n"), 20);
  EXPECT_NE(Errors(yaml).find("a unit test of style program supports only languages"),
            std::string::npos)
      << Errors(yaml);
}

}  // namespace
}  // namespace proctor::grader::task
