// cgroup v1: one directory per controller (memory, pids, cpuacct) under .../proctor/<run>.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>
#include <vector>

#include "sandbox/linux/cgroup.h"

namespace proctor::sandbox::linux {
namespace {

class CgroupV1 : public Cgroup {
 public:
  explicit CgroupV1(std::string run_id) : run_id_(std::move(run_id)) {}
  ~CgroupV1() override = default;

  std::string Dir(const char* controller) const {
    return std::string(kCgroupRoot) + "/" + controller + "/" + kCgroupGroupName + "/" + run_id_;
  }

  bool Create(const Limits& limits, std::string* error) {
    for (const char* c : kControllers) {
      std::string parent = std::string(kCgroupRoot) + "/" + c + "/" + kCgroupGroupName;
      if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
        *error = "mkdir " + parent + ": " + std::strerror(errno);
        return false;
      }
      std::string dir = Dir(c);
      if (::mkdir(dir.c_str(), 0755) != 0) {
        *error = "mkdir " + dir + ": " + std::strerror(errno);
        return false;
      }
      created_.push_back(dir);
    }
    const std::string mem = Dir("memory");
    const std::string bytes = std::to_string(limits.memory_bytes);
    // IMPORTANT: memsw equal to the memory limit means no swap at all for the run.
    if (!WriteFileString(mem + "/memory.limit_in_bytes", bytes, error)) return false;
    std::string ignored;
    WriteFileString(mem + "/memory.memsw.limit_in_bytes", bytes, &ignored);  // absent w/o swap
    WriteFileString(mem + "/memory.swappiness", "0", &ignored);
    if (!WriteFileString(Dir("pids") + "/pids.max", std::to_string(limits.max_processes), error))
      return false;
    return true;
  }

  bool AddProcess(pid_t pid, std::string* error) override {
    for (const char* c : kControllers)
      if (!WriteFileString(Dir(c) + "/cgroup.procs", std::to_string(pid), error)) return false;
    return true;
  }

  double CpuSeconds() override {
    std::string text;
    if (!ReadFileString(Dir("cpuacct") + "/cpuacct.usage", &text)) return 0;
    return std::strtoull(text.c_str(), nullptr, 10) / 1e9;
  }

  CgroupUsage Usage() override {
    CgroupUsage u;
    u.cpu_seconds = CpuSeconds();
    std::string text;
    if (ReadFileString(Dir("memory") + "/memory.max_usage_in_bytes", &text))
      u.peak_memory_bytes = std::strtoull(text.c_str(), nullptr, 10);
    u.oom_killed = ReadKeyedValue(Dir("memory") + "/memory.oom_control", "oom_kill") > 0;
    u.pids_limit_hit = ReadKeyedValue(Dir("pids") + "/pids.events", "max") > 0;
    return u;
  }

  bool KillAll() override {
    // The pid namespace normally dies with its init; this sweeps anything left over.
    for (int round = 0; round < 200; ++round) {
      std::string procs;
      if (!ReadFileString(Dir("pids") + "/cgroup.procs", &procs)) return true;
      std::istringstream in(procs);
      pid_t pid;
      bool any = false;
      while (in >> pid) {
        any = true;
        ::kill(pid, SIGKILL);
      }
      if (!any) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  void Remove() override {
    for (const std::string& dir : created_) {
      for (int i = 0; i < 100 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    created_.clear();
  }

 private:
  static constexpr const char* kControllers[] = {"memory", "pids", "cpuacct"};
  std::string run_id_;
  std::vector<std::string> created_;
};

}  // namespace

std::unique_ptr<Cgroup> CreateCgroupV1(const std::string& run_id, const Limits& limits,
                                       std::string* error) {
  auto cg = std::make_unique<CgroupV1>(run_id);
  if (!cg->Create(limits, error)) {
    cg->Remove();
    return nullptr;
  }
  return cg;
}

}  // namespace proctor::sandbox::linux
