// What the model sees: observation keys and text, public tests of each kind, feedback from the
// first failing public test, and never a hidden test's name, input or output.
#include <gtest/gtest.h>

#include "envs/action.h"
#include "envs/feedback.h"
#include "envs/registry.h"
#include "tests/envs/test_packs.h"

namespace proctor::envs {
namespace {

using nlohmann::json;
namespace task = grader::task;

const task::Task& FindTask(const task::Pack& pack, const std::string& id) {
  for (const task::Task& t : pack.tasks)
    if (t.id == id) return t;
  throw std::runtime_error("no task " + id);
}

json ResetOn(Env& env, const std::string& task_id) {
  return env.Reset(std::nullopt, {{"task_id", task_id}}, nullptr);
}

bool Contains(const json& j, const std::string& needle) {
  return j.dump().find(needle) != std::string::npos;
}

class ObservationTest : public ::testing::Test {
 protected:
  EnvContext context_ = testing::FakeContext();
};

TEST_F(ObservationTest, ResetShowsPromptAndPublicTestsOnly) {
  auto env = MakeEnv("proctor/repair-v0", context_, nullptr);
  json obs = ResetOn(*env, "gcd");
  EXPECT_EQ(obs["task_id"], "gcd");
  EXPECT_EQ(obs["pack"], "basics");
  EXPECT_EQ(obs["language"], "python");
  EXPECT_EQ(obs["prompt"], FindTask(testing::BasicsPack(), "gcd").prompt);
  EXPECT_EQ(obs["turn"], 0);
  EXPECT_EQ(obs["max_turns"], 4);
  EXPECT_TRUE(obs["feedback"].is_null());
  const json public_tests = {
      {{"name", "call-1"}, {"kind", "call"}, {"input", "gcd(12, 18)"}, {"expected", "6"}}};
  EXPECT_EQ(obs["public_tests"], public_tests);
  const std::string text = obs["text"];
  EXPECT_NE(text.find("Do not use `math.gcd`"), std::string::npos) << text;
  EXPECT_NE(text.find("gcd(12, 18)"), std::string::npos) << text;
  EXPECT_NE(text.find("Attempt 1 of 4"), std::string::npos) << text;
  for (const char* hidden : {"both-negative", "1000000000000000000000", "-6"})
    EXPECT_FALSE(Contains(obs, hidden)) << hidden;
}

TEST_F(ObservationTest, StdioUnitAndStarterRendering) {
  auto env = MakeEnv("proctor/codegen-v0", context_, nullptr);
  json leap = ResetOn(*env, "leap-year");
  ASSERT_EQ(leap["public_tests"].size(), 1u);
  EXPECT_EQ(leap["public_tests"][0]["kind"], "stdio");
  EXPECT_EQ(leap["public_tests"][0]["input"], "2024\n2023\n");
  EXPECT_EQ(leap["public_tests"][0]["expected"], "yes\nno\n");
  EXPECT_FALSE(Contains(leap, "1900"));  // hidden stdin

  auto adv = MakeEnv("proctor/codegen-v0", context_, {{"pack", "adversarial"}});
  json t3 = ResetOn(*adv, "T3");
  ASSERT_EQ(t3["public_tests"].size(), 1u);
  EXPECT_EQ(t3["public_tests"][0]["kind"], "unit");
  EXPECT_NE(t3["public_tests"][0]["input"].get<std::string>().find("assert is_prime(2) is True"),
            std::string::npos);
  json t1 = ResetOn(*adv, "T1");
  EXPECT_NE(t1["text"].get<std::string>().find("## Starter code\n```python\ndef add(a, b):"),
            std::string::npos)
      << t1["text"];
  EXPECT_FALSE(Contains(t1, "100000000000000000001"));
}

TEST_F(ObservationTest, RepairFeedbackComesFromTheFirstFailingPublicTest) {
  auto env = MakeEnv("proctor/repair-v0", context_, nullptr);
  ResetOn(*env, "leap-year");
  StepResult r = env->Step({{"code", "wrong"}});
  const json& fb = r.observation["feedback"];
  ASSERT_TRUE(fb.is_object()) << r.observation.dump(2);
  EXPECT_EQ(fb["attempt"], 1);
  EXPECT_EQ(fb["reward"], 0.0);
  EXPECT_EQ(fb["name"], "stdio-1");
  EXPECT_EQ(fb["verdict"], "wrong_answer");
  EXPECT_EQ(fb["got"], "fake-got");
  EXPECT_EQ(fb["stderr_tail"], "SECRET-STDERR");  // a stdio test's own run: shown
  EXPECT_EQ(fb["hidden_failed"], 2);
  EXPECT_TRUE(fb["compile_error"].is_null());
  const std::string text = r.observation["text"];
  EXPECT_NE(text.find("Public test stdio-1 failed: wrong_answer"), std::string::npos) << text;
  EXPECT_NE(text.find("2 hidden test(s) failed"), std::string::npos) << text;
  EXPECT_NE(text.find("Attempt 2 of 4"), std::string::npos) << text;
  EXPECT_FALSE(Contains(r.observation, "centuries"));
}

TEST_F(ObservationTest, CallTestStderrIsWithheldWhenHiddenCallsShareTheProcess) {
  auto env = MakeEnv("proctor/repair-v0", context_, nullptr);
  ResetOn(*env, "gcd");
  StepResult r = env->Step({{"code", "wrong"}});
  EXPECT_EQ(r.observation["feedback"]["name"], "call-1");
  EXPECT_TRUE(r.observation["feedback"]["stderr_tail"].is_null());
  EXPECT_FALSE(Contains(r.observation, "SECRET-STDERR"));
}

TEST(Feedback, CompileErrorsShowTheCompilerAndTheTestFromTheTask) {
  const task::Task& gcd = FindTask(testing::BasicsPack(), "gcd");
  grader::SubmissionReport report;
  report.reward = 0.0;
  report.compiled = false;
  report.compile_message = "solution.cc:1: error: " + std::string(5000, 'e');
  for (const task::Test& t : gcd.tests) {
    grader::TestOutcome o;
    o.name = t.name;
    o.kind = "call";
    o.is_public = t.visibility == task::Visibility::kPublic;
    o.verdict = grader::Verdict::kCompileError;
    report.tests.push_back(o);
  }
  json fb = MakeFeedback(gcd, report, 2);
  EXPECT_EQ(fb["attempt"], 2);
  EXPECT_EQ(fb["compiled"], false);
  EXPECT_EQ(fb["verdict"], "compile_error");
  EXPECT_EQ(fb["input"], "gcd(12, 18)");
  EXPECT_EQ(fb["expected"], "6");
  EXPECT_TRUE(fb["got"].is_null());
  EXPECT_LE(fb["compile_error"].get<std::string>().size(), kCompileErrorCap + 40);
  EXPECT_EQ(fb["compile_error"].get<std::string>().rfind("solution.cc:1: error", 0), 0u);
  EXPECT_EQ(fb["hidden_failed"], 5);
}

TEST(Feedback, ArbitraryBytesAreCappedAndValidUtf8) {
  const task::Task& leap = FindTask(testing::BasicsPack(), "leap-year");
  grader::SubmissionReport report;
  report.reward = 0.0;
  grader::TestOutcome o;
  o.name = "stdio-1";
  o.kind = "stdio";
  o.is_public = true;
  o.verdict = grader::Verdict::kWrongAnswer;
  o.feedback = grader::Feedback{"in", "yes\n", std::string(5000, 'y') + "\xff\xfe\xc3", "differs",
                                std::string("\xe2\x82") + std::string(5000, 'z')};
  report.tests.push_back(o);
  json fb = MakeFeedback(leap, report, 1);
  EXPECT_NO_THROW(fb.dump());
  EXPECT_LE(fb["got"].get<std::string>().size(), kFeedbackFieldCap + 40);
  EXPECT_LE(fb["stderr_tail"].get<std::string>().size(), kStderrTailCap + 40);
  o.feedback->got = "\xff\xfe";
  report.tests[0] = o;
  EXPECT_EQ(MakeFeedback(leap, report, 1)["got"], "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(Action, CodeCompletionAndLanguage) {
  const task::Task& leap = FindTask(testing::BasicsPack(), "leap-year");
  grader::Submission s = ParseAction({{"code", "x"}}, leap, task::Language::kPython);
  EXPECT_EQ(s.task_id, "leap-year");
  EXPECT_EQ(s.language, "python");
  EXPECT_EQ(s.code, "x");
  EXPECT_FALSE(s.completion);
  s = ParseAction({{"completion", "y"}, {"language", "cpp"}}, leap, task::Language::kPython);
  EXPECT_EQ(s.language, "cpp");
  EXPECT_EQ(s.completion, "y");
  EXPECT_FALSE(s.code);
  for (const json& bad : {json("x"), json::object(), json{{"code", "x"}, {"completion", "y"}},
                          json{{"code", "x"}, {"language", "cobol"}},
                          json{{"code", "x"}, {"extra", "y"}}, json{{"completion", nullptr}}}) {
    try {
      ParseAction(bad, leap, task::Language::kPython);
      ADD_FAILURE() << bad.dump();
    } catch (const EnvError& e) {
      EXPECT_EQ(e.kind(), EnvError::Kind::kInvalidArgument);
      EXPECT_EQ(e.param().rfind("action", 0), 0u) << e.param();
    }
  }
}

}  // namespace
}  // namespace proctor::envs
