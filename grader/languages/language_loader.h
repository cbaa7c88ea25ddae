// Reads language definition files (languages/*.yaml, docs/languages.md) with the pack
// loader's YAML readers: unknown keys are rejected by name and every error carries
// file:line:col. The registry (language.h) is built from these.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "grader/languages/language.h"
#include "grader/task/load_error.h"

namespace proctor::grader {

// One definition: `folder`/`file_name` (e.g. "cpp.yaml", which must define `name: cpp`).
task::LoadResult<Language> LoadLanguageFile(const std::filesystem::path& folder,
                                            const std::string& file_name);

// Every *.yaml of `folder`, in file-name order. Names and aliases must be unique among them
// and must not repeat any of `taken` (the folders loaded before).
task::LoadResult<std::vector<Language>> LoadLanguageFolder(const std::filesystem::path& folder,
                                                           const std::vector<Language>& taken = {});

}  // namespace proctor::grader
