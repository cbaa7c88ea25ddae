// Which isolation layers this host offers, and the plan that the configured minimum allows.
#pragma once

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/keeper_protocol.h"

namespace proctor::sandbox {

enum class Layer {
  kUserNs, kPidNs, kMountNs, kNetNs, kIpcNs, kUtsNs,
  kSeccomp, kCgroupMemory, kCgroupPids, kCgroupCpu, kRlimits,
};

// Every layer, in the order `proctor doctor` prints them.
inline constexpr std::array<Layer, 11> kAllLayers = {
    Layer::kUserNs,     Layer::kPidNs,     Layer::kMountNs,      Layer::kNetNs,
    Layer::kIpcNs,      Layer::kUtsNs,     Layer::kSeccomp,      Layer::kCgroupMemory,
    Layer::kCgroupPids, Layer::kCgroupCpu, Layer::kRlimits};

// "user_ns", ..., "rlimits": as `proctor doctor` prints them and --insecure-allow-missing
// takes them.
const char* LayerName(Layer layer);
// False for a name that is no layer's.
bool LayerFromName(std::string_view name, Layer* layer);

struct LayerState {
  Layer layer = Layer::kUserNs;
  bool active = false;
  std::string detail;  // how it was detected, or why it is missing
};

struct HostLayers {
  std::vector<LayerState> layers;  // in kAllLayers order
  CgroupVersion cgroup_version = CgroupVersion::kNone;
  std::string cgroup_v2_parent;    // v2: the directory runs go under
  bool Has(Layer layer) const;
};

// Probes the host (forks short-lived children; a few milliseconds).
HostLayers DetectLayers();

// The plan for runs: every available layer. Fails, naming the layers, when a layer not in
// `allowed_missing` is unavailable.
bool PlanLayers(const HostLayers& host, const std::set<Layer>& allowed_missing,
                LayerPlan* plan, std::string* error);

}  // namespace proctor::sandbox
