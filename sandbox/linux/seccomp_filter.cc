// A deny-list filter: ordinary programs (CPython, g++, threads) run unchanged, while every call
// that could reach outside the run's namespaces or attack the kernel is refused.
#include "sandbox/linux/seccomp_filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>

namespace proctor::sandbox::linux {
namespace {

// Each of these kills the whole process (SIGSYS), which the result reports as a violation.
const std::vector<const char*> kKilled = {
    // Debugging and reading other processes' memory.
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    // Filesystem namespace changes: the root and binds are fixed by the sandbox.
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr",
    // New namespaces or joining others'.
    "unshare", "setns",
    // Kernel attack surface no grading program needs.
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
    "io_uring_register", "keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load",
    "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff", "syslog",
    "acct", "quotactl", "quotactl_fd", "lookup_dcookie", "fanotify_init", "open_by_handle_at",
    "name_to_handle_at", "iopl", "ioperm", "settimeofday", "clock_settime", "clock_adjtime",
    "adjtimex", "sethostname", "setdomainname", "vhangup", "uselib", "personality",
    "nfsservctl", "process_madvise", "memfd_secret"};

// These are refused with EPERM: ordinary programs may probe them and cope with a refusal.
const std::vector<const char*> kRefused = {"mknod", "mknodat"};

// Flags of clone() that create namespaces.
constexpr scmp_datum_t kNamespaceFlags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
                                         CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
                                         CLONE_NEWCGROUP | 0x00000080 /* CLONE_NEWTIME */;

}  // namespace

const std::vector<const char*>& KilledSyscallNames() { return kKilled; }

bool BuildSeccompProgram(SeccompProgram* program, std::string* error) {
  // Default allow; the deny list follows. Non-native architectures (i386 int 0x80, and x32
  // numbers on x86_64) hit libseccomp's bad-arch action, which kills the process.
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr) {
    *error = "seccomp_init failed";
    return false;
  }
  auto fail = [&](const std::string& what, int rc) {
    *error = what + ": " + std::strerror(-rc);
    seccomp_release(ctx);
    return false;
  };
  int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  if (rc < 0) return fail("seccomp bad-arch action", rc);
  for (const char* name : kKilled) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR || nr < 0) continue;  // not on this architecture
    rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, nr, 0);
    if (rc < 0) return fail(std::string("seccomp rule ") + name, rc);
  }
  for (const char* name : kRefused) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR || nr < 0) continue;
    rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    if (rc < 0) return fail(std::string("seccomp rule ") + name, rc);
  }
  // clone() with any namespace flag is killed (one rule per flag: libseccomp ORs rules);
  // threads and fork stay allowed.
  for (scmp_datum_t flag = 1; flag != 0 && flag <= kNamespaceFlags; flag <<= 1) {
    if ((kNamespaceFlags & flag) == 0) continue;
    rc = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(clone), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
    if (rc < 0) return fail("seccomp clone rule", rc);
  }
  // clone3 passes its flags in memory that BPF cannot read: refuse it with ENOSYS so libc
  // falls back to clone(), which the rules above can inspect.
  rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
  if (rc < 0) return fail("seccomp clone3 rule", rc);

  // Export the BPF program through a memfd so the child only needs one prctl().
  int fd = memfd_create("proctor-seccomp", MFD_CLOEXEC);
  if (fd < 0) return fail("memfd_create", -errno);
  rc = seccomp_export_bpf(ctx, fd);
  seccomp_release(ctx);
  if (rc < 0) {
    ::close(fd);
    *error = std::string("seccomp_export_bpf: ") + std::strerror(-rc);
    return false;
  }
  off_t size = lseek(fd, 0, SEEK_END);
  lseek(fd, 0, SEEK_SET);
  if (size <= 0 || size % sizeof(sock_filter) != 0) {
    ::close(fd);
    *error = "seccomp_export_bpf produced a bad program";
    return false;
  }
  program->instructions.resize(static_cast<size_t>(size) / sizeof(sock_filter));
  char* out = reinterpret_cast<char*>(program->instructions.data());
  off_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, out + done, static_cast<size_t>(size - done));
    if (n <= 0) {
      ::close(fd);
      *error = "reading the seccomp program failed";
      return false;
    }
    done += n;
  }
  ::close(fd);
  return true;
}

int InstallSeccompProgram(const SeccompProgram& program) {
  sock_fprog prog;
  prog.len = static_cast<unsigned short>(program.instructions.size());
  prog.filter = const_cast<sock_filter*>(program.instructions.data());
  return ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

}  // namespace proctor::sandbox::linux
