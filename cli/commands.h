// The proctor subcommands. Each takes its arguments (after the subcommand name) and returns
// the process exit code: 0 success, 1 Proctor could not do the work, 2 bad usage or input.
#pragma once

#include <string>
#include <vector>

#include "cli/flags.h"
#include "sandbox/sandbox.h"

namespace proctor::cli {

int DoctorCommand(const std::vector<std::string>& args);
int RunCommand(const std::vector<std::string>& args);
int GradeCommand(const std::vector<std::string>& args);
int PackCommand(const std::vector<std::string>& args);
int ServeCommand(const std::vector<std::string>& args);

// Flags every command that runs sandboxes shares.
std::vector<FlagSpec> SandboxFlags();
// Builds the sandbox from those flags and prints which layers are active (to stderr when
// `announce`). Returns nullptr after printing the reason.
std::unique_ptr<sandbox::Sandbox> MakeSandbox(const Flags& flags, bool announce);

}  // namespace proctor::cli
