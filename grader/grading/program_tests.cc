#include "grader/grading/program_tests.h"

#include <regex>

#include "grader/grading/test_runners.h"

namespace proctor::grader {

std::string AssembleTestProgram(const Language& language, const std::string& solution,
                                const std::string& test_code) {
  const ProgramTests& p = language.program_tests;
  std::string test = test_code;
  if (!p.main_pattern.empty()) {
    test = std::regex_replace(test, std::regex(p.main_pattern), p.main_replace,
                              std::regex_constants::format_first_only);
  }
  std::string program = solution;
  if (!program.empty() && program.back() != '\n') program += '\n';
  program += p.prelude;
  if (!program.empty() && program.back() != '\n') program += '\n';
  program += test;
  if (!program.empty() && program.back() != '\n') program += '\n';
  program += p.epilogue;
  return program;
}

bool EndsWithMarker(const std::string& out, const std::string& marker) {
  const std::string line = marker + "\n";
  if (out.size() < line.size() || out.compare(out.size() - line.size(), line.size(), line) != 0)
    return false;
  return out.size() == line.size() || out[out.size() - line.size() - 1] == '\n';
}

TestOutcome RunProgramUnit(const TestContext& ctx, const task::UnitTest& unit) {
  TestOutcome o;
  Feedback fb;
  const Language& language = ctx.program.language();
  const std::string source = AssembleTestProgram(language, ctx.program_text, unit.code.text);
  CompileOutcome compile;
  CompileExtras extras;
  if (!language.compile_argv.empty()) extras.limits = TaskCompileLimits(ctx.task, language);
  auto program = PreparedProgram::Prepare(ctx.sandbox, language, source, &compile, extras);
  if (!program) return CompileFailed(compile);
  // The marker is new for every run, and only the environment carries it: the compiled
  // program (and the compile cache's key) stays the same.
  const std::string marker = "PROCTOR-UNIT-PASSED " + NewNonce();
  program->AddRunReadonlyPaths(ctx.program.extra_readonly_paths());
  sandbox::RunSpec spec = program->MakeRunSpec(ctx.limits, "");
  spec.policy.env[kUnitMarkerEnv] = marker;
  sandbox::Result run = ctx.sandbox.Run(spec);
  o.verdict = Verdict::kPassed;
  ApplyUsage(run, &o);
  fb.stderr_tail = TailText(run.stderr_data, kStderrTailCap);
  if (run.status == sandbox::Status::kOk) {
    if (EndsWithMarker(run.stdout_data, marker)) {
      o.verdict = Verdict::kPassed;
    } else {
      o.verdict = Verdict::kRuntimeError;
      fb.message = "the program exited 0 before its test code ran to the end (no end marker)";
    }
  } else if (run.status == sandbox::Status::kNonzeroExit ||
             (run.status == sandbox::Status::kSignaled && run.signal == 6)) {
    // A failed assertion: an exception or panic (exit 1, Rust 101) or abort() (assert()).
    o.verdict = Verdict::kWrongAnswer;
    fb.message = TailText(run.stderr_data, kFeedbackCap);
  }
  o.feedback = fb;
  return o;
}

}  // namespace proctor::grader
