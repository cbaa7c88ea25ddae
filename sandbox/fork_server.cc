#include "sandbox/fork_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sandbox/linux/unique_fd.h"
#include "sandbox/policy.h"
#include "sandbox/zygote/control_channel.h"

namespace proctor::sandbox {
namespace {

constexpr int kStartTimeoutMs = 20000;

}  // namespace

ForkServer::~ForkServer() {
  std::lock_guard<std::mutex> lock(mu_);
  StopLocked();
}

void ForkServer::StopLocked() {
  if (socket_ >= 0) ::close(socket_);  // the zygote sees EOF, kills its runs and exits
  socket_ = -1;
  if (pid_ > 0) {
    // It kills its runs and slots and removes their cgroups before it exits: give it time
    // (SIGKILL would leave the cgroups to the next fork server's sweep).
    for (int i = 0; i < 1000 && ::waitpid(pid_, nullptr, WNOHANG) == 0; ++i) ::usleep(10000);
    if (::waitpid(pid_, nullptr, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_ = -1;
}

bool ForkServer::EnsureStartedLocked(std::string* error) {
  if (socket_ >= 0) {
    // Still alive? (a dead zygote is found here or by the next send)
    if (pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0) return true;
    ::close(socket_);
    socket_ = -1;
    pid_ = -1;
  }
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    *error = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  linux::UniqueFd ours(pair[0]), theirs(pair[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), zygote::kControlFd);
  // The interpreter starts in the default policy's environment (its locale decides the
  // encoding of every run's stdio); runs then get their own os.environ.
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : Policy{}.env) env_strings.push_back(k + "=" + v);
  // Every symbol resolved once here: lazily, each run's init and program would look up and
  // patch (a copy-on-write fault per page of the tables) every library call the zygote
  // itself never made (mount, pivot_root, ...). Runs get their own environment.
  env_strings.push_back("LD_BIND_NOW=1");
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = {path_};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  for (std::string& a : zygote::PythonRuntimeArgs(runtime_)) args.push_back(std::move(a));
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, path_.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  theirs.reset();
  if (rc != 0) {
    *error = "spawn " + path_ + ": " + std::strerror(rc);
    return false;
  }
  pollfd pfd = {ours.get(), POLLIN, 0};
  std::string message;
  std::vector<int> fds;
  if (::poll(&pfd, 1, kStartTimeoutMs) != 1 ||
      zygote::ReceiveMessage(ours.get(), &message, &fds) != 0 || message != "R") {
    for (int fd : fds) ::close(fd);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    *error = "zygote did not start" +
             (message.size() > 1 && message[0] == 'E' ? ": " + message.substr(1) : "");
    return false;
  }
  socket_ = ours.release();
  pid_ = pid;
  return true;
}

bool ForkServer::Warm(std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  return EnsureStartedLocked(error);
}

bool ForkServer::Submit(const KeeperRequest& header, const std::vector<int>& fds,
                        std::string* error) {
  const std::string message = "S" + EncodeRequest(header);
  std::lock_guard<std::mutex> lock(mu_);
  // One retry: a zygote that died since the last run is replaced transparently.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!EnsureStartedLocked(error)) return false;
    int rc = zygote::SendMessage(socket_, message, fds);
    if (rc == 0) return true;
    *error = std::string("send to zygote: ") + std::strerror(rc);
    if (rc != EPIPE && rc != ECONNRESET) return false;
    StopLocked();
  }
  return false;
}

void ForkServer::Kill(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (socket_ >= 0) zygote::SendMessage(socket_, "K" + run_id, {});
}

}  // namespace proctor::sandbox
