// `calibrated_limits.yaml` at a pack's root: per-task limits measured by `proctor pack check
// --calibrate` (grader/grading/calibrate.h), applied by the loader over the limits the task
// files give, so that calibrating never rewrites hand-written task YAML.
//
//   # proctor pack check --calibrate ...
//   tasks:
//     add: {cpu_seconds: 1.2, wall_seconds: 3.4}
#pragma once

#include <vector>

#include "grader/task/model.h"
#include "grader/task/yaml_reader.h"

namespace proctor::grader::task {

inline constexpr char kLimitsOverlayFile[] = "calibrated_limits.yaml";

// Applies the overlay in `file` to `tasks` (keys as in a task's `limits:`; an unknown task id
// is an error with file:line:col). Throws yaml::LoadFailure.
void ApplyLimitsOverlay(const yaml::YamlFile& file, std::vector<Task>* tasks);

}  // namespace proctor::grader::task
