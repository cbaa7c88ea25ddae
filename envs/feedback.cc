#include "envs/feedback.h"

#include "envs/public_tests.h"
#include "envs/safe_text.h"

namespace proctor::envs {

namespace task = grader::task;

nlohmann::json MakeFeedback(const task::Task& t, const grader::SubmissionReport& report,
                            int attempt) {
  nlohmann::json fb = {{"attempt", attempt},          {"reward", report.reward.value_or(0.0)},
                       {"compiled", report.compiled}, {"name", nullptr},
                       {"verdict", nullptr},          {"input", nullptr},
                       {"expected", nullptr},         {"got", nullptr},
                       {"message", nullptr},          {"compile_error", nullptr},
                       {"stderr_tail", nullptr},      {"hidden_failed", 0}};
  if (!report.compiled) fb["compile_error"] = HeadText(report.compile_message, kCompileErrorCap);

  bool hidden_call_test = false;
  int hidden_failed = 0, public_tests = 0;
  for (const grader::TestOutcome& o : report.tests) {
    public_tests += o.is_public;
    if (o.is_public) continue;
    hidden_call_test |= o.kind == "call";
    // Skipped tests (early stop) were not run: they are not failures to report.
    hidden_failed += o.verdict != grader::Verdict::kPassed && o.verdict != grader::Verdict::kSkipped;
  }
  fb["hidden_failed"] = hidden_failed;
  fb["public_tests"] = public_tests;

  for (size_t i = 0; i < report.tests.size(); ++i) {
    const grader::TestOutcome& o = report.tests[i];
    if (!o.is_public || o.verdict == grader::Verdict::kPassed) continue;
    fb["name"] = ValidUtf8(o.name);
    fb["verdict"] = std::string(grader::VerdictName(o.verdict));
    if (o.feedback) {
      fb["input"] = HeadText(o.feedback->input, kFeedbackFieldCap);
      fb["expected"] = HeadText(o.feedback->expected, kFeedbackFieldCap);
      fb["got"] = HeadText(o.feedback->got, kFeedbackFieldCap);
      fb["message"] = HeadText(o.feedback->message, kFeedbackFieldCap);
      if (!o.feedback->stderr_tail.empty() && !(o.kind == "call" && hidden_call_test))
        fb["stderr_tail"] = LastText(o.feedback->stderr_tail, kStderrTailCap);
    } else if (i < t.tests.size() && t.tests[i].name == o.name) {
      // No run happened (e.g. a compile error): show what the test asks, from the task.
      const nlohmann::json shown = PublicTestJson(t, t.tests[i]);
      fb["input"] = shown["input"];
      fb["expected"] = shown["expected"];
    }
    break;
  }
  return fb;
}

}  // namespace proctor::envs
