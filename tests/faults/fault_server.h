// What the fault tests share: a real `proctor serve` (build/proctor) that a test can wrap
// (unshare, an LD_PRELOAD), give its own environment, kill with SIGKILL and restart; the
// processes, cgroups and files of *that* server only (other servers may run on the machine);
// and bounded waits for conditions.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/harness/test_server.h"
#include "tests/support/host_check.h"

namespace proctor::testing::faults {

using nlohmann::json;

// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
inline bool WaitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// A fresh directory under /tmp, removed with everything in it at the end. Traversable by
// all (0711), as a TMPDIR must be: a run's init reads the compiled binary there as an
// unprivileged host uid.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/proctor-fault-XXXXXX";
    path_ = ::mkdtemp(pattern) ? pattern : "";
    if (!path_.empty()) ::chmod(path_.c_str(), 0711);
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct ProcInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  std::string comm;
};

inline std::vector<ProcInfo> AllProcesses() {
  std::vector<ProcInfo> out;
  DIR* d = ::opendir("/proc");
  while (dirent* e = d ? ::readdir(d) : nullptr) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    const std::string stat = ReadFileOrEmpty("/proc/" + std::string(e->d_name) + "/stat");
    const size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    ProcInfo p;
    p.pid = pid;
    p.comm = stat.substr(open + 1, close - open - 1);
    p.ppid = static_cast<pid_t>(std::atoi(stat.c_str() + close + 4));  // ") S ppid"
    out.push_back(p);
  }
  if (d) ::closedir(d);
  return out;
}

// Every live descendant of `root` (not root itself).
inline std::vector<ProcInfo> Descendants(pid_t root) {
  const std::vector<ProcInfo> all = AllProcesses();
  std::set<pid_t> tree = {root};
  std::vector<ProcInfo> out;
  for (bool grew = true; grew;) {
    grew = false;
    for (const ProcInfo& p : all)
      if (tree.count(p.ppid) && !tree.count(p.pid)) {
        tree.insert(p.pid);
        out.push_back(p);
        grew = true;
      }
  }
  return out;
}

inline std::vector<pid_t> ChildrenNamed(pid_t parent, const std::string& comm) {
  std::vector<pid_t> out;
  for (const ProcInfo& p : AllProcesses())
    if (p.ppid == parent && p.comm == comm) out.push_back(p.pid);
  return out;
}

inline bool Alive(pid_t pid) {
  // A zombie is dead for our purposes (its parent has not reaped it yet).
  const std::string stat = ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
}

// The cgroups (v1 memory, pids, cpuacct under Proctor's parent) of runs of the process
// `owner` (<owner>-<n>) and of warm slots of the given fork servers (slot-<zygote>-<n>).
inline std::vector<std::string> CgroupsOf(pid_t owner, const std::vector<pid_t>& zygotes) {
  std::vector<std::string> found;
  for (const char* controller : {"memory", "pids", "cpuacct"}) {
    const std::string base = std::string("/sys/fs/cgroup/") + controller + "/proctor";
    DIR* d = ::opendir(base.c_str());
    while (dirent* e = d ? ::readdir(d) : nullptr) {
      const std::string name = e->d_name;
      bool mine = name.rfind(std::to_string(owner) + "-", 0) == 0;
      for (pid_t z : zygotes) mine |= name.rfind("slot-" + std::to_string(z) + "-", 0) == 0;
      if (mine && e->d_type == DT_DIR) found.push_back(base + "/" + name);
    }
    if (d) ::closedir(d);
  }
  return found;
}

// The mount points of this (the host's) mount namespace.
inline std::set<std::string> MountPoints() {
  std::set<std::string> out;
  std::istringstream in(ReadFileOrEmpty("/proc/self/mountinfo"));
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    out.insert(point);
  }
  return out;
}

inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) out.push_back(e.path());
  return out;
}

struct ServerOptions {
  std::vector<std::string> flags;                  // after `proctor serve --port 0 ...`
  std::vector<std::string> packs = {kTasks + "/adversarial"};
  std::map<std::string, std::string> env;          // added to (or replacing in) ours
  std::vector<std::string> wrapper;                // e.g. {"unshare", "--mount", ...}: execs serve
  std::string stderr_path;                         // where its stderr goes (empty: /dev/null)
};

// `proctor serve` on free loopback ports; SIGTERM at the end unless killed.
class FaultServer {
 public:
  explicit FaultServer(ServerOptions options) : options_(std::move(options)) { Start(); }
  ~FaultServer() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Starts it (again, after Kill); false when no `listening` line came within 120 s.
  bool Start() {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return false;
    std::vector<std::string> argv = options_.wrapper;
    argv.insert(argv.end(), {kProctor, "serve", "--port", "0", "--http-port", "0"});
    for (const std::string& p : options_.packs) argv.insert(argv.end(), {"--pack", p});
    argv.insert(argv.end(), options_.flags.begin(), options_.flags.end());
    const int err = options_.stderr_path.empty()
                        ? -1
                        : ::open(options_.stderr_path.c_str(),
                                 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    started_at_ = std::chrono::steady_clock::now();
    pid_ = ::fork();
    if (pid_ == 0) {
      for (const auto& [k, v] : options_.env) ::setenv(k.c_str(), v.c_str(), 1);
      int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(out[1], 1);
      ::dup2(err >= 0 ? err : null, 2);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    reaped_ = false;
    if (err >= 0) ::close(err);
    ::close(out[1]);
    std::string line;
    pollfd p{out[0], POLLIN, 0};
    char ch;
    while (::poll(&p, 1, 120000) == 1 && ::read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    ::close(out[0]);
    port_ = http_port_ = 0;
    std::sscanf(line.c_str(), "listening %d %d", &port_, &http_port_);
    ready_after_ = std::chrono::steady_clock::now() - started_at_;
    return port_ > 0;
  }
  void Kill() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    reaped_ = true;
  }
  // SIGTERM and wait: the exit code (128 + signal when signalled).
  int Stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // Waits for it to exit by itself (e.g. a refused start): its exit code, or -1 after 120 s.
  int WaitExit() {
    for (int i = 0; i < 12000; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  int http_port() const { return http_port_; }
  std::chrono::steady_clock::duration ready_after() const { return ready_after_; }
  // Its fork servers (normally one).
  std::vector<pid_t> Zygotes() const { return ChildrenNamed(pid_, "proctor-zygote"); }
  std::string Stderr() const { return ReadFileOrEmpty(options_.stderr_path); }

 private:
  ServerOptions options_;
  pid_t pid_ = -1;
  bool reaped_ = true;
  int port_ = 0, http_port_ = 0;
  std::chrono::steady_clock::time_point started_at_;
  std::chrono::steady_clock::duration ready_after_{};
};

// Sums of two integers on stdin (tasks/adversarial T2 in Python, T4 in C++), honest but slow
// enough that a batch of them is mid-flight for a while, and wrong ones.
inline std::string SlowSumPy(double seconds, int variant) {
  return "import sys, time\ntime.sleep(" + std::to_string(seconds) +
         ")\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n# variant " +
         std::to_string(variant) + "\n";
}
inline std::string SlowSumCpp(int micros, int variant) {
  return "#include <iostream>\n#include <unistd.h>\nint main() {\n  long long a, b;\n"
         "  std::cin >> a >> b;\n  usleep(" + std::to_string(micros) + ");\n"
         "  std::cout << a + b << \"\\n\";\n}\n// variant " + std::to_string(variant) + "\n";
}
inline const std::string kSumPy = "import sys\na, b = map(int, sys.stdin.read().split())\nprint(a + b)\n";
inline const std::string kSumCpp =
    "#include <iostream>\nint main() {\n  long long a, b;\n  std::cin >> a >> b;\n"
    "  std::cout << a + b << \"\\n\";\n}\n";
// Overflows on the large tests: reward 0, honestly.
inline const std::string kWrongSumCpp =
    "#include <iostream>\nint main() {\n  int a, b;\n  std::cin >> a >> b;\n"
    "  std::cout << a + b << \"\\n\";\n}\n";

inline json GradeParams(const std::string& task, const std::vector<std::string>& codes) {
  json subs = json::array();
  for (const std::string& c : codes) subs.push_back({{"code", c}});
  return {{"pack", "adversarial"}, {"task_id", task}, {"submissions", subs}};
}

// One grading's rewards (null for ungradeable), or an empty list when there was no result.
inline std::vector<json> Rewards(const json& response) {
  std::vector<json> out;
  if (!response.is_object() || !response.contains("result")) return out;
  for (const json& r : response["result"]["results"]) out.push_back(r["reward"]);
  return out;
}

// The rule every fault test checks: an infrastructure failure is "ungradeable" (reward null,
// `ungradeable` true, a reason), never a number, and in particular never 0.
inline std::string NeverAWrongReward(const json& response, double honest_reward) {
  if (!response.is_object() || !response.contains("result")) return "no result: " + response.dump();
  std::string problems;
  for (const json& r : response["result"]["results"]) {
    if (r["reward"].is_null()) {
      if (!r.value("ungradeable", false) || r.value("ungradeable_reason", "").empty())
        problems += "null reward without ungradeable and a reason; ";
    } else if (r["reward"].get<double>() != honest_reward) {
      problems += "reward " + r["reward"].dump() + " (expected " + std::to_string(honest_reward) +
                  " or ungradeable); ";
    }
  }
  return problems;
}

inline int CountUngradeable(const json& response) {
  int n = 0;
  for (const json& r : Rewards(response)) n += r.is_null() ? 1 : 0;
  return n;
}

inline bool AllEqual(const std::vector<json>& rewards, double value) {
  if (rewards.empty()) return false;
  for (const json& r : rewards)
    if (!r.is_number() || r.get<double>() != value) return false;
  return true;
}

}  // namespace proctor::testing::faults
