#include "grader/grading/verdict.h"

#include <array>
#include <utility>

namespace proctor::grader {
namespace {

constexpr std::array<std::pair<Verdict, std::string_view>, 11> kNames = {{
    {Verdict::kPassed, "passed"},
    {Verdict::kWrongAnswer, "wrong_answer"},
    {Verdict::kTimeLimit, "time_limit"},
    {Verdict::kMemoryLimit, "memory_limit"},
    {Verdict::kRuntimeError, "runtime_error"},
    {Verdict::kOutputLimit, "output_limit"},
    {Verdict::kCompileError, "compile_error"},
    {Verdict::kViolation, "violation"},
    {Verdict::kNoCode, "no_code"},
    {Verdict::kSkipped, "skipped"},
    {Verdict::kInfraError, "infra_error"},
}};

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  for (const auto& [v, name] : kNames)
    if (v == verdict) return name;
  return "infra_error";
}

std::optional<Verdict> VerdictFromName(std::string_view name) {
  for (const auto& [v, n] : kNames)
    if (n == name) return v;
  return std::nullopt;
}

Verdict VerdictFromRunStatus(sandbox::Status status) {
  using sandbox::Status;
  switch (status) {
    case Status::kOk: return Verdict::kPassed;
    case Status::kNonzeroExit:
    case Status::kSignaled:
    case Status::kDiskLimit: return Verdict::kRuntimeError;
    case Status::kWallTimeout:
    case Status::kCpuTimeout: return Verdict::kTimeLimit;
    case Status::kMemoryLimit: return Verdict::kMemoryLimit;
    case Status::kOutputLimit: return Verdict::kOutputLimit;
    case Status::kViolation: return Verdict::kViolation;
    case Status::kSandboxError: return Verdict::kInfraError;
  }
  return Verdict::kInfraError;
}

std::string_view TimeLimitKindName(TimeLimitKind kind) {
  switch (kind) {
    case TimeLimitKind::kNone: return "none";
    case TimeLimitKind::kCpu: return "cpu";
    case TimeLimitKind::kWall: return "wall";
  }
  return "none";
}

TimeLimitKind TimeLimitKindFromRunStatus(sandbox::Status status) {
  if (status == sandbox::Status::kCpuTimeout) return TimeLimitKind::kCpu;
  if (status == sandbox::Status::kWallTimeout) return TimeLimitKind::kWall;
  return TimeLimitKind::kNone;
}

bool LoadCanExplain(TimeLimitKind kind, double wall_seconds, double cpu_seconds) {
  return kind == TimeLimitKind::kWall && cpu_seconds < kLoadCpuShare * wall_seconds;
}

}  // namespace proctor::grader
