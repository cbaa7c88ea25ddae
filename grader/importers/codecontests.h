// Importing DeepMind's CodeContests (deepmind/code_contests; Li et al. 2022, AlphaCode).
//
// Per record (docs/importers.md, "codecontests"): `name` is the task id (mapped by the
// documented rule, the original kept as source_id), `description` the prompt;
// `public_tests`, `private_tests` and `generated_tests` ({input: [...], output: [...]}) become
// stdio tests stored as files (public-N, private-N, generated-N); `solutions` and
// `incorrect_solutions` ({language: [...], solution: [...]}, language numbers PYTHON3 = 3 ->
// python, CPP = 2 -> cpp; Python 2, Java and unknown are not imported, and counted in a
// note) become reference and wrong solutions; `time_limit` {seconds, nanos} and
// `memory_limit_bytes` the task's limits, scaled. Rows found in the wild lack fields: what is
// there is imported, documented defaults fill the rest, and a note says what was missing.
#pragma once

#include <string>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

bool RunCodeContests(const ImportRequest& request, ImportReport* report, std::string* error);

}  // namespace proctor::grader::importers
