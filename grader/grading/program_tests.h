// The `program` unit style: the solution and the test code become one program in the
// solution's language, compiled by that language's own compile command and run once. It
// passes iff the run exits 0 and its stdout ends with the marker line that the language's
// `program_tests` print after the test code ran to its end (docs/languages.md), a fresh nonce
// per run, so a solution that exits 0 early (exit(0) before the asserts) fails.
// This is how MultiPL-E and HumanEval-X grade: prompt + completion + tests, run, exit 0.
// The test runs in the submission's process (as cpp_asserts): see docs/threat-model.md.
#pragma once

#include <string>

#include "grader/languages/language.h"

namespace proctor::grader {

// The environment variable holding the marker line of a run.
inline constexpr char kUnitMarkerEnv[] = "PROCTOR_UNIT_MARKER";

// solution + "\n" + prelude + test code (its first match of main_pattern replaced by
// main_replace) + "\n" + epilogue, as `language`'s program_tests say.
std::string AssembleTestProgram(const Language& language, const std::string& solution,
                                const std::string& test_code);

// True when `out` ends with `marker` on a line of its own ("...\n" marker "\n").
bool EndsWithMarker(const std::string& out, const std::string& marker);

}  // namespace proctor::grader
