// Tries one forbidden system call named by argv[1]. Under the sandbox each of these must end
// the process with SIGSYS (violation) or be refused; "REACHED <name>" means the call returned.
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <map>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string what = argv[1];
  long rc = 0;
  if (what == "x32") {
    rc = syscall(0x40000000 | 39);  // getpid through the x32 ABI
  } else if (what == "clone_newuser") {
    rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (rc == 0) _exit(0);
  } else if (what == "clone_newnet") {
    rc = syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0);
    if (rc == 0) _exit(0);
  } else if (what == "clone3") {
    struct clone_args args = {};
    args.exit_signal = SIGCHLD;
    args.flags = CLONE_NEWUSER;
    rc = syscall(SYS_clone3, &args, sizeof args);
    if (rc == 0) _exit(0);
    printf("REFUSED clone3 errno=%d\n", errno);
    return 0;
  } else {
    static const std::map<std::string, long> kCalls = {
        {"ptrace", SYS_ptrace},         {"process_vm_readv", SYS_process_vm_readv},
        {"mount", SYS_mount},           {"umount2", SYS_umount2},
        {"pivot_root", SYS_pivot_root}, {"chroot", SYS_chroot},
        {"unshare", SYS_unshare},       {"setns", SYS_setns},
        {"bpf", SYS_bpf},               {"perf_event_open", SYS_perf_event_open},
        {"keyctl", SYS_keyctl},         {"add_key", SYS_add_key},
        {"kexec_load", SYS_kexec_load}, {"init_module", SYS_init_module},
        {"reboot", SYS_reboot},         {"io_uring_setup", SYS_io_uring_setup},
        {"userfaultfd", SYS_userfaultfd}, {"open_by_handle_at", SYS_open_by_handle_at},
    };
    auto it = kCalls.find(what);
    if (it == kCalls.end()) return 2;
    rc = syscall(it->second, 0, 0, 0, 0, 0, 0);
  }
  printf("REACHED %s rc=%ld errno=%d\n", what.c_str(), rc, errno);
  return 0;
}
