// The end of a run, seen from its init (pid 1 of the run's pid namespace): wait for the
// program's exec, reap every process, kill the survivors when the program ends, check the
// writable space and copy the requested files out. Allocates nothing: a warm slot's init
// shares its holder's memory (sandbox/zygote/slot_holder.h).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "sandbox/keeper/init_report.h"

namespace proctor::sandbox::keeper {

struct RunEndPlan {
  bool pid_ns = true;              // kill(-1) reaches exactly the run's processes
  bool check_disk = true;          // statvfs the work dir after the run
  const char* workdir = "/box";
  const char* const* output_names = nullptr;  // relative to workdir
  const uint64_t* output_caps = nullptr;
  const int* output_fds = nullptr;            // host files receiving them
  size_t outputs = 0;
  const char* program = "";        // argv[0], named when its setup failed
};

// `exec_error_fd`: read end of the pipe StartProgram reports a ProgramSetupFailure on (closed
// here). Returns the report to send; every output fd is closed.
InitReport SuperviseProgram(pid_t main_pid, int exec_error_fd, const RunEndPlan& plan);

}  // namespace proctor::sandbox::keeper
