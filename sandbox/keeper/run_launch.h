// One run seen from outside its namespaces: its cgroup, its init (cloned into the run's new
// namespaces), its clocks, and the reply once init is gone. proctor-keeper drives one of
// these; proctor-zygote drives many at once from its preloaded interpreter.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/keeper/init_report.h"
#include "sandbox/keeper/run_init.h"
#include "sandbox/keeper_protocol.h"
#include "sandbox/linux/cgroup.h"
#include "sandbox/linux/seccomp_filter.h"

namespace proctor::sandbox::keeper {

double MonotonicNow();

// A read-only descriptor holding `data` (a memfd), so the program can neither block the
// writer nor modify it. -1 with `error` set on failure.
int MakeReadOnlyMemfd(const std::string& data, std::string* error);

// Descriptors of one run, owned by the caller until Start() returns (then closed there).
struct LaunchIo {
  int stdin_fd = -1;                 // read-only, becomes the program's 0
  int stdout_fd = -1;                // -1: the program inherits this process's 1 and 2
  int stderr_fd = -1;
  std::vector<int> pass_fds;         // become the program's 3, 4, ...
  std::vector<int> output_fds;       // host files receiving policy.outputs, in order
  int request_memfd = -1;            // the full request, decoded by init (see InitContext)
};

// Closes every descriptor above 2 but `keep`: a run's processes must not hold another run's
// pipes, or that run's reader would wait for this one to end before seeing EOF.
void CloseAllExcept(std::vector<int> keep);

// Completes `reply` (kill cause already set) from what init reported (null: it died without a
// report) and the cgroup's usage (empty: no cgroup).
void FinishReply(const InitReport* init_report, int init_status, double start, double end,
                 const std::optional<linux::CgroupUsage>& usage, const std::string& program,
                 KeeperReply* reply);

class RunLaunch {
 public:
  // `header` carries what the outside needs (id, limits, layers); init may read the full
  // request from io.request_memfd. Returns false with reply().error set on failure.
  bool Start(const KeeperRequest& header, LaunchIo io, const linux::SeccompProgram* seccomp,
             const InProcessProgram* in_process, char* argv0);
  pid_t init_pid() const { return init_; }
  // Enforces the wall and CPU limits; call often (the keeper polls every 10 ms).
  void CheckClocks(double now);
  // Kills the whole run now; the first cause is the one reported.
  void Kill(KillCause cause);
  // After init was reaped with `status`: reads init's report and the cgroup's usage, removes
  // the cgroup, and returns the reply.
  KeeperReply Finish(int init_status);
  const KeeperReply& reply() const { return reply_; }

 private:
  void Fail(const std::string& message);

  KeeperRequest header_;
  std::unique_ptr<linux::Cgroup> cgroup_;
  pid_t init_ = -1;
  int report_fd_ = -1;
  double start_ = 0;
  KeeperReply reply_;
};

}  // namespace proctor::sandbox::keeper
