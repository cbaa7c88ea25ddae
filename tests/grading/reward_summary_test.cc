// Rewards, pass@k and the JUnit report as pure functions of per-test outcomes.
#include <gtest/gtest.h>

#include "grader/grading/reward.h"
#include "grader/grading/summary.h"

namespace proctor::grader {
namespace {

TestOutcome Outcome(Verdict v, double weight = 1.0, bool counted = true) {
  TestOutcome t;
  t.verdict = v;
  t.weight = weight;
  t.counted = counted;
  return t;
}

TEST(Reward, AllOrNothingNeedsEveryCountedTest) {
  std::vector<TestOutcome> tests = {Outcome(Verdict::kPassed), Outcome(Verdict::kWrongAnswer)};
  EXPECT_EQ(ComputeReward(task::ScoringMode::kAllOrNothing, tests), 0.0);
  tests[1].verdict = Verdict::kPassed;
  EXPECT_EQ(ComputeReward(task::ScoringMode::kAllOrNothing, tests), 1.0);
}

TEST(Reward, PublicTestsThatDoNotCountAreIgnored) {
  std::vector<TestOutcome> tests = {Outcome(Verdict::kWrongAnswer, 1, false),
                                    Outcome(Verdict::kPassed)};
  EXPECT_EQ(ComputeReward(task::ScoringMode::kAllOrNothing, tests), 1.0);
}

TEST(Reward, FractionAndWeighted) {
  std::vector<TestOutcome> tests = {Outcome(Verdict::kPassed, 3), Outcome(Verdict::kTimeLimit, 1),
                                    Outcome(Verdict::kPassed, 1), Outcome(Verdict::kViolation, 5)};
  EXPECT_DOUBLE_EQ(ComputeReward(task::ScoringMode::kFraction, tests), 0.5);
  EXPECT_DOUBLE_EQ(ComputeReward(task::ScoringMode::kWeighted, tests), 0.4);
}

TEST(Reward, NoCountedTestIsZeroNeverFullMarks) {
  EXPECT_EQ(ComputeReward(task::ScoringMode::kAllOrNothing, {}), 0.0);
}

TEST(PassAtK, MatchesTheUnbiasedEstimator) {
  EXPECT_DOUBLE_EQ(PassAtK(10, 0, 1), 0.0);
  EXPECT_DOUBLE_EQ(PassAtK(10, 10, 1), 1.0);
  EXPECT_DOUBLE_EQ(PassAtK(10, 3, 1), 0.3);
  // 1 - C(7,2)/C(10,2) = 1 - 21/45
  EXPECT_NEAR(PassAtK(10, 3, 2), 1.0 - 21.0 / 45.0, 1e-12);
  EXPECT_DOUBLE_EQ(PassAtK(5, 3, 4), 1.0);  // n - c < k
}

TEST(Summary, CountsVerdictsAndSkipsUngradeableInPassAtK) {
  SubmissionReport a, b, c;
  a.task_id = b.task_id = c.task_id = "t";
  a.reward = 1.0;
  a.tests = {Outcome(Verdict::kPassed)};
  b.reward = 0.0;
  b.tests = {Outcome(Verdict::kWrongAnswer)};
  c.tests = {Outcome(Verdict::kInfraError)};  // ungradeable: no reward
  GradingSummary s = Summarize({&a, &b, &c}, 1, {1, 2, 5});
  EXPECT_EQ(s.submissions, 4);
  EXPECT_EQ(s.graded, 2);
  EXPECT_EQ(s.ungradeable, 1);
  EXPECT_EQ(s.invalid, 1);
  EXPECT_EQ(s.verdicts["passed"], 1);
  EXPECT_EQ(s.verdicts["infra_error"], 1);
  EXPECT_DOUBLE_EQ(s.pass_at_k[1], 0.5);
  EXPECT_DOUBLE_EQ(s.pass_at_k[2], 1.0);
  EXPECT_FALSE(s.pass_at_k.count(5));
}

TEST(JUnit, EscapesNamesAndMarksFailuresAndErrors) {
  SubmissionReport ok, bad, broken;
  ok.task_id = bad.task_id = broken.task_id = "a<b>&\"c\"";
  ok.reward = 1.0;
  bad.reward = 0.0;
  bad.tests = {Outcome(Verdict::kWrongAnswer)};
  broken.ungradeable_reason = "keeper \x01 crashed";
  std::string xml = JUnitXml({&ok, &bad, &broken}, {"line 1", "line 2", "line 3"});
  EXPECT_NE(xml.find("name=\"a&lt;b&gt;&amp;&quot;c&quot;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("tests=\"3\" failures=\"1\" errors=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"reward 0\">wrong_answer</failure>"), std::string::npos);
  EXPECT_NE(xml.find("<error message=\"ungradeable: keeper ? crashed\"/>"), std::string::npos);
}

TEST(Report, HiddenTestsShowVerdictOnlyNeverNameOrContent) {
  SubmissionReport r;
  r.reward = 0.0;
  TestOutcome hidden = Outcome(Verdict::kWrongAnswer);
  hidden.name = "secret_case_name";
  hidden.feedback = Feedback{"secret input", "secret expected", "got", "msg", ""};
  TestOutcome pub = Outcome(Verdict::kPassed);
  pub.is_public = true;
  pub.name = "example";
  r.tests = {hidden, pub};
  std::string json = r.ToJson().dump();
  EXPECT_EQ(json.find("secret"), std::string::npos) << json;
  EXPECT_NE(json.find("\"name\":\"example\""), std::string::npos);
}

}  // namespace
}  // namespace proctor::grader
