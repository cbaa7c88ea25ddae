#include "sandbox/keeper/run_init.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sandbox/keeper/init_report.h"
#include "sandbox/keeper/run_end.h"
#include "sandbox/linux/credentials.h"
#include "sandbox/linux/mounts.h"
#include "sandbox/linux/rlimits.h"

namespace proctor::sandbox::keeper {
namespace {

void Copy(char* dst, size_t size, const std::string& src) {
  std::strncpy(dst, src.c_str(), size - 1);
  dst[size - 1] = '\0';
}

// Appends `src` to the NUL-terminated `dst` of `size` bytes, truncating. Async-signal-safe.
void AppendText(char* dst, size_t size, const char* src) {
  size_t n = std::strlen(dst);
  while (*src != '\0' && n + 1 < size) dst[n++] = *src++;
  dst[n] = '\0';
}

[[noreturn]] void Report(int fd, const InitReport& report) {
  ssize_t ignored = ::write(fd, &report, sizeof report);
  (void)ignored;
  ::_exit(0);
}

[[noreturn]] void SetupFailed(int fd, const char* stage, int err, const std::string& detail) {
  InitReport report;
  report.setup_failed = 1;
  Copy(report.stage, sizeof report.stage, stage);
  report.err = err;
  Copy(report.detail, sizeof report.detail, detail);
  Report(fd, report);
}

}  // namespace

[[noreturn]] void StartProgram(const InitContext& ctx, const KeeperRequest& req, bool in_process,
                               char* const argv[], char* const envp[], int exec_error_fd) {
  // `step`, when given, is the failing part of `stage` ("credentials" "setresuid"). No
  // allocation: this is a forked child of a possibly multi-threaded image.
  auto die = [&](const char* stage, const char* step = nullptr) {
    ProgramSetupFailure failure;
    failure.err = errno;
    AppendText(failure.stage, sizeof failure.stage, stage);
    if (step != nullptr) {
      AppendText(failure.stage, sizeof failure.stage, ": ");
      AppendText(failure.stage, sizeof failure.stage, step);
    }
    ssize_t ignored = ::write(exec_error_fd, &failure, sizeof failure);
    (void)ignored;
    ::_exit(127);
  };
  sigset_t all;
  sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  ::setsid();
  // Place stdin, stdout, stderr and the passed descriptors at 0, 1, 2, 3, ... Every source is
  // first moved above all targets, so that no dup2() overwrites a source still to be placed.
  constexpr size_t kMaxPlaced = 64;
  const size_t count = 3 + ctx.pass_fds.size();
  if (count > kMaxPlaced) {
    errno = EMFILE;
    die("too many descriptors");
  }
  int sources[kMaxPlaced];
  sources[0] = ctx.stdin_fd;
  sources[1] = ctx.stdout_fd >= 0 ? ctx.stdout_fd : 1;
  sources[2] = ctx.stderr_fd >= 0 ? ctx.stderr_fd : 2;
  for (size_t i = 0; i < ctx.pass_fds.size(); ++i) sources[3 + i] = ctx.pass_fds[i];
  const int first_free = static_cast<int>(count);
  exec_error_fd = ::fcntl(exec_error_fd, F_DUPFD_CLOEXEC, first_free + 1);
  if (exec_error_fd < 0) ::_exit(127);  // no way left to report
  int moved[kMaxPlaced];
  for (size_t i = 0; i < count; ++i) {
    moved[i] = ::fcntl(sources[i], F_DUPFD_CLOEXEC, first_free + 1);
    if (moved[i] < 0) die("move fd");
  }
  for (size_t i = 0; i < count; ++i)
    if (::dup2(moved[i], static_cast<int>(i)) < 0) die("place fd");
  exec_error_fd = ::dup3(exec_error_fd, first_free, O_CLOEXEC);  // gone at exec
  if (exec_error_fd < 0) ::_exit(127);
  // IMPORTANT: nothing but stdin, stdout, stderr and the passed descriptors survives.
  if (::syscall(SYS_close_range, first_free + 1, ~0U, 0) != 0) die("close fds");
  // When the run reaches its memory limit, the kernel's OOM killer must pick the run's own
  // processes, never its init or a warm slot's holder (which share the cgroup). Raising the
  // score needs no privilege; children inherit it.
  {
    int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      ssize_t ignored = ::write(fd, "1000", 4);
      (void)ignored;
      ::close(fd);
    }
  }
  linux::RlimitPlan plan{ctx.have_memory_cgroup, ctx.have_pids_cgroup};
  if (int resource = linux::ApplyRlimits(req.policy.limits, plan); resource >= 0)
    die("rlimits", linux::RlimitName(resource));
  if (::chdir(req.policy.workdir.c_str()) != 0) die("chdir");
  if (const char* step = linux::DropPrivileges(req.sandbox_uid, req.sandbox_uid))
    die("credentials", step);
  if (req.layers.seccomp && linux::InstallSeccompProgram(*ctx.seccomp) != 0) die("seccomp");
  if (in_process) {
    ::close(exec_error_fd);  // "started": init stops waiting for an exec error
    ctx.in_process->run(req);
    ::_exit(127);
  }
  ::execve(argv[0], argv, envp);
  ProgramSetupFailure failure;
  failure.err = errno;
  failure.exec = 1;
  AppendText(failure.stage, sizeof failure.stage, "exec");
  ssize_t ignored = ::write(exec_error_fd, &failure, sizeof failure);
  (void)ignored;
  ::_exit(127);
}

bool ReadFullRequest(int fd, KeeperRequest* out, std::string* error) {
  std::string text;
  char buf[65536];
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = std::strerror(errno);
      return false;
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    offset += n;
  }
  return DecodeRequest(text, out, error);
}

void RunInit(const InitContext& ctx) {
  static KeeperRequest full;
  if (ctx.request_memfd >= 0) {
    std::string error;
    if (!ReadFullRequest(ctx.request_memfd, &full, &error))
      SetupFailed(ctx.report_fd, "read request", EINVAL, error);
    ::close(ctx.request_memfd);
  }
  const KeeperRequest& req = ctx.request_memfd >= 0 ? full : *ctx.request;
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The program shares init's pid namespace: show it nothing of the grader (no path in
  // /proc/1/cmdline, no /proc/1/mem or environ access).
  ::prctl(PR_SET_DUMPABLE, 0);
  ::prctl(PR_SET_NAME, "proctor-init");
  if (ctx.argv0 != nullptr) {
    size_t n = std::strlen(ctx.argv0);
    std::memset(ctx.argv0, 0, n);
    std::memcpy(ctx.argv0, "init", n < 4 ? n : 4);
  }
  char go = 0;
  if (::read(ctx.go_fd, &go, 1) != 1) ::_exit(1);  // the keeper is gone
  ::close(ctx.go_fd);
  // Become root of the new user namespace (host uid = the map's base, unprivileged outside),
  // so files created in the run's tmpfs have an owner that exists inside.
  if (req.layers.user_ns && (::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0))
    SetupFailed(ctx.report_fd, "become namespace root", errno, "");
  // IMPORTANT: a credential change clears the parent-death signal; re-arm it, then make sure
  // the keeper did not die in between (its end of the report pipe would be closed). Without
  // it a run outlives a dead keeper or zygote until someone sweeps its cgroup.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  {
    pollfd keeper_alive = {ctx.report_fd, POLLOUT, 0};
    if (::poll(&keeper_alive, 1, 0) == 1 && (keeper_alive.revents & POLLERR)) ::_exit(1);
  }

  if (req.layers.uts_ns && ::sethostname(req.policy.hostname.data(),
                                         req.policy.hostname.size()) != 0)
    SetupFailed(ctx.report_fd, "sethostname", errno, req.policy.hostname);
  if (req.layers.mount_ns) {
    linux::SetupError error;
    if (!linux::BuildRoot(req.policy, req.sandbox_uid, req.sandbox_uid, req.layers.pid_ns,
                          &error))
      SetupFailed(ctx.report_fd, error.stage, error.err, error.detail);
  }

  // Everything the child needs is built before fork: it must not allocate.
  std::vector<char*> argv;
  for (const std::string& a : req.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : req.policy.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  const bool in_process = ctx.in_process != nullptr && ctx.in_process->accepts(req);
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) SetupFailed(ctx.report_fd, "pipe", errno, "");
  pid_t main_pid = ::fork();
  if (main_pid < 0) SetupFailed(ctx.report_fd, "fork", errno, "");
  if (main_pid == 0) {
    ::close(exec_pipe[0]);
    StartProgram(ctx, req, in_process, argv.data(), envp.data(), exec_pipe[1]);
  }
  ::close(exec_pipe[1]);
  // Only the program may hold these, so that its peers see EOF when it ends.
  for (int fd : {ctx.stdin_fd, ctx.stdout_fd, ctx.stderr_fd})
    if (fd >= 0) ::close(fd);
  for (int fd : ctx.pass_fds) ::close(fd);
  std::vector<const char*> output_names;
  std::vector<uint64_t> output_caps;
  for (const FileOut& out : req.policy.outputs) {
    output_names.push_back(out.name.c_str());
    output_caps.push_back(out.max_bytes);
  }
  RunEndPlan end;
  end.pid_ns = req.layers.pid_ns;
  end.check_disk = req.layers.mount_ns;
  end.workdir = req.policy.workdir.c_str();
  end.output_names = output_names.data();
  end.output_caps = output_caps.data();
  end.output_fds = ctx.output_fds.data();
  end.outputs = std::min(output_names.size(), ctx.output_fds.size());
  end.program = req.argv.empty() ? "" : req.argv[0].c_str();
  InitReport report = SuperviseProgram(main_pid, exec_pipe[0], end);
  Report(ctx.report_fd, report);
}

}  // namespace proctor::sandbox::keeper
