// The supervisor's handle on proctor-zygote (sandbox/zygote/): starts it on first use,
// sends it runs and kill requests, and starts a new one if it died. Thread-safe.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <string>
#include <vector>

#include "sandbox/keeper_protocol.h"
#include "sandbox/zygote/python_runtime.h"

namespace proctor::sandbox {

class ForkServer {
 public:
  // `runtime`: the Python files the zygote preloads for every run (none when host_dir is empty).
  // `extra_args`: the zygote's own options (warm slots).
  ForkServer(std::string zygote_path, zygote::PythonRuntime runtime,
             std::vector<std::string> extra_args = {})
      : path_(std::move(zygote_path)), runtime_(std::move(runtime)),
        extra_args_(std::move(extra_args)) {}
  ~ForkServer();
  ForkServer(const ForkServer&) = delete;
  ForkServer& operator=(const ForkServer&) = delete;

  // Hands a run to the zygote: `header` is the request without file contents or stdin, `fds`
  // in zygote::StartFds order. On false (`error` set) nothing was started.
  bool Submit(const KeeperRequest& header, const std::vector<int>& fds, std::string* error);
  // Kills the run now (its reply still arrives, with kill_cause "request").
  void Kill(const std::string& run_id);
  // Starts the zygote now (else on the first Submit); false with `error` if it cannot start.
  bool Warm(std::string* error);

 private:
  bool EnsureStartedLocked(std::string* error);
  void StopLocked();

  std::string path_;
  zygote::PythonRuntime runtime_;
  std::vector<std::string> extra_args_;
  std::mutex mu_;
  int socket_ = -1;
  pid_t pid_ = -1;
};

}  // namespace proctor::sandbox
