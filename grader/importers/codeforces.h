// Importing open-r1/codeforces (Hugging Face, CC BY 4.0): Codeforces problems with their
// official tests and, where the answer is not unique, a generated Python checker.
//
// Per record (docs/importers.md, "codeforces"): `id` ("176/E") is the task id; title,
// description, input/output format, examples and note make the prompt; `official_tests`
// ([{input, output}]) become stdio tests stored as files; `time_limit` (seconds) and
// `memory_limit` (MB) the limits, scaled; `generated_checker` (Python, run as `checker.py
// input expected output`, prints 1 to accept) becomes the task's checker through a wrapper
// that exits 0 only when it printed 1. Refused, each with a note: interactive problems
// (`interaction_format` set: no interactor support), `input_mode: file` (the program would
// read input.txt and write output.txt), records upstream marks `executable: false`, and
// records without official tests. The dataset has no solutions.
#pragma once

#include <string>
#include <string_view>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

bool RunCodeforces(const ImportRequest& request, ImportReport* report, std::string* error);

// The pack checker (docs/task-format.md, "checker") that runs `generated_checker` source.
std::string CodeforcesCheckerWrapper(std::string_view generated_checker);

}  // namespace proctor::grader::importers
