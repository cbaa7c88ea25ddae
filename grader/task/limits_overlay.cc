#include "grader/task/limits_overlay.h"

#include "grader/task/field_readers.h"

namespace proctor::grader::task {

void ApplyLimitsOverlay(const yaml::YamlFile& file, std::vector<Task>* tasks) {
  YAML::Node root = yaml::LoadYaml(file);
  yaml::MapReader map(file, root, kLimitsOverlayFile, {"tasks"});
  const YAML::Node entries = map.Require("tasks");
  if (!entries.IsMap()) {
    yaml::Fail(
        file, entries,
        "\"tasks\" must be a mapping of task id to limits (got " + yaml::Describe(entries) + ")");
  }
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    const std::string id = yaml::ReadString(file, it->first, "task id");
    Task* task = nullptr;
    for (Task& t : *tasks)
      if (t.id == id) task = &t;
    if (task == nullptr) yaml::Fail(file, it->first, "no task \"" + id + "\" in the pack");
    task->limits = ReadLimits(file, it->second, task->limits);
  }
}

}  // namespace proctor::grader::task
