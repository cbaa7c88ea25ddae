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

#include "sandbox/keeper/run_launch.h"
#include "sandbox/keeper_protocol.h"
#include "sandbox/linux/seccomp_filter.h"

namespace proctor::sandbox::keeper {
namespace {

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
  WriteReply(kKeeperReplyFd, reply);
  ::_exit(0);
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

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

  sigset_t watched;
  sigemptyset(&watched);
  for (int sig : {SIGCHLD, SIGUSR1, SIGTERM, SIGINT}) sigaddset(&watched, sig);
  ::sigprocmask(SIG_BLOCK, &watched, nullptr);
  int sigfd = ::signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) {
    reply.error = Errno("signalfd");
    Finish(reply);
  }

  linux::SeccompProgram seccomp;
  if (request.layers.seccomp && !linux::BuildSeccompProgram(&seccomp, &error)) {
    reply.error = "seccomp: " + error;
    Finish(reply);
  }
  LaunchIo io;
  io.stdin_fd = MakeReadOnlyMemfd(request.policy.stdin_data, &error);
  if (io.stdin_fd < 0) {
    reply.error = "stdin: " + error;
    Finish(reply);
  }
  for (int i = 0; i < request.pass_fds; ++i) io.pass_fds.push_back(kKeeperPassFdBase + i);
  for (const FileOut& out : request.policy.outputs) {
    int fd = ::open(out.host_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0644);
    if (fd < 0) {
      reply.error = Errno("create output " + out.host_path);
      Finish(reply);
    }
    io.output_fds.push_back(fd);
  }
  RunLaunch run;
  if (!run.Start(request, io, &seccomp, nullptr, argv0)) Finish(run.reply());

  // Watch: the program's end, the clocks, and kill requests.
  int init_status = 0;
  for (;;) {
    pollfd pfd = {sigfd, POLLIN, 0};
    ::poll(&pfd, 1, 10);
    signalfd_siginfo info;
    while (::read(sigfd, &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGUSR1 || info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT)
        run.Kill(KillCause::kRequest);
    }
    if (::waitpid(run.init_pid(), &init_status, WNOHANG | __WALL) == run.init_pid()) break;
    run.CheckClocks(MonotonicNow());
  }
  Finish(run.Finish(init_status));
}

}  // namespace
}  // namespace proctor::sandbox::keeper

int main(int argc, char** argv) {
  return proctor::sandbox::keeper::Run(argc > 0 ? argv[0] : nullptr);
}
