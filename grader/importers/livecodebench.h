// Importing LiveCodeBench's code_generation releases (livecodebench/code_generation_lite,
// JSONL or .jsonl.gz) as a task pack; the layout and what becomes what: docs/importers.md,
// "livecodebench".
//
//   ImportRequest request{.input = "test6.jsonl", .out_dir = "packs/lcb"};
//   ImportReport report;
//   if (!RunLiveCodeBench(request, &report, &error)) ...  // "test6.jsonl:3: field ..."
//
// Each record becomes one task: stdin problems get stdio tests judged by a checker with
// LiveCodeBench's own acceptance rule (line by line, numbers by value); functional
// (LeetCode) problems get one humaneval-style check per test that calls
// `Solution.<func_name>` with one JSON value per input line and compares as LCB does.
// Releases carry no reference solutions, so the tasks have none.
#pragma once

#include <string>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

bool RunLiveCodeBench(const ImportRequest& request, ImportReport* report, std::string* error);

// The checker every stdio task of the pack uses (Python; argv: input expected output).
const std::string& LiveCodeBenchChecker();

}  // namespace proctor::grader::importers
