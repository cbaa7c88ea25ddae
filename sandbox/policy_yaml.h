// Reading a Policy from YAML. Every error names file:line:col; unknown keys are errors.
//
//   limits: {wall_seconds: 5, cpu_seconds: 2, memory_mb: 256, max_processes: 32,
//            stdout_kb: 1024, stderr_kb: 1024, disk_mb: 16, disk_inodes: 1024,
//            open_files: 64, stack_mb: 64}
//   readonly_paths: [/usr/bin, /usr/lib]
//   env: {PATH: /usr/bin, HOME: /box, LANG: C.UTF-8}
//   workdir: /box
//   hostname: proctor
// Keys left out keep the defaults of policy.h. docs/sandbox.md documents each one.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sandbox/policy.h"

namespace proctor::sandbox {

// Overlays the keys present in `node` onto `policy`. `file` is only used in messages.
bool ApplyPolicyYaml(const YAML::Node& node, const std::string& file, Policy* policy,
                     std::string* error);
// Same for the `limits:` mapping alone.
bool ApplyLimitsYaml(const YAML::Node& node, const std::string& file, Limits* limits,
                     std::string* error);

bool LoadPolicyFile(const std::string& path, Policy* policy, std::string* error);
bool LoadPolicyString(const std::string& text, const std::string& name, Policy* policy,
                      std::string* error);

}  // namespace proctor::sandbox
