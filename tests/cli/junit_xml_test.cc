// cli/junit_xml.h on reports built by hand: what the real grader never produces today (a
// hidden test that still holds feedback) must not reach the XML either, and the text rules
// (XML-safe text, line diffs, the failure type) hold for any input.
#include "cli/junit_xml.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>

namespace proctor::cli {
namespace {

using grader::Feedback;
using grader::SubmissionReport;
using grader::TestOutcome;
using grader::Verdict;

TestOutcome Outcome(const std::string& name, bool is_public, Verdict verdict,
                    std::optional<Feedback> feedback = std::nullopt) {
  TestOutcome t;
  t.name = name;
  t.kind = "stdio";
  t.is_public = is_public;
  t.verdict = verdict;
  t.feedback = std::move(feedback);
  return t;
}

SubmissionReport Report(std::vector<TestOutcome> tests, double reward) {
  SubmissionReport r;
  r.task_id = "t";
  r.language = "python";
  r.scoring = "fraction";
  r.reward = reward;
  r.tests = std::move(tests);
  return r;
}

std::string FailureText(const std::string& xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_string(xml.c_str())) << xml;
  return doc.select_node("//failure").node().text().get();
}

TEST(JUnitXml, HiddenFeedbackIsNeverWrittenEvenWhenTheReportHoldsIt) {
  Feedback secret{"SECRET-IN", "SECRET-EXP", "SECRET-GOT", "SECRET-MSG", "SECRET-ERR"};
  SubmissionReport r = Report({Outcome("pub", true, Verdict::kPassed),
                               Outcome("hidden-name-SECRET", false, Verdict::kWrongAnswer, secret)},
                              0.0);
  const std::string xml = JUnitXml({{&r, 1, nullptr}});
  EXPECT_EQ(xml.find("SECRET"), std::string::npos) << xml;
  EXPECT_NE(FailureText(xml).find("test 1 (hidden): wrong_answer"), std::string::npos) << xml;
}

TEST(JUnitXml, PublicWrongAnswerIsALineDiff) {
  Feedback f{"in", "a\nb\nc\n", "a\nx\nc\n", "line 2 differs", ""};
  SubmissionReport r = Report({Outcome("p", true, Verdict::kWrongAnswer, f)}, 0.0);
  const std::string text = FailureText(JUnitXml({{&r, 1, nullptr}}));
  EXPECT_NE(text.find("--- expected\n+++ got\n a\n-b\n+x\n c\n"), std::string::npos) << text;
  EXPECT_NE(text.find("message: line 2 differs"), std::string::npos) << text;
}

TEST(JUnitXml, FinalNewlineOnlyDifferenceIsSaid) {
  Feedback f{"", "1\n", "1", "", ""};
  SubmissionReport r = Report({Outcome("p", true, Verdict::kWrongAnswer, f)}, 0.0);
  EXPECT_NE(FailureText(JUnitXml({{&r, 1, nullptr}})).find("final newline only"),
            std::string::npos);
}

TEST(JUnitXml, FailureTypeIsTheFirstCountedFailureElseAPublicOne) {
  TestOutcome uncounted = Outcome("p", true, Verdict::kRuntimeError);
  uncounted.counted = false;
  SubmissionReport r = Report(
      {uncounted, Outcome("", false, Verdict::kSkipped), Outcome("", false, Verdict::kTimeLimit)},
      0.0);
  EXPECT_EQ(FailureType(r), "time_limit");
  r.tests.pop_back();
  EXPECT_EQ(FailureType(r), "runtime_error");
}

TEST(JUnitXml, CaseNameIsTheIdElseTheLine) {
  SubmissionReport r = Report({}, 1.0);
  EXPECT_EQ(JUnitCaseName({&r, 4, nullptr}), "line 4");
  EXPECT_EQ(JUnitCaseName({&r, 4, {{"id", "abc"}}}), "abc");
  EXPECT_EQ(JUnitCaseName({&r, 4, {{"id", -7}}}), "-7");
  EXPECT_EQ(JUnitCaseName({&r, 4, {{"id", ""}}}), "line 4");
}

TEST(XmlSafeText, KeepsValidUtf8AndReplacesWhatXmlForbids) {
  EXPECT_EQ(XmlSafeText("tab\tnl\ncr\r \xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E"),
            "tab\tnl\ncr\r \xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E");
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  EXPECT_EQ(XmlSafeText(std::string("a\x01"
                                    "b\x00"
                                    "c",
                                    5)),
            "a" + r + "b" + r + "c");
  EXPECT_EQ(XmlSafeText("\xFF"), r);
  EXPECT_EQ(XmlSafeText("\xC0\x80"), r + r);          // overlong NUL
  EXPECT_EQ(XmlSafeText("\xED\xA0\x80"), r + r + r);  // a surrogate
  EXPECT_EQ(XmlSafeText("\xEF\xBF\xBE"), r);          // U+FFFE
  EXPECT_EQ(XmlSafeText("\xE2\x82"), r + r);          // cut short
}

}  // namespace
}  // namespace proctor::cli
