// Sandbox (sandbox.h): detects and plans the layers, finds the keeper and the fork server, and
// hands each run to a RunOp (run_op.cc).
#include "sandbox/sandbox.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "sandbox/run_op.h"

namespace proctor::sandbox {
namespace asio = boost::asio;

std::string ExecutableDir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

std::unique_ptr<Sandbox> Sandbox::Create(const SandboxConfig& config, std::string* error) {
  HostLayers host = DetectLayers();
  LayerPlan plan;
  if (!PlanLayers(host, config.insecure_allow_missing, &plan, error)) return nullptr;
  std::string keeper = config.keeper_path.empty() ? ExecutableDir() + "/proctor-keeper"
                                                  : config.keeper_path;
  if (::access(keeper.c_str(), X_OK) != 0) {
    *error = "keeper binary not executable: " + keeper + ": " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<ForkServer> fork_server;
  int warm_slots = 0;
  if (config.use_fork_server) {
    int slots = 0;
    // Beside the keeper: they are built and installed together.
    std::string zygote = config.zygote_path.empty()
                             ? keeper.substr(0, keeper.rfind('/') + 1) + "proctor-zygote"
                             : config.zygote_path;
    if (::access(zygote.c_str(), X_OK) != 0) {
      *error = "zygote binary not executable: " + zygote + ": " + std::strerror(errno);
      return nullptr;
    }
    // Automatic: enough slots for every run a grader on this host keeps in flight (a unit
    // test is two runs) plus spares being verified.
    slots = config.warm_slots >= 0
                          ? config.warm_slots
                          : std::clamp(4 * static_cast<int>(std::thread::hardware_concurrency()),
                                       8, 32);
    warm_slots = slots;
    std::vector<std::string> args = {"--warm-slots", std::to_string(slots)};
    if (config.test_fail_slot_verification) args.push_back("--test-fail-slot-verification");
    fork_server = std::make_unique<ForkServer>(zygote, config.python_runtime, std::move(args));
  }
  const int slots = fork_server ? warm_slots : 0;
  auto sandbox = std::unique_ptr<Sandbox>(
      new Sandbox(std::move(host), std::move(plan), keeper, std::move(fork_server)));
  sandbox->warm_slots_ = slots;
  return sandbox;
}

int Sandbox::warm_slots() const {
  const LayerPlan& l = plan_;
  const bool eligible = l.user_ns && l.pid_ns && l.mount_ns && l.net_ns && l.ipc_ns && l.uts_ns &&
                        l.cgroup_version != CgroupVersion::kV2;
  return fork_server_ && eligible ? warm_slots_ : 0;
}

std::string Sandbox::launcher_name() const {
  if (!fork_server_) return "fresh keeper per run";
  if (warm_slots_ == 0) return "fork server (proctor-zygote), every layer built per run";
  if (plan_.cgroup_version == CgroupVersion::kV2)
    return "fork server (proctor-zygote), every layer built per run (warm slots need cgroup "
           "v1 or none; this host has v2)";
  const LayerPlan& l = plan_;
  if (!(l.user_ns && l.pid_ns && l.mount_ns && l.net_ns && l.ipc_ns && l.uts_ns))
    return "fork server (proctor-zygote), every layer built per run (warm slots need every "
           "namespace layer)";
  return "fork server (proctor-zygote), up to " + std::to_string(warm_slots_) +
         " warm slots (namespaces, root and cgroup reused, verified after every run)";
}

bool Sandbox::WarmUp(std::string* error) {
  return fork_server_ == nullptr || fork_server_->Warm(error);
}

void Sandbox::AsyncRun(asio::any_io_executor executor, RunSpec spec,
                       std::function<void(Result)> done) {
  if (!spec.cancel) spec.cancel = CancelScope::Current();
  if (spec.cancel && spec.cancel->load()) {
    Result r;
    r.error = "cancelled";
    asio::post(executor, [done = std::move(done), r = std::move(r)]() mutable { done(r); });
    return;
  }
  StartRun(executor, plan_, keeper_path_, fork_server_.get(), std::move(spec), std::move(done));
}

Result Sandbox::Run(const RunSpec& spec) {
  asio::io_context io;
  Result out;
  AsyncRun(io.get_executor(), spec, [&out](Result r) { out = std::move(r); });
  io.run();
  return out;
}

}  // namespace proctor::sandbox
