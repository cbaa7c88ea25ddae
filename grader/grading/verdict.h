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

}  // namespace proctor::grader
