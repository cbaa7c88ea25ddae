// A call test's `raises` through the real sandbox: it matches the raised exception's class or
// any of its bases (as pytest.raises and assertRaises do), and nothing else.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "grader/grading/grader.h"
#include "grader/task/pack_loader.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {
namespace {
namespace fs = std::filesystem;

constexpr char kPackYaml[] = R"(name: raises-test
version: "1"
defaults:
  limits: {wall_seconds: 5, cpu_seconds: 2}
  languages: [python]
)";

constexpr char kTaskYaml[] = R"(id: parse
prompt: parse(s) returns json.loads(s); raises ValueError on bad input.
entry_point: parse
tests:
  - call: {args: ["[1]"], expected: [1]}
  - call: {args: ["{"], raises: ValueError}
)";

class RaisesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(fs::temp_directory_path() /
                           ("proctor-raises-test-" + std::to_string(::getpid())));
    fs::create_directories(*dir_ + "/tasks");
    std::ofstream(*dir_ + "/pack.yaml") << kPackYaml;
    std::ofstream(*dir_ + "/tasks/parse.yaml") << kTaskYaml;
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
  static SubmissionReport Grade(const std::string& code) {
    Grader grader(*sandbox_, *pack_, GraderConfig{});
    return grader.Grade(*grader.FindTask("parse"), {.task_id = "parse", .code = code});
  }
  static std::string* dir_;
  static task::Pack* pack_;
  static sandbox::Sandbox* sandbox_;
};

std::string* RaisesTest::dir_ = nullptr;
task::Pack* RaisesTest::pack_ = nullptr;
sandbox::Sandbox* RaisesTest::sandbox_ = nullptr;

TEST_F(RaisesTest, ASubclassOfTheExpectedExceptionPasses) {
  // json.loads raises json.JSONDecodeError, a subclass of ValueError.
  SubmissionReport r = Grade("import json\ndef parse(s):\n    return json.loads(s)\n");
  ASSERT_EQ(r.tests.size(), 2u);
  EXPECT_EQ(r.tests[1].verdict, Verdict::kPassed);
  ASSERT_TRUE(r.reward.has_value());
  EXPECT_EQ(*r.reward, 1.0);
}

TEST_F(RaisesTest, TheExpectedExceptionItselfPasses) {
  SubmissionReport r = Grade(
      "import json\ndef parse(s):\n    try:\n        return json.loads(s)\n"
      "    except Exception:\n        raise ValueError('bad')\n");
  EXPECT_EQ(r.tests[1].verdict, Verdict::kPassed);
}

TEST_F(RaisesTest, AnUnrelatedOrMoreGeneralExceptionFails) {
  // KeyError is no ValueError; Exception is more general than the ValueError asked for.
  for (const char* raised : {"KeyError", "Exception"}) {
    SubmissionReport r = Grade(std::string("def parse(s):\n    if s == '{':\n        raise ") +
                               raised + "('x')\n    return [1]\n");
    EXPECT_EQ(r.tests[1].verdict, Verdict::kRuntimeError) << raised;
    ASSERT_TRUE(r.reward.has_value());
    EXPECT_EQ(*r.reward, 0.0) << raised;
  }
}

TEST_F(RaisesTest, AClassPretendingToHaveValueErrorAsBaseThroughItsMetaclassFails) {
  // A metaclass's __mro__ property is never what the runner reads.
  SubmissionReport r = Grade(
      "class Meta(type):\n    @property\n    def __mro__(cls):\n        return (cls, ValueError)\n"
      "class Fake(Exception, metaclass=Meta):\n    pass\n"
      "def parse(s):\n    if s == '{':\n        raise Fake('x')\n    return [1]\n");
  EXPECT_EQ(r.tests[1].verdict, Verdict::kRuntimeError);
}

}  // namespace
}  // namespace proctor::grader
