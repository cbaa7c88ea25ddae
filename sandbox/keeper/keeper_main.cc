// proctor-keeper: builds one sandbox, watches one program, reports what it did.
//
// Started by the supervisor (Boost.Process v2) with: fd 0 /dev/null, fds 1 and 2 the program's
// stdout and stderr pipes, fd 3 the request (CBOR), fd 4 the reply (JSON), fds 5.. descriptors
// handed to the program as 3... The chain is keeper (host namespaces, runs the cgroup and the
// clocks) -> init (pid 1 of the run's namespaces) -> program (unprivileged, seccomp'd).
// Signals: SIGUSR1 or SIGTERM kill the run now (the supervisor saw an output cap or cancelled).
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

#include "sandbox/keeper/init_report.h"
#include "sandbox/keeper/run_init.h"
#include "sandbox/keeper_protocol.h"
#include "sandbox/linux/cgroup.h"
#include "sandbox/linux/credentials.h"
#include "sandbox/linux/mounts.h"
#include "sandbox/linux/seccomp_filter.h"

namespace proctor::sandbox::keeper {
namespace {

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

[[noreturn]] void Finish(const KeeperReply& reply) {
  std::string text = EncodeReply(reply);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(kKeeperReplyFd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::_exit(0);
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// A read-only descriptor holding `data`, so the program can neither block us nor modify it.
int MakeStdin(const std::string& data, std::string* error) {
  int fd = ::memfd_create("proctor-stdin", MFD_CLOEXEC);
  if (fd < 0) {
    *error = Errno("memfd_create");
    return -1;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      *error = Errno("write stdin");
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  std::string self = "/proc/self/fd/" + std::to_string(fd);
  int ro = ::open(self.c_str(), O_RDONLY | O_CLOEXEC);
  ::close(fd);
  if (ro < 0) *error = Errno("reopen stdin read-only");
  return ro;
}

int Run(char* argv0) {
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // the supervisor died: treated as a cancel
  ::signal(SIGPIPE, SIG_IGN);
  KeeperReply reply;
  KeeperRequest request;
  std::string error;
  if (!DecodeRequest(ReadAll(kKeeperRequestFd), &request, &error)) {
    reply.error = "request: " + error;
    Finish(reply);
  }
  ::close(kKeeperRequestFd);
  if (request.argv.empty()) {
    reply.error = "request: empty argv";
    Finish(reply);
  }
  const Limits& limits = request.policy.limits;

  sigset_t watched;
  sigemptyset(&watched);
  for (int sig : {SIGCHLD, SIGUSR1, SIGTERM, SIGINT}) sigaddset(&watched, sig);
  ::sigprocmask(SIG_BLOCK, &watched, nullptr);
  int sigfd = ::signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) {
    reply.error = Errno("signalfd");
    Finish(reply);
  }

  std::unique_ptr<linux::Cgroup> cgroup;
  if (!request.layers.cgroup_version.empty()) {
    cgroup = linux::CreateCgroup(request.layers.cgroup_version, request.layers.cgroup_v2_parent,
                                 request.run_id, limits, &error);
    if (!cgroup) {
      reply.error = "cgroup: " + error;
      Finish(reply);
    }
  }
  auto fail = [&](const std::string& message) {
    if (cgroup) {
      cgroup->KillAll();
      cgroup->Remove();
    }
    reply.error = message;
    Finish(reply);
  };

  linux::SeccompProgram seccomp;
  if (request.layers.seccomp && !linux::BuildSeccompProgram(&seccomp, &error))
    fail("seccomp: " + error);
  if (request.layers.mount_ns) {
    ::mkdir("/run/proctor", 0755);
    if (::mkdir(linux::kNewRootMountPoint, 0755) != 0 && errno != EEXIST)
      fail(Errno(std::string("mkdir ") + linux::kNewRootMountPoint));
  }
  InitContext ctx;
  ctx.request = &request;
  ctx.argv0 = argv0;
  ctx.seccomp = &seccomp;
  ctx.have_memory_cgroup = cgroup != nullptr;
  ctx.have_pids_cgroup = cgroup != nullptr;
  ctx.stdin_fd = MakeStdin(request.policy.stdin_data, &error);
  if (ctx.stdin_fd < 0) fail("stdin: " + error);
  for (const FileOut& out : request.policy.outputs) {
    int fd = ::open(out.host_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0644);
    if (fd < 0) fail(Errno("create output " + out.host_path));
    ctx.output_fds.push_back(fd);
  }
  int go[2], report[2];
  if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(report, O_CLOEXEC) != 0) fail(Errno("pipe"));
  ctx.go_fd = go[0];
  ctx.report_fd = report[1];

  unsigned long flags = SIGCHLD;
  if (request.layers.user_ns) flags |= CLONE_NEWUSER;
  if (request.layers.pid_ns) flags |= CLONE_NEWPID;
  if (request.layers.mount_ns) flags |= CLONE_NEWNS;
  if (request.layers.net_ns) flags |= CLONE_NEWNET;
  if (request.layers.ipc_ns) flags |= CLONE_NEWIPC;
  if (request.layers.uts_ns) flags |= CLONE_NEWUTS;

  const double start = Now();
  pid_t init = static_cast<pid_t>(::syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr));
  if (init < 0) fail(Errno("clone"));
  if (init == 0) {
    ::close(go[1]);
    ::close(report[0]);
    RunInit(ctx);
  }
  ::close(go[0]);
  ::close(report[1]);
  ::close(ctx.stdin_fd);
  // Only the program may hold the passed descriptors, so that its peer sees EOF when it dies.
  for (int i = 0; i < request.pass_fds; ++i) ::close(kKeeperPassFdBase + i);
  for (int fd : ctx.output_fds) ::close(fd);

  auto kill_init = [&]() {
    ::kill(init, SIGKILL);
    if (!request.layers.pid_ns && cgroup) cgroup->KillAll();
  };
  if (request.layers.user_ns && !linux::WriteIdMaps(init, request.host_uid_base, &error)) {
    kill_init();
    ::waitpid(init, nullptr, 0);
    fail("user namespace id map: " + error);
  }
  if (cgroup && !cgroup->AddProcess(init, &error)) {
    kill_init();
    ::waitpid(init, nullptr, 0);
    fail("cgroup: " + error);
  }
  char byte = 1;
  if (::write(go[1], &byte, 1) != 1) {
    kill_init();
    ::waitpid(init, nullptr, 0);
    fail(Errno("start init"));
  }
  ::close(go[1]);

  // Watch: the program's end, the clocks, and kill requests.
  auto kill_for = [&](const char* cause) {
    if (reply.kill_cause.empty()) {
      reply.kill_cause = cause;
      reply.kill_at = Now() - start;
    }
    kill_init();
  };
  int init_status = 0;
  for (bool done = false; !done;) {
    pollfd pfd = {sigfd, POLLIN, 0};
    ::poll(&pfd, 1, 10);
    signalfd_siginfo info;
    while (::read(sigfd, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGUSR1 || info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT)
        kill_for("request");
    }
    if (::waitpid(init, &init_status, WNOHANG | __WALL) == init) {
      done = true;
      break;
    }
    const double elapsed = Now() - start;
    if (elapsed >= limits.wall_seconds) kill_for("wall");
    if (cgroup && cgroup->CpuSeconds() >= limits.cpu_seconds) kill_for("cpu");
  }
  const double end = Now();

  InitReport init_report;
  ::fcntl(report[0], F_SETFL, O_NONBLOCK);
  bool have_report = ::read(report[0], &init_report, sizeof init_report) == sizeof init_report;
  ::close(report[0]);

  if (cgroup) {
    if (!cgroup->KillAll()) reply.error = "cgroup: processes survived the run";
    linux::CgroupUsage usage = cgroup->Usage();
    reply.cpu_seconds = usage.cpu_seconds;
    reply.peak_memory_bytes = usage.peak_memory_bytes;
    reply.oom_killed = usage.oom_killed;
    reply.pids_limit_hit = usage.pids_limit_hit;
    cgroup->Remove();
  }
  reply.wall_seconds = end - start;
  if (have_report) {
    if (init_report.setup_failed) {
      reply.error = std::string(init_report.stage) + ": " + std::strerror(init_report.err);
      if (init_report.detail[0]) reply.error += std::string(" (") + init_report.detail + ")";
      Finish(reply);
    }
    reply.started = init_report.exec_errno == 0;
    if (init_report.exec_errno != 0)
      reply.exec_error = std::string("exec ") + request.argv[0] + ": " +
                         std::strerror(init_report.exec_errno);
    if (init_report.main_reaped) {
      const int st = init_report.main_status;
      reply.exited = WIFEXITED(st);
      reply.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      reply.term_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
      reply.wall_seconds = init_report.main_exit_at - start;
      // The program ended on its own before any kill of ours: that kill is not its cause.
      if (!reply.kill_cause.empty() && init_report.main_exit_at - start <= reply.kill_at) {
        reply.kill_cause.clear();
        reply.kill_at = 0;
      }
    }
    if (init_report.violation_at >= 0) reply.violation_at = init_report.violation_at - start;
    reply.disk_full = init_report.disk_full != 0;
    // A missing or oversized output file is left absent on the host; the caller checks for it
    // (PreparedProgram::Prepare reports a compile that left no binary).
  } else if (reply.kill_cause.empty()) {
    // init died without a report and we did not kill it: Proctor's failure.
    reply.error = "init ended without a report (status " + std::to_string(init_status) + ")";
  } else {
    reply.started = true;
  }
  Finish(reply);
}

}  // namespace
}  // namespace proctor::sandbox::keeper

int main(int argc, char** argv) {
  return proctor::sandbox::keeper::Run(argc > 0 ? argv[0] : nullptr);
}
