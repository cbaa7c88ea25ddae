// Which isolation layers this host offers, and the plan that the configured minimum allows.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "sandbox/keeper_protocol.h"

namespace proctor::sandbox {

// Layer names, as `proctor doctor` prints them and as --insecure-allow-missing takes them.
inline const std::vector<std::string> kAllLayers = {
    "user_ns",  "pid_ns",        "mount_ns",    "net_ns",     "ipc_ns", "uts_ns",
    "seccomp",  "cgroup_memory", "cgroup_pids", "cgroup_cpu", "rlimits"};

struct LayerState {
  std::string name;
  bool active = false;
  std::string detail;  // how it was detected, or why it is missing
};

struct HostLayers {
  std::vector<LayerState> layers;  // in kAllLayers order
  std::string cgroup_version;      // "v2", "v1" or ""
  std::string cgroup_v2_parent;    // v2: the directory runs go under
  bool Has(const std::string& name) const;
};

// Probes the host (forks short-lived children; a few milliseconds).
HostLayers DetectLayers();

// The plan for runs: every available layer. Fails, naming the layers, when a layer not in
// `allowed_missing` is unavailable.
bool PlanLayers(const HostLayers& host, const std::set<std::string>& allowed_missing,
                LayerPlan* plan, std::string* error);

}  // namespace proctor::sandbox
