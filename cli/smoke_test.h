// The smoke test: one tiny python3 program through the real sandbox. `proctor doctor` prints it;
// `proctor serve` runs it before listening and refuses to start when it fails. Detecting the
// layers only proves that each kernel facility answers a probe; this proves that a whole run
// works (e.g. a container runtime's seccomp filter that refuses `sethostname` passes every layer
// probe but fails every run, docs/container.md).
#pragma once

#include <string>

#include "sandbox/sandbox.h"

namespace proctor::cli {

struct SmokeTest {
  bool passed = false;
  sandbox::Result result;  // the run as the sandbox reported it
  double seconds = 0;      // wall time of the whole test, seen from here
  // Why it failed ("sandbox_error (sethostname: Operation not permitted (proctor))", or
  // "unexpected output ..."); empty when it passed.
  std::string failure;
};

// What the program is, for messages: "python3 in the sandbox".
inline constexpr const char* kSmokeTestWhat = "python3 in the sandbox";

// Runs `/usr/bin/python3 -I -S -c ...` (prints its pid, uid and how many processes it sees)
// under a default policy. Passes when the run ends `ok` with three integers on stdout.
SmokeTest RunSmokeTest(sandbox::Sandbox& sandbox);

}  // namespace proctor::cli
