// Run one untrusted program under a Policy and get back what it did.
//
//   auto sandbox = Sandbox::Create({});            // detects layers, checks the minimum
//   Result r = sandbox->Run({{"/usr/bin/python3", "-I", "x.py"}, policy});
//   sandbox->AsyncRun(io.get_executor(), spec, [](Result r) { ... });  // many at once
//
// Each run is built by a keeper: by default the long-lived proctor-zygote (fork server, Python
// preloaded), else a fresh proctor-keeper process (spawned with Boost.Process v2); both build
// the same namespaces, cgroups, rlimits and seccomp around the program. This side drains its
// output concurrently, enforces the output caps and a backstop timer, and classifies.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "sandbox/cancel.h"
#include "sandbox/fork_server.h"
#include "sandbox/keeper_protocol.h"
#include "sandbox/layers.h"
#include "sandbox/policy.h"
#include "sandbox/result.h"

namespace proctor::sandbox {

struct RunSpec {
  std::vector<std::string> argv;  // argv[0]: absolute path inside the sandbox
  Policy policy;
  std::vector<int> pass_fds;      // host fds handed to the program as 3, 4, ... (not closed)
  CancelToken cancel;             // when set to true the run is killed (sandbox_error
                                  // "cancelled"); default: the thread's CancelScope
};

struct SandboxConfig {
  // Layers that may be missing without refusing to start. IMPORTANT: every layer here weakens
  // isolation; the CLI only fills it from --insecure-allow-missing=LAYER.
  std::set<Layer> insecure_allow_missing;
  std::string keeper_path;  // default: proctor-keeper beside the running executable
  // Runs go through one long-lived proctor-zygote (a keeper with Python preloaded, see
  // sandbox/zygote/) instead of a fresh keeper each: same layers, no interpreter start-up.
  bool use_fork_server = true;
  std::string zygote_path;  // default: proctor-zygote beside the keeper
  // Python files the fork server compiles once for all runs (the grader's runners); a run
  // uses them only where its own copy of a file is byte-for-byte the same.
  zygote::PythonRuntime python_runtime;
  // Warm slots (fork server only, docs/sandbox.md): namespaces, root and cgroup that hold no
  // state of a run are built ahead and reused one run at a time. -1: automatic, 0: off (every
  // layer built for each run), N: at most N slots (runs wait for a free one).
  int warm_slots = -1;
  // Tests only: every slot fails its after-run verification, so it is destroyed, not reused.
  bool test_fail_slot_verification = false;
};

class Sandbox {
 public:
  // Detects the host's layers and refuses (error set, nullptr) when the minimum is not met.
  static std::unique_ptr<Sandbox> Create(const SandboxConfig& config, std::string* error);

  Result Run(const RunSpec& spec);  // blocking
  // Completes on the executor's context. `done` is called exactly once.
  void AsyncRun(boost::asio::any_io_executor executor, RunSpec spec,
                std::function<void(Result)> done);

  const HostLayers& host_layers() const { return host_; }
  const LayerPlan& plan() const { return plan_; }
  // "fork server (proctor-zygote)" or "fresh keeper per run".
  std::string launcher_name() const;
  // At most this many warm slots serve runs (0: every layer is built for each run).
  int warm_slots() const;
  // Starts the fork server now (else at the first run); false with `error` if it cannot.
  bool WarmUp(std::string* error);

 private:
  Sandbox(HostLayers host, LayerPlan plan, std::string keeper_path,
          std::unique_ptr<ForkServer> fork_server)
      : host_(std::move(host)), plan_(std::move(plan)), keeper_path_(std::move(keeper_path)),
        fork_server_(std::move(fork_server)) {}
  HostLayers host_;
  LayerPlan plan_;
  std::string keeper_path_;
  std::unique_ptr<ForkServer> fork_server_;  // null: a fresh keeper per run
  int warm_slots_ = 0;
};

// Directory holding the running executable (to find proctor-keeper and bundled files).
std::string ExecutableDir();

}  // namespace proctor::sandbox
