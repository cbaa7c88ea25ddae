// proctor-zygote: a long-lived keeper with CPython already started. For each run it does what
// proctor-keeper does (cgroup, clone into new user/pid/mount/net/ipc/uts namespaces, init,
// rlimits, credentials, seccomp, clocks) but the program process is forked from this image,
// so a Python run skips the interpreter's start-up (see embedded_python.h).
//
// Started by the supervisor (sandbox/fork_server.cc) with fd 3 the control channel
// (control_channel.h), an environment equal to the default policy's, stdout /dev/null.
//
// IMPORTANT: every run's processes are forked from this one, so its memory must never hold
// another run's contents: it reads only request headers (limits, ids); files and stdin
// travel in a memfd that only the run's own init reads.
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "sandbox/keeper/run_launch.h"
#include "sandbox/keeper_protocol.h"
#include "sandbox/linux/seccomp_filter.h"
#include "sandbox/zygote/control_channel.h"
#include "sandbox/zygote/embedded_python.h"
#include "sandbox/zygote/python_runtime.h"
#include "sandbox/zygote/slot_pool.h"

namespace proctor::sandbox::zygote {
namespace {

// Modules preloaded once: what Proctor's runners and typical solutions import.
const std::vector<std::string> kPreload = {
    "os",        "sys",       "io",          "json",        "re",          "math",
    "binascii",  "builtins",  "itertools",   "keyword",     "threading",   "types",
    "select",    "time",      "linecache",   "importlib.util", "traceback", "collections",
    "functools", "typing",    "string",      "heapq",       "bisect",      "random",
    "hashlib",   "copy",      "operator",    "fractions",   "decimal",     "dataclasses",
    "enum",      "abc",       "contextlib",  "inspect",     "unittest",    "statistics",
    "datetime",  "textwrap",  "struct",      "signal",      "tokenize",    "ast",
    "site",  // imported only (started with -S); runs without -S call site.main()
};

struct ActiveRun {
  std::string run_id;
  keeper::RunLaunch launch;
  int reply_fd = -1;
};

void Reply(int fd, const KeeperReply& reply) {
  WriteReply(fd, reply);
  ::close(fd);
}

class Zygote {
 public:
  Zygote(char* argv0, const linux::SeccompProgram* seccomp, SlotPoolOptions warm)
      : argv0_(argv0), seccomp_(seccomp), pool_(WithFallback(std::move(warm))) {}

  // Starts the run described by a start message; failures are replied on its reply pipe.
  void Start(const std::string& header_bytes, std::vector<int> fds) {
    if (fds.size() < kFixedFdCount) {
      for (int fd : fds) ::close(fd);
      // No reply pipe among them: nobody holds its write end any more, so the supervisor
      // reads EOF at once and fails the run ("ended the run without a valid reply").
      return;
    }
    const int reply_fd = fds[kReply];
    KeeperRequest header;
    std::string error;
    size_t outputs = 0, passed = 0;
    bool ok = DecodeRequest(header_bytes, &header, &error);
    if (ok) {
      outputs = header.policy.outputs.size();
      passed = static_cast<size_t>(header.pass_fds);
      if (fds.size() != kFixedFdCount + outputs + passed) {
        ok = false;
        error = "start message carries " + std::to_string(fds.size()) + " descriptors";
      }
    }
    if (!ok) {
      for (size_t i = 0; i < fds.size(); ++i)
        if (i != kReply) ::close(fds[i]);
      KeeperReply reply;
      reply.error = "zygote request: " + error;
      Reply(reply_fd, reply);
      return;
    }
    std::string shape;
    if (pool_.Accepts(header, &shape)) {
      auto run = std::make_unique<SlotRun>();
      run->shape = std::move(shape);
      run->header = std::move(header);
      run->fds = std::move(fds);
      pool_.Submit(std::move(run));
      return;
    }
    StartBuilt(header, fds);
  }

  void Kill(const std::string& run_id) {
    for (auto& [pid, run] : runs_)
      if (run->run_id == run_id) run->launch.Kill(KillCause::kRequest);
    pool_.Kill(run_id);
  }

  void ReapFinished() {
    for (;;) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG | __WALL);
      if (pid <= 0) return;
      auto it = runs_.find(pid);
      if (it == runs_.end()) {
        pool_.OnChildExit(pid, status);
        continue;
      }
      Reply(it->second->reply_fd, it->second->launch.Finish(status));
      runs_.erase(it);
    }
  }

  void CheckClocks() {
    const double now = keeper::MonotonicNow();
    for (auto& [pid, run] : runs_) run->launch.CheckClocks(now);
    pool_.Tick(now);
  }

  // The supervisor is gone: nobody waits for these runs any more.
  void KillAllAndWait() {
    pool_.Shutdown();
    for (auto& [pid, run] : runs_) run->launch.Kill(KillCause::kRequest);
    while (!runs_.empty()) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, __WALL);
      if (pid < 0) break;
      auto it = runs_.find(pid);
      if (it == runs_.end()) continue;
      Reply(it->second->reply_fd, it->second->launch.Finish(status));
      runs_.erase(it);
    }
  }

  bool idle() const { return runs_.empty() && pool_.idle(); }
  SlotPool& pool() { return pool_; }

 private:
  SlotPoolOptions WithFallback(SlotPoolOptions options) {
    options.fallback = [this](std::unique_ptr<SlotRun> run) { StartBuilt(run->header, run->fds); };
    return options;
  }

  // The run with every layer built for it (fresh namespaces, cgroup and root).
  void StartBuilt(const KeeperRequest& header, const std::vector<int>& fds) {
    const size_t outputs = header.policy.outputs.size();
    const int reply_fd = fds[kReply];
    keeper::LaunchIo io;
    io.request_memfd = fds[kRequestMemfd];
    io.stdin_fd = fds[kStdin];
    io.stdout_fd = fds[kStdout];
    io.stderr_fd = fds[kStderr];
    io.output_fds.assign(fds.begin() + kFixedFdCount, fds.begin() + kFixedFdCount + outputs);
    io.pass_fds.assign(fds.begin() + kFixedFdCount + outputs, fds.end());
    auto run = std::make_unique<ActiveRun>();
    run->run_id = header.run_id;
    run->reply_fd = reply_fd;
    if (!run->launch.Start(header, io, seccomp_, &PythonInProcess(), argv0_)) {
      Reply(reply_fd, run->launch.reply());
      return;
    }
    runs_[run->launch.init_pid()] = std::move(run);
  }

  char* argv0_;
  const linux::SeccompProgram* seccomp_;
  std::map<pid_t, std::unique_ptr<ActiveRun>> runs_;
  SlotPool pool_;
};

// Zygote options before the Python runtime's: --warm-slots N, --test-fail-slot-verification.
bool TakeWarmArgs(std::vector<std::string>* args, SlotPoolOptions* warm, std::string* error) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < args->size(); ++i) {
    const std::string& a = (*args)[i];
    if (a == "--warm-slots" && i + 1 < args->size()) {
      warm->max_slots = std::atoi((*args)[++i].c_str());
    } else if (a == "--test-fail-slot-verification") {
      warm->fail_verification = true;
    } else if (a == "--warm-slots") {
      *error = "missing value after --warm-slots";
      return false;
    } else {
      rest.push_back(a);
    }
  }
  *args = std::move(rest);
  return true;
}

int Main(char* argv0, const std::vector<std::string>& args) {
  // No parent-death signal: it would fire when the supervisor *thread* that happened to start
  // this process ends (a grading worker), not the supervisor. The supervisor's death closes
  // the control channel instead, handled below like SIGTERM: every run is killed and its
  // cgroups removed before this process exits.
  ::prctl(PR_SET_NAME, "proctor-zygote");
  // No malloc fastbins: otherwise the first allocation in each run's init or program walks
  // and consolidates the zygote's freed chunks, a copy-on-write fault per page touched.
  ::mallopt(M_MXFAST, 0);
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t watched;
  sigemptyset(&watched);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT}) sigaddset(&watched, sig);
  ::sigprocmask(SIG_BLOCK, &watched, nullptr);
  int sigfd = ::signalfd(-1, &watched, SFD_CLOEXEC | SFD_NONBLOCK);

  std::string error;
  linux::SeccompProgram seccomp;
  if (sigfd < 0) error = std::string("signalfd: ") + std::strerror(errno);
  if (error.empty() && !linux::BuildSeccompProgram(&seccomp, &error)) error = "seccomp: " + error;
  PythonRuntime runtime;
  SlotPoolOptions warm;
  std::vector<std::string> rest = args;
  if (error.empty() && !TakeWarmArgs(&rest, &warm, &error)) error = "usage: " + error;
  if (error.empty() && !ParsePythonRuntimeArgs(rest, &runtime, &error)) error = "usage: " + error;
  if (error.empty()) StartPython(kPreload, runtime, &error);
  ::malloc_trim(0);
  if (!error.empty()) {
    SendMessage(kControlFd, "E" + error, {});
    return 1;
  }
  if (SendMessage(kControlFd, "R", {}) != 0) return 1;

  warm.seccomp = &seccomp;
  warm.in_process = &PythonInProcess();
  warm.argv0 = argv0;
  Zygote zygote(argv0, &seccomp, warm);
  std::string message;
  std::vector<int> fds;
  std::vector<pollfd> pfds;
  for (;;) {
    pfds.assign({{kControlFd, POLLIN, 0}, {sigfd, POLLIN, 0}});
    zygote.pool().AddPollFds(&pfds);
    ::poll(pfds.data(), pfds.size(), zygote.idle() ? -1 : 10);
    zygote.pool().Handle(std::vector<pollfd>(pfds.begin() + 2, pfds.end()));
    if (pfds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      int rc = ReceiveMessage(kControlFd, &message, &fds);
      if (rc == -1 || (rc != 0 && rc != EAGAIN && rc != EMSGSIZE)) {
        zygote.KillAllAndWait();
        return 0;
      }
      if (rc == 0 && !message.empty()) {
        if (message[0] == 'S') {
          zygote.Start(message.substr(1), std::move(fds));
        } else if (message[0] == 'K') {
          zygote.Kill(message.substr(1));
        } else {
          for (int fd : fds) ::close(fd);
        }
      }
      // IMPORTANT: the header may name a run's paths; do not keep it around for the next fork.
      std::fill(message.begin(), message.end(), '\0');
      fds.clear();
    }
    signalfd_siginfo info;
    bool stop = false;
    while (::read(sigfd, &info, sizeof info) == sizeof info)
      stop |= info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT;
    if (stop) {
      zygote.KillAllAndWait();
      return 0;
    }
    zygote.ReapFinished();
    zygote.CheckClocks();
  }
}

}  // namespace
}  // namespace proctor::sandbox::zygote

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0), argv + argc);
  // IMPORTANT: every run's init shows this memory as /proc/1/cmdline: keep host paths out.
  for (int i = 1; i < argc; ++i) std::memset(argv[i], 0, std::strlen(argv[i]));
  return proctor::sandbox::zygote::Main(argc > 0 ? argv[0] : nullptr, args);
}
