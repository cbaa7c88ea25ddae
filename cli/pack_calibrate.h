// `proctor pack check --calibrate`: time limits from the reference solutions
// (grader/grading/calibrate.h), reported task by task.
#pragma once

#include <string>
#include <vector>

#include "cli/flags.h"
#include "grader/grading/calibrate.h"
#include "sandbox/sandbox.h"

namespace proctor::cli {

// The flags --calibrate brings to `pack check`.
std::vector<FlagSpec> CalibrateFlags();

// Calibrates the pack at `dir` when --calibrate is given (else does nothing) and prints what
// changed (task, old -> new). False (with the reason printed) when it could not.
bool MaybeCalibrate(sandbox::Sandbox& sandbox, const std::string& dir, const Flags& flags,
                    int jobs);

// Calibrates the pack at `dir` with `options` and prints what changed, each line led by
// `command` ("proctor pack import"). False (with the reason printed) when it could not.
bool CalibrateAndReport(sandbox::Sandbox& sandbox, const std::string& dir,
                        const grader::CalibrateOptions& options, const std::string& command);

}  // namespace proctor::cli
