// Per-run control groups: memory (no swap), pids and CPU accounting for the whole tree.
// cgroup v1 and v2 are separate implementations chosen by the supervisor's detection.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sandbox/cgroup_version.h"
#include "sandbox/policy.h"

namespace proctor::sandbox::linux {

struct CgroupUsage {
  double cpu_seconds = 0;
  uint64_t peak_memory_bytes = 0;
  bool oom_killed = false;
  bool pids_limit_hit = false;
};

class Cgroup {
 public:
  virtual ~Cgroup() = default;
  // Moves `pid` (and so its future descendants) into the run's cgroup(s).
  virtual bool AddProcess(pid_t pid, std::string* error) = 0;
  virtual double CpuSeconds() = 0;
  virtual CgroupUsage Usage() = 0;
  // Kills every process still in the cgroup and waits (bounded) until it is empty.
  virtual bool KillAll() = 0;
  // Removes the cgroup directories (after KillAll).
  virtual void Remove() = 0;

  // Reuse by warm slots (v1 only; the others answer false): one run at a time.
  // Sends SIGKILL to every process in it but `resident` (a warm slot's holder) now, without
  // waiting; returns how many.
  virtual int SignalAll(pid_t resident = 0) {
    (void)resident;
    return 0;
  }
  // Sets the next run's limits (the cgroup is empty).
  virtual bool SetLimits(const Limits&, std::string* error) {
    *error = "cgroup reuse not supported";
    return false;
  }
  // After a run: true when nothing of it is left (no process but `resident`, the slot's
  // holder; no page of the run charged), with the peak, CPU and event counters reset so that
  // the next run's usage starts at zero. False with `why` when something is left (the caller
  // may retry).
  virtual bool ResetForReuse(pid_t resident, std::string* why) {
    (void)resident;
    *why = "cgroup reuse not supported";
    return false;
  }
  // The resident holder is ready: what is charged now is its own (its root's files, its
  // pages), not a run's.
  virtual void NoteResidentReady() {}
  // Descriptors (opened by this, privileged, process) that a process writes "0" to in order
  // to move itself in: a warm slot's init joins without a round trip.
  virtual bool OpenJoinFiles(std::vector<int>* fds, std::string* error) {
    (void)fds;
    *error = "cgroup reuse not supported";
    return false;
  }
};

// Creates the run's cgroup(s) with the limits set (null with `error` for kNone).
std::unique_ptr<Cgroup> CreateCgroup(CgroupVersion version, const std::string& v2_parent,
                                     const std::string& run_id, const Limits& limits,
                                     std::string* error);

// Where Proctor's v1 hierarchies and its v2 subtree live.
inline constexpr char kCgroupRoot[] = "/sys/fs/cgroup";
inline constexpr char kCgroupGroupName[] = "proctor";

// Helpers shared by both implementations.
bool WriteFileString(const std::string& path, const std::string& value, std::string* error);
bool ReadFileString(const std::string& path, std::string* out);
// Reads "key value" lines (memory.events, pids.events, cpu.stat, memory.oom_control).
uint64_t ReadKeyedValue(const std::string& path, const std::string& key);

}  // namespace proctor::sandbox::linux
