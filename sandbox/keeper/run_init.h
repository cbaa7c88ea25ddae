// The run's init: pid 1 of the new pid namespace. It builds the filesystem view, starts the
// program as an unprivileged child, reaps everything, and reports to the keeper.
#pragma once

#include <string>
#include <vector>

#include "sandbox/keeper_protocol.h"
#include "sandbox/linux/seccomp_filter.h"

namespace proctor::sandbox::keeper {

// A program run by the already-started process image instead of execve (the zygote's
// preloaded Python). Both hooks run in the run's processes, never in the zygote.
struct InProcessProgram {
  // In init, before the program's fork: can this run skip execve?
  bool (*accepts)(const KeeperRequest& request) = nullptr;
  // In the program's process once every restriction is in place. Must not return.
  void (*run)(const KeeperRequest& request) = nullptr;
};

struct InitContext {
  const KeeperRequest* request = nullptr;  // the full request, or only its header when
  int request_memfd = -1;                  // this is set: init then decodes the full one
  const linux::SeccompProgram* seccomp = nullptr;
  int go_fd = -1;          // read end: the keeper writes one byte once id maps and cgroups are set
  int report_fd = -1;      // write end: InitReport
  int stdin_fd = -1;       // read-only memfd with the program's stdin
  int stdout_fd = -1;      // -1: the program inherits fds 1 and 2
  int stderr_fd = -1;
  std::vector<int> pass_fds;    // become the program's 3, 4, ...
  std::vector<int> output_fds;  // host files receiving policy.outputs, in order
  bool have_memory_cgroup = false;
  bool have_pids_cgroup = false;
  const InProcessProgram* in_process = nullptr;
  char* argv0 = nullptr;   // the keeper's argv[0], blanked in init so /proc/1/cmdline is bland
};

[[noreturn]] void RunInit(const InitContext& context);

// The program's process (a child of init, still the namespace's root): places its
// descriptors, applies rlimits, chdir, drops to the sandbox uid, no_new_privs, seccomp, then
// execs argv (or runs in process). Only async-signal-safe calls; never returns. A failing
// step writes a ProgramSetupFailure naming it on `exec_error_fd`.
[[noreturn]] void StartProgram(const InitContext& ctx, const KeeperRequest& req, bool in_process,
                               char* const argv[], char* const envp[], int exec_error_fd);

// The full request when init was handed only its header (the zygote keeps run contents out
// of its own memory, which every later run inherits).
bool ReadFullRequest(int fd, KeeperRequest* out, std::string* error);

}  // namespace proctor::sandbox::keeper
