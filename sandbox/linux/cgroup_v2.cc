// cgroup v2: one directory under a delegated parent with memory and pids enabled.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "sandbox/linux/cgroup.h"

namespace proctor::sandbox::linux {
namespace {

class CgroupV2 : public Cgroup {
 public:
  explicit CgroupV2(std::string dir) : dir_(std::move(dir)) {}

  bool Create(const Limits& limits, std::string* error) {
    if (::mkdir(dir_.c_str(), 0755) != 0) {
      *error = "mkdir " + dir_ + ": " + std::strerror(errno);
      return false;
    }
    created_ = true;
    const std::string bytes = std::to_string(limits.memory_bytes);
    if (!WriteFileString(dir_ + "/memory.max", bytes, error)) return false;
    std::string ignored;
    // IMPORTANT: no swap for the run.
    WriteFileString(dir_ + "/memory.swap.max", "0", &ignored);
    if (!WriteFileString(dir_ + "/pids.max", std::to_string(limits.max_processes), error))
      return false;
    return true;
  }

  bool AddProcess(pid_t pid, std::string* error) override {
    return WriteFileString(dir_ + "/cgroup.procs", std::to_string(pid), error);
  }

  double CpuSeconds() override {
    return ReadKeyedValue(dir_ + "/cpu.stat", "usage_usec") / 1e6;
  }

  CgroupUsage Usage() override {
    CgroupUsage u;
    u.cpu_seconds = CpuSeconds();
    std::string text;
    if (ReadFileString(dir_ + "/memory.peak", &text))
      u.peak_memory_bytes = std::strtoull(text.c_str(), nullptr, 10);
    u.oom_killed = ReadKeyedValue(dir_ + "/memory.events", "oom_kill") > 0;
    u.pids_limit_hit = ReadKeyedValue(dir_ + "/pids.events", "max") > 0;
    return u;
  }

  bool KillAll() override {
    std::string ignored;
    WriteFileString(dir_ + "/cgroup.kill", "1", &ignored);
    for (int round = 0; round < 200; ++round) {
      std::string procs;
      if (!ReadFileString(dir_ + "/cgroup.procs", &procs)) return true;
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
    if (!created_) return;
    for (int i = 0; i < 100 && ::rmdir(dir_.c_str()) != 0 && errno == EBUSY; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    created_ = false;
  }

 private:
  std::string dir_;
  bool created_ = false;
};

}  // namespace

std::unique_ptr<Cgroup> CreateCgroupV2(const std::string& parent, const std::string& run_id,
                                       const Limits& limits, std::string* error) {
  auto cg = std::make_unique<CgroupV2>(parent + "/" + run_id);
  if (!cg->Create(limits, error)) {
    cg->Remove();
    return nullptr;
  }
  return cg;
}

std::unique_ptr<Cgroup> CreateCgroupV1(const std::string& run_id, const Limits& limits,
                                       std::string* error);

std::unique_ptr<Cgroup> CreateCgroup(CgroupVersion version, const std::string& v2_parent,
                                     const std::string& run_id, const Limits& limits,
                                     std::string* error) {
  if (version == CgroupVersion::kV1) return CreateCgroupV1(run_id, limits, error);
  if (version == CgroupVersion::kV2) return CreateCgroupV2(v2_parent, run_id, limits, error);
  *error = "no cgroup version";
  return nullptr;
}

}  // namespace proctor::sandbox::linux
