// Resource limits of the program process (hard = soft, so it cannot raise them back).
#pragma once

#include "sandbox/policy.h"

namespace proctor::sandbox::linux {

struct RlimitPlan {
  bool have_memory_cgroup = true;  // without it, RLIMIT_AS stands in for the memory limit
  bool have_pids_cgroup = true;    // without it, RLIMIT_NPROC stands in for pids.max
};

// Applies every limit; returns the failing resource number or -1. Async-signal-safe.
int ApplyRlimits(const Limits& limits, const RlimitPlan& plan);

// "RLIMIT_NOFILE" for RLIMIT_NOFILE, ...; "rlimit" for a number it does not know. Static
// storage, async-signal-safe.
const char* RlimitName(int resource);

}  // namespace proctor::sandbox::linux
