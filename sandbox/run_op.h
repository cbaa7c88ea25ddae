// One run from the supervisor's side, start to Result: hands it to the fork server or spawns a
// fresh keeper for it, drains the program's output with caps, watches the cancel token and a
// backstop timer, classifies. Everything is asynchronous on one executor.
#pragma once

#include <functional>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "sandbox/fork_server.h"
#include "sandbox/keeper_protocol.h"
#include "sandbox/sandbox.h"

namespace proctor::sandbox {

// Starts `spec` under `plan`: through `fork_server` when not null, else through a fresh
// `keeper` process. `done` is called exactly once, on `executor`.
void StartRun(boost::asio::any_io_executor executor, const LayerPlan& plan, std::string keeper,
              ForkServer* fork_server, RunSpec spec, std::function<void(Result)> done);

}  // namespace proctor::sandbox
