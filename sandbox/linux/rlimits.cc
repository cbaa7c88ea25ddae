#include "sandbox/linux/rlimits.h"

#include <sys/resource.h>

#include <cmath>

namespace proctor::sandbox::linux {
namespace {

int Set(int resource, rlim_t value) {
  struct rlimit current;
  if (::getrlimit(resource, &current) != 0) return resource;
  // Never try to raise: root here lacks CAP_SYS_RESOURCE, and lowering is all we need.
  if (current.rlim_max != RLIM_INFINITY && value > current.rlim_max) value = current.rlim_max;
  struct rlimit limit = {value, value};
  return ::setrlimit(resource, &limit) == 0 ? -1 : resource;
}

}  // namespace

const char* RlimitName(int resource) {
  switch (resource) {
    case RLIMIT_CPU: return "RLIMIT_CPU";
    case RLIMIT_NOFILE: return "RLIMIT_NOFILE";
    case RLIMIT_FSIZE: return "RLIMIT_FSIZE";
    case RLIMIT_STACK: return "RLIMIT_STACK";
    case RLIMIT_CORE: return "RLIMIT_CORE";
    case RLIMIT_MEMLOCK: return "RLIMIT_MEMLOCK";
    case RLIMIT_MSGQUEUE: return "RLIMIT_MSGQUEUE";
    case RLIMIT_NICE: return "RLIMIT_NICE";
    case RLIMIT_RTPRIO: return "RLIMIT_RTPRIO";
    case RLIMIT_SIGPENDING: return "RLIMIT_SIGPENDING";
    case RLIMIT_AS: return "RLIMIT_AS";
    case RLIMIT_NPROC: return "RLIMIT_NPROC";
    default: return "rlimit";
  }
}

int ApplyRlimits(const Limits& limits, const RlimitPlan& plan) {
  // RLIMIT_CPU is a per-process backstop: the keeper enforces the run's total from the cgroup.
  const rlim_t cpu = static_cast<rlim_t>(std::ceil(limits.cpu_seconds)) + 1;
  struct Item {
    int resource;
    rlim_t value;
  } items[] = {
      {RLIMIT_CPU, cpu},
      {RLIMIT_NOFILE, static_cast<rlim_t>(limits.open_files)},
      {RLIMIT_FSIZE, static_cast<rlim_t>(limits.disk_bytes)},
      {RLIMIT_STACK, static_cast<rlim_t>(limits.stack_bytes)},
      {RLIMIT_CORE, 0},  // no core files, whatever core_pattern says
      {RLIMIT_MEMLOCK, 64 * 1024},
      {RLIMIT_MSGQUEUE, 0},
      {RLIMIT_NICE, 0},
      {RLIMIT_RTPRIO, 0},
      {RLIMIT_SIGPENDING, 1024},
  };
  for (const Item& item : items) {
    int failed = Set(item.resource, item.value);
    if (failed >= 0) return failed;
  }
  if (!plan.have_memory_cgroup) {
    // Weaker than the cgroup (address space, per process), but bounded.
    int failed = Set(RLIMIT_AS, static_cast<rlim_t>(limits.memory_bytes));
    if (failed >= 0) return failed;
  }
  if (!plan.have_pids_cgroup) {
    int failed = Set(RLIMIT_NPROC, static_cast<rlim_t>(limits.max_processes));
    if (failed >= 0) return failed;
  }
  return -1;
}

}  // namespace proctor::sandbox::linux
