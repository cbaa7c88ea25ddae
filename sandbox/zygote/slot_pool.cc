#include "sandbox/zygote/slot_pool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "sandbox/keeper/run_launch.h"
#include "sandbox/linux/credentials.h"
#include "sandbox/linux/mounts.h"
#include "sandbox/zygote/control_channel.h"
#include "sandbox/zygote/slot_holder.h"

namespace proctor::sandbox::zygote {
namespace {

// How long a slot may take to be found clean after its run (an ipc namespace is freed by a
// kernel worker, its shm pages uncharged then) before it is destroyed instead.
constexpr double kVerifySeconds = 2.0;
constexpr double kQueueWaitSeconds = 0.25;
constexpr int kColdRunsBeforeWarm = 3;
constexpr char kStopping[] = "the fork server is stopping";

void ReplyAndClose(int fd, const KeeperReply& reply) {
  WriteReply(fd, reply);
  ::close(fd);
}

size_t CountLines(const std::string& path) {
  std::string text;
  if (!linux::ReadFileString(path, &text)) return static_cast<size_t>(-1);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Sockets of the holder's net namespace. The per-namespace counters of /proc/net/sockstat
// (in use, and TCP's time-wait) cost nothing to read; /proc/net/tcp would walk the host's
// whole TCP hash table on every run. Unix sockets have a table per namespace: listed.
std::string SocketLeft(pid_t holder) {
  const std::string base = "/proc/" + std::to_string(holder) + "/net/";
  for (const char* file : {"sockstat", "sockstat6"}) {
    std::string text;
    if (!linux::ReadFileString(base + file, &text))
      return std::string("cannot read the slot's /proc/net/") + file;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::string proto, key;
      words >> proto;
      if (proto == "sockets:" || proto.rfind("FRAG", 0) == 0) continue;
      uint64_t value = 0;
      while (words >> key >> value)
        if ((key == "inuse" || key == "tw") && value > 0)
          return "a socket is left in the slot's network namespace (" + line + ")";
    }
  }
  if (CountLines(base + "unix") > 1) return "a unix socket is left in the slot's network namespace";
  return "";
}

}  // namespace

SlotPool::SlotPool(SlotPoolOptions options) : options_(std::move(options)) {
  if (options_.max_slots > 0) SweepDeadSlots();
}

SlotPool::~SlotPool() { Shutdown(); }

// Slots of a fork server that was killed (SIGKILL leaves no time to remove them): their
// processes died with it (parent-death signals); their cgroups are removed here.
void SlotPool::SweepDeadSlots() {
  for (const char* controller : {"memory", "pids", "cpuacct"}) {
    const std::string base =
        std::string(linux::kCgroupRoot) + "/" + controller + "/" + linux::kCgroupGroupName;
    DIR* dir = ::opendir(base.c_str());
    while (dirent* e = dir ? ::readdir(dir) : nullptr) {
      int owner = 0;
      if (std::sscanf(e->d_name, "slot-%d-", &owner) != 1 || owner <= 0) continue;
      if (::kill(owner, 0) == 0 || errno == EPERM) continue;
      const std::string path = base + "/" + e->d_name;
      std::string procs;
      if (linux::ReadFileString(path + "/cgroup.procs", &procs)) {
        std::istringstream in(procs);
        pid_t pid;
        while (in >> pid) ::kill(pid, SIGKILL);
      }
      ::rmdir(path.c_str());
    }
    if (dir) ::closedir(dir);
  }
}

bool SlotPool::Accepts(const KeeperRequest& h, std::string* shape_out) {
  const LayerPlan& l = h.layers;
  if (!(options_.max_slots > 0 && l.user_ns && l.pid_ns && l.mount_ns && l.net_ns && l.ipc_ns &&
        l.uts_ns && l.cgroup_version != CgroupVersion::kV2 && h.policy.workdir.size() > 1 &&
        h.policy.workdir[0] == '/'))
    return false;
  const std::string& shape = *shape_out = ShapeOf(h);
  if (broken_shapes_.count(shape)) return false;
  if (h.policy.binds.empty()) return true;
  // A root with binds may be one run's own (a compiled program's binary in a folder of its
  // own): a slot for it would serve a handful of runs and evict slots that serve thousands.
  // Such a shape gets slots only once it has come back often enough.
  if (shape_requests_.size() > 4096) shape_requests_.clear();
  return ++shape_requests_[shape] > kColdRunsBeforeWarm;
}

std::string SlotPool::ShapeOf(const KeeperRequest& h) const {
  std::string shape = h.policy.workdir + '\n' + h.policy.hostname + '\n' +
                      std::to_string(h.sandbox_uid) + ':' + std::to_string(h.host_uid_base) +
                      ':' + CgroupVersionName(h.layers.cgroup_version) + ':' + (h.layers.seccomp ? "s" : "-") + '\n';
  for (const std::string& p : h.policy.readonly_paths) shape += p + '\n';
  shape += '\n';
  for (const Bind& b : h.policy.binds)
    shape += b.source + '\t' + b.target + '\t' + (b.writable ? "w" : "r") + '\n';
  return shape;
}

int SlotPool::LiveSlots() const {
  int n = 0;
  for (const auto& s : slots_) n += s->state != State::kDead;
  return n;
}

int SlotPool::CountShape(const std::string& shape, State state) const {
  int n = 0;
  for (const auto& s : slots_) n += s->shape == shape && s->state == state;
  return n;
}

void SlotPool::FailRun(std::unique_ptr<SlotRun> run, const std::string& error) {
  for (size_t i = 0; i < run->fds.size(); ++i)
    if (i != kReply) ::close(run->fds[i]);
  KeeperReply reply;
  reply.error = error;
  ReplyAndClose(run->fds[kReply], reply);
}

void SlotPool::Submit(std::unique_ptr<SlotRun> run) {
  run->queued_at = keeper::MonotonicNow();
  queue_.push_back(std::move(run));
  DispatchQueued();
}

void SlotPool::DispatchQueued() {
  // Re-entered from a build that failed, or a slot destroyed, while the queue is walked.
  if (dispatching_) {
    dispatch_again_ = true;
    return;
  }
  dispatching_ = true;
  do {
    dispatch_again_ = false;
    DispatchQueuedOnce();
  } while (dispatch_again_);
  dispatching_ = false;
}

void SlotPool::DispatchQueuedOnce() {
  for (auto it = queue_.begin(); it != queue_.end();) {
    const std::string& shape = (*it)->shape;
    if (broken_shapes_.count(shape)) {
      std::unique_ptr<SlotRun> run = std::move(*it);
      it = queue_.erase(it);
      options_.fallback(std::move(run));
      continue;
    }
    Slot* ready = nullptr;
    for (auto& s : slots_)
      if (s->shape == shape && s->state == State::kReady) ready = s.get();
    if (ready != nullptr) {
      std::unique_ptr<SlotRun> run = std::move(*it);
      it = queue_.erase(it);
      Dispatch(*ready, std::move(run));
      continue;
    }
    // None ready: build one unless enough are on their way for the runs already waiting.
    int waiting = 0;
    for (auto jt = queue_.begin(); jt != std::next(it); ++jt) waiting += (*jt)->shape == shape;
    if (CountShape(shape, State::kBuilding) < waiting) {
      if (static_cast<int>(slots_.size()) >= options_.max_slots) {
        // Make room: an idle slot of another shape goes.
        for (auto& s : slots_)
          if (s->state == State::kReady && s->shape != shape) {
            Destroy(*s, "evicted for another root shape");
            break;
          }
      }
      if (LiveSlots() < options_.max_slots) Build(**it);
    }
    ++it;
  }
}

void SlotPool::Build(const SlotRun& first) {
  const KeeperRequest& like = first.header;
  auto slot = std::make_unique<Slot>();
  slot->id = next_id_++;
  slot->shape = first.shape;
  std::string error;
  SlotSetup setup;
  setup.shape.readonly_paths = like.policy.readonly_paths;
  setup.shape.binds = like.policy.binds;
  setup.shape.workdir = like.policy.workdir;
  setup.shape.hostname = like.policy.hostname;
  setup.sandbox_uid = like.sandbox_uid;
  setup.seccomp = like.layers.seccomp;
  setup.seccomp_program = options_.seccomp;
  setup.in_process = options_.in_process;
  setup.argv0 = options_.argv0;
  auto fail = [&](const std::string& message) {
    for (int fd : setup.cgroup_join) ::close(fd);
    if (slot->cgroup) slot->cgroup->Remove();
    MarkBroken(slot->shape, message);
  };
  if (like.layers.cgroup_version != CgroupVersion::kNone) {
    slot->cgroup = linux::CreateCgroup(like.layers.cgroup_version, like.layers.cgroup_v2_parent,
                                       "slot-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(slot->id),
                                       like.policy.limits, &error);
    if (!slot->cgroup) return fail("cgroup: " + error);
    if (!slot->cgroup->OpenJoinFiles(&setup.cgroup_join, &error)) return fail("cgroup: " + error);
    std::string why;
    slot->cgroup->ResetForReuse(0, &why);  // the event counters' baselines
  }
  ::mkdir("/run/proctor", 0755);
  if (::mkdir(linux::kNewRootMountPoint, 0755) != 0 && errno != EEXIST)
    return fail(std::string("mkdir ") + linux::kNewRootMountPoint + ": " + std::strerror(errno));
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
    return fail(std::string("socketpair: ") + std::strerror(errno));
  pid_t pid = static_cast<pid_t>(::syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET |
                                                          CLONE_NEWUTS | SIGCHLD,
                                           nullptr, nullptr, nullptr, nullptr));
  if (pid == 0) {
    setup.socket = pair[1];
    SlotHolderMain(setup);
  }
  ::close(pair[1]);
  for (int fd : setup.cgroup_join) ::close(fd);
  setup.cgroup_join.clear();
  if (pid < 0) {
    ::close(pair[0]);
    return fail(std::string("clone slot holder: ") + std::strerror(errno));
  }
  slot->holder = pid;
  slot->socket = pair[0];
  if (!linux::WriteIdMaps(pid, like.host_uid_base, &error) ||
      SendMessage(slot->socket, "G", {}) != 0) {
    Destroy(*slot, "id map: " + error);
    slots_.push_back(std::move(slot));
    return MarkBroken(first.shape, "user namespace id map: " + error);
  }
  slots_.push_back(std::move(slot));
}

void SlotPool::MarkBroken(const std::string& shape, const std::string& why) {
  // Runs of this shape take the path that builds every layer per run; that path reports the
  // same failure, with its stage, if it is the host's and not the slot's.
  broken_shapes_[shape] = why;
  DispatchQueued();
}

void SlotPool::Dispatch(Slot& slot, std::unique_ptr<SlotRun> run) {
  std::string error;
  Limits limits = run->header.policy.limits;
  limits.max_processes += 1;  // the holder, which lives in the slot's cgroup
  if (slot.cgroup && !slot.cgroup->SetLimits(limits, &error)) {
    FailRun(std::move(run), "cgroup: " + error);
    Destroy(slot, "cgroup limits");
    return;
  }
  std::vector<int> sent = {run->fds[kRequestMemfd], run->fds[kStdin], run->fds[kStdout],
                           run->fds[kStderr]};
  sent.insert(sent.end(), run->fds.begin() + kFixedFdCount, run->fds.end());
  std::string message = "S" + EncodeRequest(run->header);
  const int rc = SendMessage(slot.socket, message, sent);
  std::fill(message.begin(), message.end(), '\0');
  for (int fd : sent) ::close(fd);  // the holder has its own copies now
  slot.reply_fd = run->fds[kReply];
  run->fds.clear();
  slot.reply = KeeperReply();
  slot.reply.warm_slot = slot.id;
  slot.reply.warm_slot_run = ++slot.runs;
  slot.start = keeper::MonotonicNow();
  slot.kill_pending = false;
  slot.init = -1;
  slot.run = std::move(run);
  slot.state = State::kRunning;
  if (rc != 0) {
    Destroy(slot, std::string("send to slot: ") + std::strerror(rc));
    return;
  }
  // A spare for the next run of this shape, built while this one runs.
  if (CountShape(slot.shape, State::kReady) + CountShape(slot.shape, State::kBuilding) == 0 &&
      LiveSlots() < options_.max_slots)
    Build(*slot.run);
}

void SlotPool::FinishRun(Slot& slot, const keeper::InitReport* report, int init_status) {
  if (slot.reply_fd < 0) return;
  std::optional<linux::CgroupUsage> usage;
  if (slot.cgroup) usage = slot.cgroup->Usage();
  const std::string program =
      slot.run && !slot.run->header.argv.empty() ? slot.run->header.argv[0] : "";
  keeper::FinishReply(report, init_status, slot.start, keeper::MonotonicNow(), usage, program,
                      &slot.reply);
  ReplyAndClose(slot.reply_fd, slot.reply);
  slot.reply_fd = -1;
  slot.run.reset();
}

void SlotPool::OnMessage(Slot& slot, const std::string& message) {
  const char tag = message.empty() ? '\0' : message[0];
  if (tag == 'R' && slot.state == State::kBuilding) {
    slot.mounts = CountLines("/proc/" + std::to_string(slot.holder) + "/mountinfo");
    if (slot.cgroup) slot.cgroup->NoteResidentReady();
    slot.state = State::kReady;
    DispatchQueued();
  } else if (tag == 'E' && slot.state == State::kBuilding) {
    const std::string why = "warm slot: " + message.substr(1);
    const std::string shape = slot.shape;
    Destroy(slot, why);
    MarkBroken(shape, why);
  } else if (tag == 'P' && message.size() == sizeof(InitStarted) &&
             slot.state == State::kRunning) {
    InitStarted started;
    std::memcpy(&started, message.data(), sizeof started);
    slot.init = started.pid;
  } else if (tag == 'D' && message.size() == sizeof(InitDone) && slot.state == State::kRunning) {
    InitDone done;
    std::memcpy(&done, message.data(), sizeof done);
    FinishRun(slot, &done.report, 0);
    slot.init = -1;  // it is ending: its pid may be reused once the holder has reaped it
    slot.state = State::kEnding;
  } else if (tag == 'C' && message.size() == sizeof(SlotEnd) &&
             (slot.state == State::kRunning || slot.state == State::kEnding)) {
    SlotEnd end;
    std::memcpy(&end, message.data(), sizeof end);
    if (slot.state == State::kRunning) FinishRun(slot, nullptr, end.init_status);
    slot.init = -1;
    slot.loopback_down = end.loopback_down != 0;
    slot.state = State::kVerifying;
    slot.verify_deadline = keeper::MonotonicNow() + kVerifySeconds;
    std::string problem;
    if (Verify(slot, &problem)) {
      slot.state = State::kReady;
      DispatchQueued();
    }
  } else {
    Destroy(slot, "unexpected message from the slot holder");
  }
}

bool SlotPool::Verify(Slot& slot, std::string* problem) {
  if (options_.fail_verification) {
    *problem = "verification failed (injected by the test option)";
    slot.verify_deadline = 0;  // no retry
    return false;
  }
  if (!slot.loopback_down) {
    *problem = "the slot's loopback is up";
    slot.verify_deadline = 0;
    return false;
  }
  const std::string proc = "/proc/" + std::to_string(slot.holder);
  if (CountLines(proc + "/mountinfo") != slot.mounts) {
    *problem = "the slot's mount table changed";
    slot.verify_deadline = 0;
    return false;
  }
  *problem = SocketLeft(slot.holder);
  if (!problem->empty()) return false;
  return !slot.cgroup || slot.cgroup->ResetForReuse(slot.holder, problem);
}

// Rare events worth an operator's eye (a slot that could not be verified clean), at most one
// line a second, never blocking: the supervisor's stderr may be a pipe nobody drains.
void SlotPool::Log(const std::string& line) {
  const double now = keeper::MonotonicNow();
  if (now - last_log_ < 1.0) {
    ++unlogged_;
    return;
  }
  if (log_fd_ < 0) log_fd_ = ::open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  std::string text = "proctor-zygote: " + line;
  if (unlogged_ > 0) text += " (and " + std::to_string(unlogged_) + " more since the last line)";
  text += "\n";
  if (log_fd_ >= 0) {
    ssize_t ignored = ::write(log_fd_, text.data(), text.size());
    (void)ignored;
  }
  last_log_ = now;
  unlogged_ = 0;
}

void SlotPool::Destroy(Slot& slot, const std::string& why, bool verification_failed) {
  if (slot.state == State::kDead) return;
  ++discarded_;
  last_discard_ = why;
  if (verification_failed) Log("warm slot " + std::to_string(slot.id) + " (" +
                                std::to_string(slot.runs) + " runs) discarded: " + why);
  if (slot.reply_fd >= 0) {
    slot.reply.error = "warm slot lost: " + why;
    ReplyAndClose(slot.reply_fd, slot.reply);
    slot.reply_fd = -1;
  }
  slot.run.reset();
  if (slot.holder > 0) ::kill(slot.holder, SIGKILL);  // its init dies with it (parent death)
  if (slot.socket >= 0) ::close(slot.socket);
  slot.socket = -1;
  if (slot.cgroup) {
    slot.cgroup->SignalAll();
    dying_cgroups_.push_back(std::move(slot.cgroup));
  }
  slot.state = State::kDead;
}

void SlotPool::KillRun(Slot& slot, KillCause cause) {
  if (slot.reply.kill_cause == KillCause::kNone) {
    slot.reply.kill_cause = cause;
    slot.reply.kill_at = keeper::MonotonicNow() - slot.start;
  }
  // init is pid 1 of the run: killing it ends every process of the run.
  if (slot.cgroup) {
    // The holder lives in the slot's cgroup too (so that runs start there without moving).
    slot.kill_pending = slot.cgroup->SignalAll(slot.holder) == 0;  // not started yet: retry
  } else {
    slot.kill_pending = slot.init <= 0 || ::kill(slot.init, SIGKILL) != 0;
  }
}

void SlotPool::Kill(const std::string& run_id) {
  for (auto& s : slots_)
    if (s->state == State::kRunning && s->run && s->run->header.run_id == run_id)
      KillRun(*s, KillCause::kRequest);
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if ((*it)->header.run_id != run_id) continue;
    std::unique_ptr<SlotRun> run = std::move(*it);
    queue_.erase(it);
    for (size_t i = 0; i < run->fds.size(); ++i)
      if (i != kReply) ::close(run->fds[i]);
    KeeperReply reply;
    reply.kill_cause = KillCause::kRequest;
    ReplyAndClose(run->fds[kReply], reply);
    return;
  }
}

void SlotPool::Tick(double now) {
  for (auto& s : slots_) {
    Slot& slot = *s;
    if (slot.state == State::kRunning && slot.run) {
      const Limits& limits = slot.run->header.policy.limits;
      if (now - slot.start >= limits.wall_seconds) KillRun(slot, KillCause::kWall);
      else if (slot.cgroup && slot.cgroup->CpuSeconds() >= limits.cpu_seconds) KillRun(slot, KillCause::kCpu);
      else if (slot.kill_pending) KillRun(slot, slot.reply.kill_cause);
    } else if (slot.state == State::kVerifying) {
      std::string problem;
      if (Verify(slot, &problem)) {
        slot.state = State::kReady;
      } else if (now >= slot.verify_deadline) {
        Destroy(slot, problem, /*verification_failed=*/!options_.fail_verification);
      }
    }
  }
  for (auto it = dying_cgroups_.begin(); it != dying_cgroups_.end();) {
    if ((*it)->SignalAll() == 0) {
      (*it)->Remove();
      it = dying_cgroups_.erase(it);
    } else {
      ++it;
    }
  }
  DispatchQueued();
  // A run that found no slot for kQueueWaitSeconds takes the path that builds every layer for
  // it: a unit test's harness holding the last slot must never wait for its own solution.
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (now - (*it)->queued_at < kQueueWaitSeconds) {
      ++it;
      continue;
    }
    std::unique_ptr<SlotRun> run = std::move(*it);
    it = queue_.erase(it);
    ++cold_fallbacks_;
    options_.fallback(std::move(run));
  }
}

void SlotPool::AddPollFds(std::vector<pollfd>* fds) const {
  for (const auto& s : slots_)
    if (s->socket >= 0) fds->push_back({s->socket, POLLIN, 0});
}

void SlotPool::Handle(const std::vector<pollfd>& fds) {
  for (const pollfd& p : fds) {
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    Slot* slot = nullptr;
    for (auto& s : slots_)
      if (s->socket == p.fd) slot = s.get();
    if (slot == nullptr) continue;
    for (;;) {
      std::string message;
      std::vector<int> received;
      int rc = ReceiveMessage(slot->socket, &message, &received);
      for (int fd : received) ::close(fd);
      if (rc == -1) {
        Destroy(*slot, "the slot holder ended");
        break;
      }
      if (rc != 0) break;
      OnMessage(*slot, message);
      if (slot->socket < 0) break;
      pollfd more = {slot->socket, POLLIN, 0};
      if (::poll(&more, 1, 0) != 1) break;
    }
  }
}

bool SlotPool::OnChildExit(pid_t pid, int) {
  for (auto it = slots_.begin(); it != slots_.end(); ++it) {
    if ((*it)->holder != pid) continue;
    (*it)->holder = -1;
    Destroy(**it, "the slot holder ended");
    slots_.erase(it);
    DispatchQueued();
    return true;
  }
  return false;
}

bool SlotPool::idle() const {
  if (!queue_.empty() || !dying_cgroups_.empty()) return false;
  for (const auto& s : slots_)
    if (s->state == State::kRunning || s->state == State::kEnding ||
        s->state == State::kVerifying)
      return false;
  return true;
}

void SlotPool::Shutdown() {
  while (!queue_.empty()) {
    std::unique_ptr<SlotRun> run = std::move(queue_.front());
    queue_.pop_front();
    FailRun(std::move(run), kStopping);
  }
  // Every holder and run is killed first, then all are waited for together: one by one, a
  // loaded machine could take longer than the supervisor waits before it SIGKILLs this
  // process, which would leave the cgroups for the next fork server's sweep.
  std::vector<pid_t> holders;
  for (auto& s : slots_) {
    if (s->holder > 0) holders.push_back(s->holder);
    Destroy(*s, kStopping);
  }
  for (pid_t holder : holders) ::waitpid(holder, nullptr, __WALL);
  slots_.clear();
  for (auto& cgroup : dying_cgroups_) cgroup->SignalAll();
  for (auto& cgroup : dying_cgroups_) {
    cgroup->KillAll();
    cgroup->Remove();
  }
  dying_cgroups_.clear();
}

}  // namespace proctor::sandbox::zygote
