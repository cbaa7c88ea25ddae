// The run's init: pid 1 of the new pid namespace. It builds the filesystem view, starts the
// program as an unprivileged child, reaps everything, and reports to the keeper.
#pragma once

#include <string>
#include <vector>

#include "sandbox/keeper_protocol.h"
#include "sandbox/linux/seccomp_filter.h"

namespace proctor::sandbox::keeper {

struct InitContext {
  const KeeperRequest* request = nullptr;
  const linux::SeccompProgram* seccomp = nullptr;
  int go_fd = -1;          // read end: the keeper writes one byte once id maps and cgroups are set
  int report_fd = -1;      // write end: InitReport
  int stdin_fd = -1;       // read-only memfd with the program's stdin
  std::vector<int> output_fds;  // host files receiving policy.outputs, in order
  bool have_memory_cgroup = false;
  bool have_pids_cgroup = false;
  char* argv0 = nullptr;   // the keeper's argv[0], blanked in init so /proc/1/cmdline is bland
};

[[noreturn]] void RunInit(const InitContext& context);

}  // namespace proctor::sandbox::keeper
