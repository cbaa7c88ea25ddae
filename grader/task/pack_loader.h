// Loading a task pack from its folder:
//
//   <dir>/pack.yaml        name, version, description, defaults
//   <dir>/tasks/*.yaml     tasks (one per file, or a list), read in file-name order
//   <dir>/...              any files the YAML refers to (code, stdin, prompts)
//
// The format is docs/task-format.md. Every error names file:line:col:
//
//   auto pack = LoadPack("packs/adversarial");
//   if (!pack) { std::cerr << pack.error().ToString() << "\n"; return 1; }
//   for (const Task& task : pack->tasks) ...
#pragma once

#include <string>

#include "grader/task/load_error.h"
#include "grader/task/model.h"

namespace proctor::grader::task {

// Parses, hashes and validates the pack; returns the first problem found. Never throws.
[[nodiscard]] LoadResult<Pack> LoadPack(const std::string& dir);

// Checks what LoadPack checks, holding one task file at a time (with its referenced files)
// instead of the whole pack: for importers writing packs of thousands of large test files.
// Returns the number of tasks, or the first problem. Never throws. No content hash, and
// calibrated_limits.yaml is not applied.
[[nodiscard]] LoadResult<int> CheckPackFileByFile(const std::string& dir);

// The same without validation, for tools that list every problem with ValidatePack().
[[nodiscard]] LoadResult<Pack> ParsePack(const std::string& dir);

}  // namespace proctor::grader::task
