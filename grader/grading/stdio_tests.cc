// Stdio tests: one sandboxed run per input; stdout is compared here, or judged by the pack's
// checker program (itself sandboxed). Expected output never enters the submission's sandbox.
#include <boost/asio/io_context.hpp>
#include <functional>

#include "grader/compare/text.h"
#include "grader/grading/test_runners.h"

namespace proctor::grader {
namespace {

// Runs the task's checker with input, expected and produced output as files in its work dir.
// Exit 0 accepts; its stdout (capped) says why not.
bool RunChecker(const TestContext& ctx, const std::string& input, const std::string& expected,
                const std::string& got, std::string* reason, bool* infra) {
  const task::Checker& checker = *ctx.task.checker;
  const Language* language = FindLanguage(std::string(task::LanguageName(checker.language)));
  CompileOutcome compile;
  auto program = PreparedProgram::Prepare(ctx.sandbox, *language, checker.code.text, &compile);
  if (!program) {
    *infra = true;
    *reason = "checker did not compile: " + compile.message;
    return false;
  }
  sandbox::Limits limits;
  limits.wall_seconds = 10;
  limits.cpu_seconds = 5;
  limits.disk_bytes = 64 * sandbox::kMiB;
  sandbox::RunSpec spec = program->MakeRunSpec(limits, "");
  spec.policy.files.push_back({"input.txt", input, false});
  spec.policy.files.push_back({"expected.txt", expected, false});
  spec.policy.files.push_back({"output.txt", got, false});
  spec.argv.insert(spec.argv.end(), {"input.txt", "expected.txt", "output.txt"});
  sandbox::Result r = ctx.sandbox.Run(spec);
  if (r.status == sandbox::Status::kOk) return true;
  if (r.status != sandbox::Status::kNonzeroExit) {
    *infra = true;
    *reason = "checker failed: " + std::string(sandbox::StatusName(r.status)) + " " + r.error;
    return false;
  }
  *reason = CapText(r.stdout_data, kFeedbackCap);
  return false;
}

}  // namespace

namespace {

constexpr size_t kConcurrentRuns = 4;  // runs of one submission in flight at once

TestOutcome Judge(const TestContext& ctx, const task::StdioTest& stdio,
                  const sandbox::Result& run) {
  TestOutcome o;
  o.verdict = Verdict::kPassed;
  ApplyUsage(run, &o);
  Feedback fb;
  fb.input = CapText(stdio.stdin_data, kFeedbackCap);
  fb.expected = CapText(stdio.expected_stdout, kFeedbackCap);
  fb.got = CapText(run.stdout_data, kFeedbackCap);
  fb.stderr_tail = TailText(run.stderr_data, kStderrTailCap);
  if (run.status == sandbox::Status::kOk) {
    if (stdio.use_checker) {
      bool infra = false;
      std::string reason;
      bool accepted = RunChecker(ctx, stdio.stdin_data, stdio.expected_stdout, run.stdout_data,
                                 &reason, &infra);
      o.verdict = accepted ? Verdict::kPassed
                  : infra  ? Verdict::kInfraError
                           : Verdict::kWrongAnswer;
      if (infra) o.infra_reason = reason;
      fb.message = reason;
    } else {
      compare::CompareResult cmp =
          compare::CompareText(stdio.compare, stdio.expected_stdout, run.stdout_data);
      o.verdict = cmp.equal ? Verdict::kPassed : Verdict::kWrongAnswer;
      fb.message = cmp.reason;
    }
  } else {
    fb.message = std::string(sandbox::StatusName(run.status)) +
                 (run.detail.empty() ? "" : ": " + run.detail);
  }
  o.feedback = fb;
  return o;
}

}  // namespace

namespace {

// Whether a finished run certainly failed its test, known without the checker: it did not
// end normally (Proctor's own failures excepted), or its stdout compares unequal.
bool CertainlyFailed(const task::StdioTest& stdio, const sandbox::Result& run) {
  if (run.status == sandbox::Status::kSandboxError) return false;
  if (run.status != sandbox::Status::kOk) return true;
  return !stdio.use_checker &&
         !compare::CompareText(stdio.compare, stdio.expected_stdout, run.stdout_data).equal;
}

}  // namespace

std::vector<TestOutcome> RunStdioTests(const TestContext& ctx,
                                       const std::vector<const task::Test*>& tests,
                                       const std::vector<bool>& stop_on_failure,
                                       bool stopped) {
  auto stops = [&](size_t i) { return i < stop_on_failure.size() && stop_on_failure[i]; };
  // Runs go through one event loop, a few at a time: a submission that sleeps to its wall
  // limit costs one limit, not one per test. Early stop: once a test marked in
  // `stop_on_failure` has failed, the marked tests not yet started are not run.
  std::vector<sandbox::Result> runs(tests.size());
  std::vector<bool> ran(tests.size(), false);
  boost::asio::io_context io;
  size_t next = 0;
  std::function<void()> start_next = [&] {
    while (next < tests.size() && stopped && stops(next)) ++next;
    if (next >= tests.size()) return;
    size_t i = next++;
    const auto& stdio = std::get<task::StdioTest>(tests[i]->body);
    ran[i] = true;
    ctx.sandbox.AsyncRun(io.get_executor(), ctx.program.MakeRunSpec(ctx.limits, stdio.stdin_data),
                         [&, i](sandbox::Result r) {
                           runs[i] = std::move(r);
                           const auto& body = std::get<task::StdioTest>(tests[i]->body);
                           if (stops(i) && CertainlyFailed(body, runs[i])) stopped = true;
                           start_next();
                         });
  };
  for (size_t k = 0; k < kConcurrentRuns; ++k) start_next();
  io.run();
  std::vector<TestOutcome> outcomes;
  for (size_t i = 0; i < tests.size(); ++i) {
    if (!ran[i]) {
      TestOutcome skipped;
      skipped.verdict = Verdict::kSkipped;
      skipped.counted = false;
      outcomes.push_back(std::move(skipped));
      continue;
    }
    outcomes.push_back(Judge(ctx, std::get<task::StdioTest>(tests[i]->body), runs[i]));
  }
  return outcomes;
}

}  // namespace proctor::grader
