// cgroup v1: one directory per controller (memory, pids, cpuacct) under .../proctor/<run>.
#include <fcntl.h>
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
    memory_bytes_ = limits.memory_bytes;
    max_processes_ = limits.max_processes;
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
    if (ReadFileString(Dir("memory") + "/memory.max_usage_in_bytes", &text)) {
      const uint64_t peak = std::strtoull(text.c_str(), nullptr, 10);
      u.peak_memory_bytes = peak > baseline_bytes_ ? peak - baseline_bytes_ : 0;
    }
    u.oom_killed =
        ReadKeyedValue(Dir("memory") + "/memory.oom_control", "oom_kill") > oom_kill_base_;
    u.pids_limit_hit = ReadKeyedValue(Dir("pids") + "/pids.events", "max") > pids_max_base_;
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

  int SignalAll(pid_t resident) override {
    std::string procs;
    if (!ReadFileString(Dir("pids") + "/cgroup.procs", &procs)) return 0;
    std::istringstream in(procs);
    pid_t pid;
    int count = 0;
    while (in >> pid) {
      if (pid == resident) continue;
      ::kill(pid, SIGKILL);
      ++count;
    }
    return count;
  }

  bool SetLimits(const Limits& limits, std::string* error) override {
    const std::string mem = Dir("memory");
    const uint64_t target = limits.memory_bytes + baseline_bytes_;
    if (target != memory_bytes_) {
      const std::string bytes = std::to_string(target);
      std::string ignored;
      // memsw may never be below the memory limit: raise it first, lower it last.
      if (target > memory_bytes_)
        WriteFileString(mem + "/memory.memsw.limit_in_bytes", bytes, &ignored);
      if (!WriteFileString(mem + "/memory.limit_in_bytes", bytes, error)) return false;
      WriteFileString(mem + "/memory.memsw.limit_in_bytes", bytes, &ignored);
      memory_bytes_ = target;
    }
    if (limits.max_processes != max_processes_) {
      if (!WriteFileString(Dir("pids") + "/pids.max", std::to_string(limits.max_processes),
                           error))
        return false;
      max_processes_ = limits.max_processes;
    }
    return true;
  }

  bool ResetForReuse(pid_t resident, std::string* why) override {
    for (const char* c : kControllers) {
      std::string procs;
      if (!ReadFileString(Dir(c) + "/cgroup.procs", &procs)) {
        *why = std::string("cannot read the ") + c + " cgroup's processes";
        return false;
      }
      std::istringstream in(procs);
      pid_t pid;
      while (in >> pid) {
        if (pid == resident) continue;
        *why = std::string("a process is left in the ") + c + " cgroup";
        return false;
      }
    }
    const std::string mem = Dir("memory");
    std::string ignored;
    // What the run left charged: beyond what the holder had when it was ready (its root's
    // files, its own pages; memory.stat is updated lazily, so only the exact usage counter is
    // compared). Kernel objects the kernel frees later (RCU) or keeps as reclaimable caches,
    // and page cache of host files the run read, may stay up to kKernelSlack; more is
    // reclaimed, and a slot still above it is not reused. The run's tmpfs, /dev/shm and SysV
    // memory are gone with its mount and ipc namespaces. The next run's limit is raised by
    // exactly what is charged when it starts, and its peak counted from there: it gets its
    // whole limit.
    auto left = [&] {
      const uint64_t usage = UsageBytes();
      return usage > resident_bytes_ ? usage - resident_bytes_ : 0;
    };
    if (left() > kKernelSlack) WriteFileString(mem + "/memory.force_empty", "0", &ignored);
    if (const uint64_t still = left(); still > kKernelSlack) {
      *why = std::to_string(still) + " bytes still charged to the memory cgroup beyond the " +
             "holder's own";
      return false;
    }
    baseline_bytes_ = UsageBytes();
    bool ok = WriteFileString(mem + "/memory.max_usage_in_bytes", "0", why) &&
              WriteFileString(mem + "/memory.failcnt", "0", why) &&
              WriteFileString(Dir("cpuacct") + "/cpuacct.usage", "0", why);
    WriteFileString(mem + "/memory.memsw.max_usage_in_bytes", "0", &ignored);
    oom_kill_base_ = ReadKeyedValue(mem + "/memory.oom_control", "oom_kill");
    pids_max_base_ = ReadKeyedValue(Dir("pids") + "/pids.events", "max");
    return ok;
  }

  void NoteResidentReady() override { resident_bytes_ = UsageBytes(); }

  bool OpenJoinFiles(std::vector<int>* fds, std::string* error) override {
    for (const char* c : kControllers) {
      const std::string path = Dir(c) + "/cgroup.procs";
      int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) {
        *error = "open " + path + ": " + std::strerror(errno);
        for (int f : *fds) ::close(f);
        fds->clear();
        return false;
      }
      fds->push_back(fd);
    }
    return true;
  }

  void Remove() override {
    for (const std::string& dir : created_) {
      for (int i = 0; i < 100 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    created_.clear();
  }

 private:
  uint64_t UsageBytes() {
    std::string text;
    if (!ReadFileString(Dir("memory") + "/memory.usage_in_bytes", &text)) return 0;
    return std::strtoull(text.c_str(), nullptr, 10);
  }

  static constexpr const char* kControllers[] = {"memory", "pids", "cpuacct"};
  std::string run_id_;
  static constexpr uint64_t kKernelSlack = 1 << 20;
  uint64_t baseline_bytes_ = 0;  // charged when the run started (the holder's own, mostly)
  uint64_t resident_bytes_ = 0;  // the holder's own when it was ready (root files, pages)
  uint64_t memory_bytes_ = 0;   // the limits last written (SetLimits skips equal ones)
  int max_processes_ = 0;
  uint64_t oom_kill_base_ = 0;  // event counters cannot be reset: a run's are the difference
  uint64_t pids_max_base_ = 0;
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
