#include "cli/smoke_test.h"

#include <chrono>
#include <sstream>

namespace proctor::cli {

SmokeTest RunSmokeTest(sandbox::Sandbox& sandbox) {
  sandbox::RunSpec spec;
  spec.argv = {"/usr/bin/python3", "-I", "-S", "-c",
               "import os; print(os.getpid(), os.getuid(), "
               "sum(p.isdigit() for p in os.listdir('/proc')))"};
  spec.policy.readonly_paths = {"/usr/bin", "/usr/lib", "/usr/lib64", "/etc/ld.so.cache"};
  SmokeTest t;
  const auto start = std::chrono::steady_clock::now();
  t.result = sandbox.Run(spec);
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (t.result.status != sandbox::Status::kOk) {
    t.failure = std::string(sandbox::StatusName(t.result.status));
    if (!t.result.error.empty()) t.failure += " (" + t.result.error + ")";
    if (t.result.status == sandbox::Status::kNonzeroExit)
      t.failure += ", exit code " + std::to_string(t.result.exit_code);
    return t;
  }
  std::istringstream in(t.result.stdout_data);
  long pid = 0, uid = 0, visible = 0;
  std::string rest;
  if (!(in >> pid >> uid >> visible) || (in >> rest)) {
    t.failure = "unexpected output '" + t.result.stdout_data.substr(0, 200) +
                "' (expected: pid uid processes)";
    return t;
  }
  t.passed = true;
  return t;
}

}  // namespace proctor::cli
