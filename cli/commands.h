// The proctor subcommands. Each is a command line (the flags CLI11 parses and --help prints)
// and a function that runs it on the parsed flags and returns the process exit code: 0
// success, 1 Proctor could not do the work, 2 bad usage or input. The table in cli/main.cc
// lists them; parsing, --help and usage errors (exit 2) happen there, once for all.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/flags.h"
#include "sandbox/sandbox.h"

namespace proctor::cli {

CommandLine DoctorCommandLine();
int DoctorCommand(const Flags& flags);
CommandLine RunCommandLine();
int RunCommand(const Flags& flags);
CommandLine GradeCommandLine();
int GradeCommand(const Flags& flags);
CommandLine PackCheckCommandLine();
int PackCheckCommand(const Flags& flags);
CommandLine PackImportCommandLine();
int PackImportCommand(const Flags& flags);
CommandLine PackDepsCommandLine();
int PackDepsCommand(const Flags& flags);
CommandLine ServeCommandLine();
int ServeCommand(const Flags& flags);

// Flags every command that runs sandboxes shares.
std::vector<FlagSpec> SandboxFlags();
// Builds the sandbox from those flags and prints which layers are active (to stderr when
// `announce`). Returns nullptr after printing the reason.
std::unique_ptr<sandbox::Sandbox> MakeSandbox(const Flags& flags, bool announce);

}  // namespace proctor::cli
