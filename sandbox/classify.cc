#include "sandbox/classify.h"

#include <signal.h>
#include <string.h>

#include <string>

namespace proctor::sandbox {

void Classify(const KeeperReply& reply, const SupervisorObservations& seen, Result* r) {
  r->wall_seconds = reply.wall_seconds;
  r->cpu_seconds = reply.cpu_seconds;
  r->peak_memory_bytes = reply.peak_memory_bytes;
  r->pids_limit_hit = reply.pids_limit_hit;
  r->disk_full = reply.disk_full;
  r->exit_code = reply.exited ? reply.exit_code : -1;
  r->signal = reply.term_signal;
  r->warm_slot = reply.warm_slot;
  r->warm_slot_run = reply.warm_slot_run;

  // Proctor's own failures are never the program's.
  if (!seen.keeper_failure.empty() || !reply.error.empty() || !reply.exec_error.empty()) {
    r->status = Status::kSandboxError;
    r->error = !seen.keeper_failure.empty() ? seen.keeper_failure
               : !reply.error.empty()       ? reply.error
                                            : reply.exec_error;
    return;
  }

  // Causes with a time: the earliest wins.
  struct Cause {
    double at;
    Status status;
    const char* detail;
  };
  Cause first{1e300, Status::kOk, nullptr};
  auto consider = [&](double at, Status status, const char* detail) {
    if (at >= 0 && at < first.at) first = {at, status, detail};
  };
  consider(seen.output_limit_at, Status::kOutputLimit, "output cap exceeded");
  if (reply.kill_cause == KillCause::kWall) consider(reply.kill_at, Status::kWallTimeout, "wall limit");
  if (reply.kill_cause == KillCause::kCpu) consider(reply.kill_at, Status::kCpuTimeout, "CPU limit");
  consider(reply.violation_at, Status::kViolation, "forbidden system call (seccomp, SIGSYS)");
  if (first.detail != nullptr) {
    r->status = first.status;
    r->detail = first.detail;
    return;
  }
  if (reply.kill_cause == KillCause::kRequest) {
    r->status = Status::kSandboxError;
    r->error = seen.cancelled ? "cancelled" : "killed on the supervisor's request";
    return;
  }

  // No kill of ours: read the program's own end.
  const bool failed = !reply.exited || reply.exit_code != 0;
  if (reply.oom_killed && failed) {
    r->status = Status::kMemoryLimit;
    r->detail = "memory limit (OOM kill)";
  } else if (reply.term_signal == SIGXCPU) {
    r->status = Status::kCpuTimeout;
    r->detail = "CPU limit (SIGXCPU)";
  } else if (reply.term_signal == SIGSYS) {
    r->status = Status::kViolation;
    r->detail = "forbidden system call (seccomp, SIGSYS)";
  } else if (reply.term_signal == SIGXFSZ || (reply.disk_full && failed)) {
    r->status = Status::kDiskLimit;
    r->detail = "writable space exhausted";
  } else if (reply.term_signal != 0) {
    r->status = Status::kSignaled;
    r->detail = std::string("killed by ") + (sigabbrev_np(reply.term_signal) ?: "signal");
  } else if (reply.exit_code != 0) {
    r->status = Status::kNonzeroExit;
    r->detail = "exit code " + std::to_string(reply.exit_code);
  } else {
    r->status = Status::kOk;
  }
}

}  // namespace proctor::sandbox
