// What a sandboxed program did. A Result describes the program, never Proctor: Proctor's own
// failures are Status::kSandboxError with `error` saying which stage failed and why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace proctor::sandbox {

enum class Status {
  kOk,            // exited with code 0
  kNonzeroExit,   // exited with another code
  kSignaled,      // killed by a signal it caused (SIGSEGV, SIGABRT, ...)
  kWallTimeout,   // wall-clock limit
  kCpuTimeout,    // CPU-time limit (all processes and threads)
  kMemoryLimit,   // memory cgroup limit (OOM kill)
  kOutputLimit,   // stdout or stderr cap exceeded
  kDiskLimit,     // writable space or file-size limit exhausted and the run failed
  kViolation,     // seccomp killed a forbidden system call (SIGSYS)
  kSandboxError,  // Proctor itself failed; never the program's fault
};

std::string_view StatusName(Status status);
std::optional<Status> StatusFromName(std::string_view name);

struct Result {
  Status status = Status::kSandboxError;
  int exit_code = -1;             // when the main process exited
  int signal = 0;                 // when the main process was killed by a signal
  double wall_seconds = 0;
  double cpu_seconds = 0;         // all processes and threads of the run
  uint64_t peak_memory_bytes = 0;
  std::string stdout_data;        // raw bytes, at most the cap
  std::string stderr_data;
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  bool pids_limit_hit = false;    // a fork/clone was refused by the process limit
  bool disk_full = false;         // the writable space was found full after the run
  std::string error;              // kSandboxError: "stage: reason"
  std::string detail;             // a human note about the cause (e.g. "SIGSYS: seccomp")
  int warm_slot = -1;             // the warm slot the run used; -1: every layer built for it
  int warm_slot_run = 0;          // 1 for a slot's first run, 2 for its second, ...
};

// Stable JSON mapping (docs/sandbox.md lists the keys). Output bytes are stored as UTF-8
// with invalid sequences replaced, so any program output maps to valid JSON.
nlohmann::json ResultToJson(const Result& result);

}  // namespace proctor::sandbox
