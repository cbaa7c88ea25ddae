// Per-test verdicts and how a sandbox status maps onto them.
#pragma once

#include <optional>
#include <string_view>

#include "sandbox/result.h"

namespace proctor::grader {

enum class Verdict {
  kPassed,
  kWrongAnswer,
  kTimeLimit,
  kMemoryLimit,
  kRuntimeError,
  kOutputLimit,
  kCompileError,
  kViolation,
  kNoCode,      // no code was found in the submission (docs/extraction.md): the model's failure
  kSkipped,     // not run: left out by max_tests, or after an early stop; never counted
  kInfraError,  // Proctor failed: never scored, the submission is retried then "ungradeable"
};

std::string_view VerdictName(Verdict verdict);
std::optional<Verdict> VerdictFromName(std::string_view name);

// The verdict of a run that did not finish normally (status other than ok). kOk maps to
// kPassed only as a placeholder: callers compare outputs for ok runs.
Verdict VerdictFromRunStatus(sandbox::Status status);

// Which limit stopped a run whose verdict is time_limit. It decides whether grading again can
// change the verdict (LoadCanExplain).
enum class TimeLimitKind {
  kNone,  // not stopped by a time limit
  kCpu,   // used up its CPU time: the program's own consumption, whatever the machine's load
  kWall,  // the wall clock ran out first
};

std::string_view TimeLimitKindName(TimeLimitKind kind);  // "none", "cpu", "wall"
TimeLimitKind TimeLimitKindFromRunStatus(sandbox::Status status);

// A wall-clock kill is blamed on the machine's load when the run was on a CPU for less than
// this share of its wall time: it was runnable but kept waiting, or blocked (a sleep, which
// load cannot be told apart from). A run that had a CPU nearly all the time was computing and
// would not have finished with the machine to itself either. Under 2x oversubscription a
// CPU-bound run gets about half a CPU, well below the share.
inline constexpr double kLoadCpuShare = 0.75;

// Whether the machine's load can explain a run stopped by `kind` after `wall_seconds` with
// `cpu_seconds` of CPU time (all its processes and threads). A CPU-time kill never is.
bool LoadCanExplain(TimeLimitKind kind, double wall_seconds, double cpu_seconds);

}  // namespace proctor::grader
