// A warm slot's holder (docs/sandbox.md, "Warm slots"): a process forked from the zygote once,
// living in the slot's own user, net and uts namespaces and in a mount namespace whose root
// (the read-only binds, /dev, /etc) is already built. It runs one run at a time:
//
//   holder ── clone(CLONE_VM | CLONE_VFORK | CLONE_FILES | new pid, ipc, mount ns) ──> init
//   init   ── joins the slot's cgroup, mounts the run's fresh tmpfs and /proc, fork() ──> program
//
// init shares the holder's memory (the holder is suspended until init is gone), so a run
// costs one copy of the zygote's address space: the program's. The program leaves init's
// small stack for the holder's real one (longjmp), so it grows under RLIMIT_STACK as usual.
//
// Messages on the slot's socket (SOCK_SEQPACKET, the zygote's end in slot_pool.cc):
//   zygote -> holder  'G'                       id maps written: build the root
//   holder -> zygote  'R' | 'E'<message>        ready | the root could not be built
//   zygote -> holder  'S'<header CBOR> + fds    a run (fds: request memfd, stdin, stdout,
//                                               stderr, outputs..., passed fds...)
//   init   -> zygote  'P'<pid>                  (no cgroup) init's pid, to kill the run by
//   init   -> zygote  'D'<InitReport>           the program ended; everything is reaped
//   holder -> zygote  'C'<SlotEnd>              init is gone; the holder's own checks
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/keeper/init_report.h"
#include "sandbox/keeper/run_init.h"
#include "sandbox/linux/seccomp_filter.h"
#include "sandbox/policy.h"

namespace proctor::sandbox::zygote {

struct SlotSetup {
  int socket = -1;                 // the holder's end
  std::vector<int> cgroup_join;    // cgroup.procs files to write "0" to (empty: no cgroup)
  Policy shape;                    // readonly_paths, binds, workdir, hostname of the root
  unsigned sandbox_uid = 1000;
  bool seccomp = true;
  const linux::SeccompProgram* seccomp_program = nullptr;
  const keeper::InProcessProgram* in_process = nullptr;
  char* argv0 = nullptr;           // blanked to "init" (what /proc/1/cmdline shows)
};

#pragma pack(push, 1)
struct InitDone {
  char tag = 'D';
  keeper::InitReport report;
};
struct InitStarted {       // only in slots without a cgroup to find a run's processes by
  char tag = 'P';
  int pid = 0;             // init's pid as the zygote sees it
};
struct SlotEnd {
  char tag = 'C';
  int init_status = 0;     // waitpid() status of the run's init; -1: it was never started
  int loopback_down = 0;   // 1: the slot's loopback is still down
};
#pragma pack(pop)

// In the child the zygote cloned into the slot's new user, mount, net and uts namespaces.
[[noreturn]] void SlotHolderMain(const SlotSetup& setup);

}  // namespace proctor::sandbox::zygote
