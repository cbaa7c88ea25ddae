// Readers for the fields that appear both in pack.yaml `defaults:` and in tasks: limits,
// scoring, languages and comparison settings. Each starts from a base value (the built-in or
// pack default) and overrides what the YAML says. Failures throw yaml::LoadFailure.
#pragma once

#include <yaml-cpp/yaml.h>

#include <vector>

#include "grader/task/model.h"
#include "grader/task/yaml_reader.h"

namespace proctor::grader::task {

// `limits:` mapping; keys not written keep the value in `base`.
Limits ReadLimits(const yaml::YamlFile& file, const YAML::Node& node, Limits base);

// `scoring:` either a mode name or {mode, count_public}.
Scoring ReadScoring(const yaml::YamlFile& file, const YAML::Node& node, Scoring base);

Language ReadLanguage(const yaml::YamlFile& file, const YAML::Node& node);
// `languages:` a list of names (a single name is accepted too).
std::vector<Language> ReadLanguages(const yaml::YamlFile& file, const YAML::Node& node);

// Comparison of stdio tests: a name or {kind, abs_tol, rel_tol}. "checker" sets *use_checker.
compare::TextCompareSpec ReadStdioCompare(const yaml::YamlFile& file, const YAML::Node& node,
                                          bool* use_checker);
// Comparison of call tests: a name or {kind, abs_tol, rel_tol}.
compare::ValueCompareOptions ReadCallCompare(const yaml::YamlFile& file, const YAML::Node& node);

}  // namespace proctor::grader::task
