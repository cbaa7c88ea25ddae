// The zygote's warm slots (docs/sandbox.md, "Warm slots"): holders built ahead, one run at a
// time each, verified clean after every run before the next one, destroyed otherwise.
//
// A slot is made for one root shape (readonly paths, binds, work dir, hostname, uid): runs
// with that shape use it. Building and verifying happen between runs; a run waits only when
// every slot of its shape is busy and no more may be built.
#pragma once

#include <poll.h>
#include <sys/types.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sandbox/keeper/init_report.h"
#include "sandbox/keeper/run_init.h"
#include "sandbox/keeper_protocol.h"
#include "sandbox/linux/cgroup.h"
#include "sandbox/linux/seccomp_filter.h"

namespace proctor::sandbox::zygote {

struct SlotPoolOptions {
  int max_slots = 0;                     // 0: no warm slots
  bool fail_verification = false;        // tests: every slot is discarded after its run
  const linux::SeccompProgram* seccomp = nullptr;
  const keeper::InProcessProgram* in_process = nullptr;
  char* argv0 = nullptr;
  // Runs of a shape whose slot cannot be built go here: the path that builds every layer per
  // run (it reports the same failure with its stage if the host, not the slot, is at fault).
  std::function<void(std::unique_ptr<struct SlotRun>)> fallback;
};

// A run handed to the pool: its header and descriptors in StartFds order (reply included).
struct SlotRun {
  KeeperRequest header;
  std::vector<int> fds;
  std::string shape;     // its root's shape (SlotPool::Accepts computed it)
  double queued_at = 0;  // CLOCK_MONOTONIC seconds
};

class SlotPool {
 public:
  explicit SlotPool(SlotPoolOptions options);
  ~SlotPool();

  // Can this run use a warm slot? (every namespace layer on, cgroup v1 or none)
  // (Counts the requests of each root shape with binds: see kColdRunsBeforeWarm.) Sets
  // `shape`, which the run carries into Submit.
  bool Accepts(const KeeperRequest& header, std::string* shape);
  // Starts the run in a ready slot of its shape, or queues it until one is.
  void Submit(std::unique_ptr<SlotRun> run);
  void Kill(const std::string& run_id);
  // Wall and CPU limits, pending kills, slots waiting to be verified or removed.
  void Tick(double now);
  // The slots' sockets, to poll; then Handle() with the results.
  void AddPollFds(std::vector<pollfd>* fds) const;
  void Handle(const std::vector<pollfd>& fds);
  // A child of the zygote ended: true when it was a slot's holder.
  bool OnChildExit(pid_t pid, int status);
  // Nothing running, queued, building or being verified.
  bool idle() const;
  // Kills every run and holder, waits for them and removes the cgroups.
  void Shutdown();

  int discarded() const { return discarded_; }
  const std::string& last_discard() const { return last_discard_; }

 private:
  enum class State { kBuilding, kReady, kRunning, kEnding, kVerifying, kDead };
  struct Slot {
    int id = 0;
    std::string shape;
    State state = State::kBuilding;
    pid_t holder = -1;
    int socket = -1;
    std::unique_ptr<linux::Cgroup> cgroup;
    int runs = 0;                       // runs started in it
    size_t mounts = 0;                  // lines of the holder's mountinfo when it was ready
    // The current run.
    std::unique_ptr<SlotRun> run;
    int reply_fd = -1;
    KeeperReply reply;
    double start = 0;
    bool replied = false;
    bool kill_pending = false;
    pid_t init = -1;                    // no cgroup: the run's init, announced by it
    bool loopback_down = true;
    double verify_deadline = 0;
    std::string verify_problem;
  };

  void SweepDeadSlots();
  std::string ShapeOf(const KeeperRequest& header) const;
  void Build(const SlotRun& first);  // a slot of the shape of `first`
  void Dispatch(Slot& slot, std::unique_ptr<SlotRun> run);
  void DispatchQueued();
  void DispatchQueuedOnce();
  void OnMessage(Slot& slot, const std::string& message);
  void FinishRun(Slot& slot, const keeper::InitReport* report, int init_status);
  bool Verify(Slot& slot, std::string* problem);
  void Destroy(Slot& slot, const std::string& why, bool verification_failed = false);
  void Log(const std::string& line);
  void KillRun(Slot& slot, KillCause cause);
  void FailRun(std::unique_ptr<SlotRun> run, const std::string& error);
  int CountShape(const std::string& shape, State state) const;
  int LiveSlots() const;
  void MarkBroken(const std::string& shape, const std::string& why);

  SlotPoolOptions options_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::deque<std::unique_ptr<SlotRun>> queue_;
  std::vector<std::unique_ptr<linux::Cgroup>> dying_cgroups_;  // removed once empty
  std::map<std::string, std::string> broken_shapes_;  // shape -> why its slot failed
  int next_id_ = 0;
  std::map<std::string, int> shape_requests_;
  int log_fd_ = -1;
  double last_log_ = -1e9;
  int unlogged_ = 0;
  int discarded_ = 0;
  int cold_fallbacks_ = 0;
  std::string last_discard_;
  bool dispatching_ = false, dispatch_again_ = false;
};

}  // namespace proctor::sandbox::zygote
