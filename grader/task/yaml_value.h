// Values written in task files (args, kwargs, expected) read from YAML into Values.
//
// Plain scalars follow the YAML 1.2 core schema: null/~/empty -> None, true/false -> Bool,
// decimal integers -> Int (any size, exact), decimals with "." or an exponent and
// .inf/-.inf/.nan -> Float, anything else -> Str. Quoted scalars are always Str. Lists are
// lists; mappings are dicts (keys read as values, so `{1: a}` has an int key), except the
// tagged forms of FromJsonLiteral (value.h): a mapping with one key "$tuple", "$set",
// "$list", "$dict", "$bytes", "$int", "$float" or "$str".
#pragma once

#include <yaml-cpp/yaml.h>

#include "grader/task/yaml_reader.h"
#include "grader/value.h"

namespace proctor::grader::task::yaml {

// Fails (LoadFailure) with the position of the offending node.
Value ReadValue(const YamlFile& file, const YAML::Node& node);

}  // namespace proctor::grader::task::yaml
