// The messages between the supervisor (Proctor, in the host's namespaces) and the keeper
// (proctor-keeper, one per run, which builds the sandbox and watches the program).
// Both are JSON on dedicated pipes: the request on the keeper's fd 3, the reply on its fd 4.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/cgroup_version.h"
#include "sandbox/policy.h"

namespace proctor::sandbox {

inline constexpr int kKeeperRequestFd = 3;
inline constexpr int kKeeperReplyFd = 4;
// Extra descriptors handed to the program start here (fd 3, 4, ... inside the sandbox).
inline constexpr int kKeeperPassFdBase = 5;

// Which isolation layers to use; the supervisor decides from detection and the minimum.
struct LayerPlan {
  bool user_ns = true, pid_ns = true, mount_ns = true, net_ns = true, ipc_ns = true,
       uts_ns = true;
  bool seccomp = true;
  CgroupVersion cgroup_version = CgroupVersion::kNone;  // kNone: rlimit fallbacks only
  std::string cgroup_v2_parent;  // v2: the delegated directory runs are created under
};

struct KeeperRequest {
  std::string run_id;                 // unique; names the run's cgroups
  std::vector<std::string> argv;      // argv[0] is an absolute path inside the sandbox
  Policy policy;
  LayerPlan layers;
  int pass_fds = 0;                   // how many extra fds follow kKeeperPassFdBase
  uint32_t sandbox_uid = 1000;        // uid/gid of the program inside
  uint32_t host_uid_base = 1000000;   // inside 0..65535 map to host base..base+65535
};

// Why the keeper (or zygote) killed a run; the first cause is the one reported. On the wire as
// "", "wall", "cpu", "request".
enum class KillCause { kNone, kWall, kCpu, kRequest };
const char* KillCauseName(KillCause cause);
// False for a name that is none of the above.
bool KillCauseFromName(const std::string& name, KillCause* cause);

// What the keeper saw. The supervisor turns it into a Result (see Classify()).
struct KeeperReply {
  bool started = false;               // the program was exec'd
  std::string error;                  // Proctor's own failure: "stage: reason"
  std::string exec_error;             // the program could not be exec'd (e.g. ENOENT)
  bool exited = false;
  int exit_code = -1;
  int term_signal = 0;
  KillCause kill_cause = KillCause::kNone;
  double kill_at = 0;                 // seconds since start of the keeper's kill
  double violation_at = -1;           // first SIGSYS death among the run's processes
  bool oom_killed = false;
  bool pids_limit_hit = false;
  bool disk_full = false;
  double wall_seconds = 0;
  double cpu_seconds = 0;
  uint64_t peak_memory_bytes = 0;
  int warm_slot = -1;                 // the warm slot that ran it (-1: built for this run)
  int warm_slot_run = 0;              // the run's number in that slot, from 1
};

std::string EncodeRequest(const KeeperRequest& request);
bool DecodeRequest(const std::string& text, KeeperRequest* request, std::string* error);
std::string EncodeReply(const KeeperReply& reply);
bool DecodeReply(const std::string& text, KeeperReply* reply, std::string* error);
// Writes the encoded reply whole to `fd` (a run's reply pipe; retried on EINTR). Does not
// close it.
void WriteReply(int fd, const KeeperReply& reply);

}  // namespace proctor::sandbox
