// YAML -> model for the files of a pack: pack.yaml and tasks/*.yaml. Structure only (keys,
// types, enum values, referenced files); cross-field rules are in validate.h.
// Failures throw yaml::LoadFailure; LoadPack() is the public entry point.
#pragma once

#include <vector>

#include "grader/task/model.h"
#include "grader/task/yaml_reader.h"

namespace proctor::grader::task {

// Reads pack.yaml into a Pack without tasks.
Pack ParsePackFile(const yaml::YamlFile& file);

// Reads one task file: a mapping (one task) or a list of tasks.
std::vector<Task> ParseTaskFile(const yaml::YamlFile& file, const PackDefaults& defaults);

}  // namespace proctor::grader::task
