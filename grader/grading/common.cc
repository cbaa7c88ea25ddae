#include "grader/grading/test_runners.h"

#include <random>

namespace proctor::grader {

void ApplyUsage(const sandbox::Result& run, TestOutcome* outcome) {
  outcome->wall_seconds = run.wall_seconds;
  outcome->cpu_seconds = run.cpu_seconds;
  outcome->peak_memory_bytes = run.peak_memory_bytes;
  if (run.status == sandbox::Status::kSandboxError) {
    outcome->verdict = Verdict::kInfraError;
    outcome->infra_reason = run.error;
  } else if (run.status != sandbox::Status::kOk) {
    outcome->verdict = VerdictFromRunStatus(run.status);
    outcome->time_limit = TimeLimitKindFromRunStatus(run.status);
  }
}

sandbox::Limits TaskCompileLimits(const task::Task& task, const Language& language) {
  sandbox::Limits limits = language.compile_limits;
  limits.wall_seconds = task.limits.compile_wall_seconds;
  limits.memory_bytes = static_cast<uint64_t>(task.limits.compile_memory_mb) * sandbox::kMiB;
  return limits;
}

TestOutcome CompileFailed(const CompileOutcome& compile) {
  TestOutcome o;
  o.verdict = compile.infra_error ? Verdict::kInfraError : Verdict::kCompileError;
  o.infra_reason = compile.infra_error ? compile.message : "";
  Feedback fb;
  fb.message = CapText(compile.message, kFeedbackCap);
  o.feedback = fb;
  return o;
}

std::string NewNonce() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd()) + std::to_string(rd()) +
         std::to_string(rd());
}

sandbox::RunSpec PythonRunnerSpec(const TestContext& ctx, std::vector<std::string> runner_args) {
  sandbox::RunSpec spec = ctx.program.MakeRunSpec(ctx.limits, "");
  spec.policy.binds.push_back({ctx.python_runtime_dir, kRuntimeMount, false});
  spec.argv = {"/usr/bin/python3", "-I", "-S", "-B", "-X", "int_max_str_digits=0"};
  // A pack's Python packages are bound under dist-packages, which only the site module puts
  // on sys.path: the runner that imports the solution then runs without -S.
  if (!ctx.program.extra_readonly_paths().empty()) spec.argv.erase(spec.argv.begin() + 2);
  spec.argv.insert(spec.argv.end(), runner_args.begin(), runner_args.end());
  return spec;
}

}  // namespace proctor::grader
