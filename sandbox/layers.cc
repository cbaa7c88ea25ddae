#include "sandbox/layers.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sandbox/linux/cgroup.h"

namespace proctor::sandbox {
namespace {

// Runs unshare(flags) in a throwaway child: the only reliable test inside containers.
bool CanUnshare(int flags, std::string* detail) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return false;
  pid_t pid = ::fork();
  if (pid == 0) {
    int err = ::unshare(flags) == 0 ? 0 : errno;
    ssize_t ignored = ::write(pipefd[1], &err, sizeof err);
    (void)ignored;
    ::_exit(0);
  }
  ::close(pipefd[1]);
  int err = -1;
  if (::read(pipefd[0], &err, sizeof err) != sizeof err) err = EIO;
  ::close(pipefd[0]);
  ::waitpid(pid, nullptr, 0);
  *detail = err == 0 ? "unshare works" : std::string("unshare: ") + std::strerror(err);
  return err == 0;
}

bool IsCgroup2(const std::string& path) {
  struct statfs sf;
  return ::statfs(path.c_str(), &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

bool IsWritableV1(const char* controller, std::string* detail) {
  std::string base = std::string(linux::kCgroupRoot) + "/" + controller;
  struct statfs sf;
  if (::statfs(base.c_str(), &sf) != 0 || sf.f_type != CGROUP_SUPER_MAGIC) {
    *detail = base + " is not a cgroup v1 hierarchy";
    return false;
  }
  std::string group = base + "/" + linux::kCgroupGroupName;
  if (::mkdir(group.c_str(), 0755) != 0 && errno != EEXIST) {
    *detail = "mkdir " + group + ": " + std::strerror(errno);
    return false;
  }
  std::string probe = group + "/probe-" + std::to_string(::getpid());
  if (::mkdir(probe.c_str(), 0755) != 0) {
    *detail = "mkdir " + probe + ": " + std::strerror(errno);
    return false;
  }
  ::rmdir(probe.c_str());
  *detail = "cgroup v1 " + base + " (writable)";
  return true;
}

// v2: our own cgroup must offer the controllers and let us create a child that has them.
bool DetectV2(std::string* parent, std::string* detail) {
  std::string mount = linux::kCgroupRoot;
  if (!IsCgroup2(mount)) {
    *detail = "no delegated cgroup v2 (" + mount + " is not cgroup2)";
    return false;
  }
  std::ifstream in("/proc/self/cgroup");
  std::string line, self;
  while (std::getline(in, line))
    if (line.rfind("0::", 0) == 0) self = line.substr(3);
  std::string dir = mount + (self == "/" ? "" : self);
  std::string controllers;
  linux::ReadFileString(dir + "/cgroup.controllers", &controllers);
  if (controllers.find("memory") == std::string::npos ||
      controllers.find("pids") == std::string::npos) {
    *detail = "cgroup v2 at " + dir + " lacks memory/pids controllers";
    return false;
  }
  std::string group = dir + "/" + linux::kCgroupGroupName;
  std::string error;
  if (::mkdir(group.c_str(), 0755) != 0 && errno != EEXIST) {
    *detail = "mkdir " + group + ": " + std::strerror(errno);
    return false;
  }
  // Enabling controllers for children needs a parent without processes of its own.
  if (!linux::WriteFileString(dir + "/cgroup.subtree_control", "+memory +pids +cpu", &error) &&
      !linux::WriteFileString(dir + "/cgroup.subtree_control", "+memory +pids", &error)) {
    *detail = error;
    return false;
  }
  if (!linux::WriteFileString(group + "/cgroup.subtree_control", "+memory +pids +cpu", &error) &&
      !linux::WriteFileString(group + "/cgroup.subtree_control", "+memory +pids", &error)) {
    *detail = error;
    return false;
  }
  *parent = group;
  *detail = "cgroup v2 " + group;
  return true;
}

}  // namespace

const char* LayerName(Layer layer) {
  switch (layer) {
    case Layer::kUserNs: return "user_ns";
    case Layer::kPidNs: return "pid_ns";
    case Layer::kMountNs: return "mount_ns";
    case Layer::kNetNs: return "net_ns";
    case Layer::kIpcNs: return "ipc_ns";
    case Layer::kUtsNs: return "uts_ns";
    case Layer::kSeccomp: return "seccomp";
    case Layer::kCgroupMemory: return "cgroup_memory";
    case Layer::kCgroupPids: return "cgroup_pids";
    case Layer::kCgroupCpu: return "cgroup_cpu";
    case Layer::kRlimits: return "rlimits";
  }
  return "?";
}

bool LayerFromName(std::string_view name, Layer* layer) {
  for (Layer l : kAllLayers) {
    if (name == LayerName(l)) {
      *layer = l;
      return true;
    }
  }
  return false;
}

bool HostLayers::Has(Layer layer) const {
  for (const LayerState& l : layers)
    if (l.layer == layer) return l.active;
  return false;
}

HostLayers DetectLayers() {
  HostLayers host;
  auto add = [&](Layer layer, bool active, const std::string& detail) {
    host.layers.push_back({layer, active, detail});
  };
  std::string d;
  bool user = CanUnshare(CLONE_NEWUSER, &d);
  add(Layer::kUserNs, user, d);
  const std::pair<Layer, int> ns[] = {{Layer::kPidNs, CLONE_NEWPID},
                                      {Layer::kMountNs, CLONE_NEWNS},
                                      {Layer::kNetNs, CLONE_NEWNET},
                                      {Layer::kIpcNs, CLONE_NEWIPC},
                                      {Layer::kUtsNs, CLONE_NEWUTS}};
  for (const auto& [layer, flag] : ns) {
    bool ok = CanUnshare(flag | (user ? CLONE_NEWUSER : 0), &d);
    add(layer, ok, d);
  }
  bool seccomp = ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
  add(Layer::kSeccomp, seccomp, seccomp ? "seccomp-bpf via libseccomp" : std::strerror(errno));

  std::string v2_parent, v2_detail;
  if (DetectV2(&v2_parent, &v2_detail)) {
    host.cgroup_version = CgroupVersion::kV2;
    host.cgroup_v2_parent = v2_parent;
    add(Layer::kCgroupMemory, true, v2_detail + " memory.max, swap.max=0");
    add(Layer::kCgroupPids, true, v2_detail + " pids.max");
    add(Layer::kCgroupCpu, true, v2_detail + " cpu.stat");
  } else {
    std::string mem, pids, cpu;
    bool m = IsWritableV1("memory", &mem), p = IsWritableV1("pids", &pids),
         c = IsWritableV1("cpuacct", &cpu);
    if (m && p && c) host.cgroup_version = CgroupVersion::kV1;
    add(Layer::kCgroupMemory, m && p && c, m ? mem + "; " + v2_detail : mem);
    add(Layer::kCgroupPids, m && p && c, pids);
    add(Layer::kCgroupCpu, m && p && c, cpu);
  }
  add(Layer::kRlimits, true, "setrlimit, hard = soft");
  return host;
}

bool PlanLayers(const HostLayers& host, const std::set<Layer>& allowed_missing,
                LayerPlan* plan, std::string* error) {
  std::string missing;
  for (const LayerState& l : host.layers)
    if (!l.active && !allowed_missing.count(l.layer))
      missing += (missing.empty() ? "" : ", ") + std::string(LayerName(l.layer)) + " (" +
                 l.detail + ")";
  if (!missing.empty()) {
    *error = "isolation layers required but unavailable: " + missing +
             ". Run `proctor doctor`; to run weaker anyway pass "
             "--insecure-allow-missing=LAYER for each.";
    return false;
  }
  plan->user_ns = host.Has(Layer::kUserNs);
  plan->pid_ns = host.Has(Layer::kPidNs);
  plan->mount_ns = host.Has(Layer::kMountNs);
  plan->net_ns = host.Has(Layer::kNetNs);
  plan->ipc_ns = host.Has(Layer::kIpcNs);
  plan->uts_ns = host.Has(Layer::kUtsNs);
  plan->seccomp = host.Has(Layer::kSeccomp);
  plan->cgroup_version = host.cgroup_version;
  plan->cgroup_v2_parent = host.cgroup_v2_parent;
  return true;
}

}  // namespace proctor::sandbox
