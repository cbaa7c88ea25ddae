// The seccomp-bpf filter every sandboxed program runs under, built with libseccomp.
// Built once in the keeper (which may allocate), applied in the child with one prctl().
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

namespace proctor::sandbox::linux {

struct SeccompProgram {
  std::vector<sock_filter> instructions;
};

// Builds the deny-list filter (see seccomp_filter.cc for every rule and its reason).
bool BuildSeccompProgram(SeccompProgram* program, std::string* error);

// Installs `program` on the calling thread (requires no_new_privs). Async-signal-safe.
int InstallSeccompProgram(const SeccompProgram& program);

// Names of the calls that kill the process, for docs and `proctor doctor`.
const std::vector<const char*>& KilledSyscallNames();

}  // namespace proctor::sandbox::linux
