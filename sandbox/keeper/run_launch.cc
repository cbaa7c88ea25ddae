#include "sandbox/keeper/run_launch.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sandbox/keeper/init_report.h"
#include "sandbox/linux/credentials.h"
#include "sandbox/linux/mounts.h"
#include "sandbox/linux/unique_fd.h"

namespace proctor::sandbox::keeper {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

void CloseAllExcept(std::vector<int> keep) {
  keep.push_back(2);
  std::sort(keep.begin(), keep.end());
  int next = 3;
  for (int fd : keep) {
    if (fd < next) continue;
    if (fd > next) ::syscall(SYS_close_range, next, fd - 1, 0);
    next = fd + 1;
  }
  ::syscall(SYS_close_range, next, ~0U, 0);
}

// A read-only descriptor holding `data`, so the program can neither block us nor modify it.
int MakeReadOnlyMemfd(const std::string& data, std::string* error) {
  linux::UniqueFd fd(::memfd_create("proctor-stdin", MFD_CLOEXEC));
  if (!fd) {
    *error = Errno("memfd_create");
    return -1;
  }
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n <= 0) {
      *error = Errno("write stdin");
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  std::string self = "/proc/self/fd/" + std::to_string(fd.get());
  int ro = ::open(self.c_str(), O_RDONLY | O_CLOEXEC);
  if (ro < 0) *error = Errno("reopen stdin read-only");
  return ro;
}

double MonotonicNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

void RunLaunch::Fail(const std::string& message) {
  if (cgroup_) {
    cgroup_->KillAll();
    cgroup_->Remove();
    cgroup_.reset();
  }
  reply_.error = message;
}

bool RunLaunch::Start(const KeeperRequest& header, LaunchIo io,
                      const linux::SeccompProgram* seccomp, const InProcessProgram* in_process,
                      char* argv0) {
  header_ = header;
  // The run's descriptors: closed here on every path (init holds its own copies by number).
  std::vector<linux::UniqueFd> owned;
  for (const std::vector<int>* fds : {&io.pass_fds, &io.output_fds})
    for (int fd : *fds) owned.emplace_back(fd);
  for (int fd : {io.stdin_fd, io.stdout_fd, io.stderr_fd, io.request_memfd})
    if (fd >= 0) owned.emplace_back(fd);

  std::string error;
  if (header.layers.cgroup_version != CgroupVersion::kNone) {
    cgroup_ = linux::CreateCgroup(header.layers.cgroup_version, header.layers.cgroup_v2_parent,
                                  header.run_id, header.policy.limits, &error);
    if (!cgroup_) {
      Fail("cgroup: " + error);
      return false;
    }
  }
  if (header.layers.mount_ns) {
    ::mkdir("/run/proctor", 0755);
    if (::mkdir(linux::kNewRootMountPoint, 0755) != 0 && errno != EEXIST) {
      Fail(Errno(std::string("mkdir ") + linux::kNewRootMountPoint));
      return false;
    }
  }
  linux::UniqueFd go_read, go_write, report_read, report_write;
  if (!linux::MakePipe(O_CLOEXEC, &go_read, &go_write) ||
      !linux::MakePipe(O_CLOEXEC, &report_read, &report_write)) {
    Fail(Errno("pipe"));
    return false;
  }

  unsigned long flags = SIGCHLD;
  if (header.layers.user_ns) flags |= CLONE_NEWUSER;
  if (header.layers.pid_ns) flags |= CLONE_NEWPID;
  if (header.layers.mount_ns) flags |= CLONE_NEWNS;
  if (header.layers.net_ns) flags |= CLONE_NEWNET;
  if (header.layers.ipc_ns) flags |= CLONE_NEWIPC;
  if (header.layers.uts_ns) flags |= CLONE_NEWUTS;

  start_ = MonotonicNow();
  init_ = static_cast<pid_t>(::syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr));
  if (init_ < 0) {
    Fail(Errno("clone"));
    return false;
  }
  if (init_ == 0) {
    // init (a copy of this process): RunInit never returns, so no destructor runs here.
    std::vector<int> keep;
    for (const linux::UniqueFd& fd : owned) keep.push_back(fd.get());
    keep.push_back(go_read.get());
    keep.push_back(report_write.get());
    CloseAllExcept(keep);
    InitContext ctx;
    ctx.request = &header_;
    ctx.request_memfd = io.request_memfd;
    ctx.seccomp = seccomp;
    ctx.go_fd = go_read.get();
    ctx.report_fd = report_write.get();
    ctx.stdin_fd = io.stdin_fd;
    ctx.stdout_fd = io.stdout_fd;
    ctx.stderr_fd = io.stderr_fd;
    ctx.pass_fds = io.pass_fds;
    ctx.output_fds = io.output_fds;
    ctx.have_memory_cgroup = cgroup_ != nullptr;
    ctx.have_pids_cgroup = cgroup_ != nullptr;
    ctx.in_process = in_process;
    ctx.argv0 = argv0;
    RunInit(ctx);
  }
  go_read.reset();
  report_write.reset();
  report_fd_ = report_read.release();
  owned.clear();

  auto abort_start = [&](const std::string& message) {
    Kill(KillCause::kRequest);
    ::waitpid(init_, nullptr, __WALL);
    go_write.reset();
    ::close(report_fd_);
    report_fd_ = -1;
    init_ = -1;
    Fail(message);
    return false;
  };
  if (header.layers.user_ns && !linux::WriteIdMaps(init_, header.host_uid_base, &error))
    return abort_start("user namespace id map: " + error);
  if (cgroup_ && !cgroup_->AddProcess(init_, &error)) return abort_start("cgroup: " + error);
  char byte = 1;
  if (::write(go_write.get(), &byte, 1) != 1) return abort_start(Errno("start init"));
  return true;  // go_write closes here
}

void RunLaunch::Kill(KillCause cause) {
  if (init_ <= 0) return;
  if (reply_.kill_cause == KillCause::kNone) {
    reply_.kill_cause = cause;
    reply_.kill_at = MonotonicNow() - start_;
  }
  ::kill(init_, SIGKILL);
  if (!header_.layers.pid_ns && cgroup_) cgroup_->KillAll();
}

void RunLaunch::CheckClocks(double now) {
  const Limits& limits = header_.policy.limits;
  if (now - start_ >= limits.wall_seconds) Kill(KillCause::kWall);
  if (cgroup_ && cgroup_->CpuSeconds() >= limits.cpu_seconds) Kill(KillCause::kCpu);
}

KeeperReply RunLaunch::Finish(int init_status) {
  const double end = MonotonicNow();
  InitReport init_report;
  ::fcntl(report_fd_, F_SETFL, O_NONBLOCK);
  bool have_report = ::read(report_fd_, &init_report, sizeof init_report) == sizeof init_report;
  ::close(report_fd_);
  report_fd_ = -1;
  init_ = -1;

  std::optional<linux::CgroupUsage> usage;
  if (cgroup_) {
    if (!cgroup_->KillAll()) reply_.error = "cgroup: processes survived the run";
    usage = cgroup_->Usage();
    cgroup_->Remove();
    cgroup_.reset();
  }
  FinishReply(have_report ? &init_report : nullptr, init_status, start_, end, usage,
              header_.argv.empty() ? "" : header_.argv[0], &reply_);
  return reply_;
}

void FinishReply(const InitReport* init_report, int init_status, double start, double end,
                 const std::optional<linux::CgroupUsage>& usage, const std::string& program,
                 KeeperReply* out) {
  KeeperReply& reply = *out;
  if (usage) {
    reply.cpu_seconds = usage->cpu_seconds;
    reply.peak_memory_bytes = usage->peak_memory_bytes;
    reply.oom_killed = usage->oom_killed;
    reply.pids_limit_hit = usage->pids_limit_hit;
  }
  reply.wall_seconds = end - start;
  if (init_report != nullptr) {
    if (init_report->setup_failed) {
      reply.error = std::string(init_report->stage) + ": " + std::strerror(init_report->err);
      if (init_report->detail[0]) reply.error += std::string(" (") + init_report->detail + ")";
      return;
    }
    reply.started = init_report->exec_errno == 0;
    if (init_report->exec_errno != 0)
      reply.exec_error = "exec " + program + ": " + std::strerror(init_report->exec_errno);
    if (init_report->main_reaped) {
      const int st = init_report->main_status;
      reply.exited = WIFEXITED(st);
      reply.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      reply.term_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
      reply.wall_seconds = init_report->main_exit_at - start;
      // The program ended on its own before any kill of ours: that kill is not its cause.
      if (reply.kill_cause != KillCause::kNone &&
          init_report->main_exit_at - start <= reply.kill_at) {
        reply.kill_cause = KillCause::kNone;
        reply.kill_at = 0;
      }
    }
    if (init_report->violation_at >= 0) reply.violation_at = init_report->violation_at - start;
    reply.disk_full = init_report->disk_full != 0;
    // An output the program made that the host could not store (a full TMPDIR): Proctor's
    // failure, so a compile is never reported as the submission's compile error.
    if (init_report->output_errno != 0)
      reply.error = std::string("copying output '") + init_report->output_name +
                    "' to the host: " + std::strerror(init_report->output_errno);
    // A missing or oversized output file is left absent on the host; the caller checks for it
    // (PreparedProgram::Prepare reports a compile that left no binary).
  } else if (reply.kill_cause == KillCause::kNone && usage && usage->oom_killed) {
    // init itself was chosen by the OOM killer (the run's processes are preferred, see
    // StartProgram): the run reached its memory limit.
    reply.started = true;
    reply.term_signal = SIGKILL;
  } else if (reply.kill_cause == KillCause::kNone) {
    // init died without a report and we did not kill it: Proctor's failure.
    if (reply.error.empty())
      reply.error = "init ended without a report (status " + std::to_string(init_status) + ")";
  } else {
    reply.started = true;
  }
}

}  // namespace proctor::sandbox::keeper
