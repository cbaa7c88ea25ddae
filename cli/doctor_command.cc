#include <iostream>

#include "cli/commands.h"
#include "cli/smoke_test.h"
#include "sandbox/layers.h"

namespace proctor::cli {

int DoctorCommand(const std::vector<std::string>& args) {
  std::vector<FlagSpec> specs = SandboxFlags();
  specs.push_back({"help", false, false, "show this help"});
  Flags flags;
  std::string error;
  if (!flags.Parse(specs, args, &error)) {
    std::cerr << "proctor doctor: " << error << "\n";
    return 2;
  }
  if (flags.Has("help")) {
    std::cout << HelpText("proctor doctor [--insecure-allow-missing=LAYER ...] [--keeper-path FILE]",
                          "Prints each isolation layer and whether it is active on this host, "
                          "then runs a smoke test\nthrough the sandbox (the same one `proctor serve` "
                          "runs before listening). Exits 0 when\nevery required layer is active "
                          "and the smoke test passes.",
                          specs);
    return 0;
  }
  sandbox::HostLayers host = sandbox::DetectLayers();
  std::cout << "proctor " << PROCTOR_VERSION << " isolation layers:\n";
  for (const auto& l : host.layers) {
    std::string name = l.name;
    name.resize(15, ' ');
    std::cout << "  " << name << (l.active ? "active   " : "MISSING  ") << l.detail << "\n";
  }
  auto sb = MakeSandbox(flags, false);
  if (!sb) return 1;
  SmokeTest t = RunSmokeTest(*sb);
  const sandbox::Result& r = t.result;
  std::cout << "smoke test (" << kSmokeTestWhat << "): " << sandbox::StatusName(r.status);
  if (!r.error.empty()) std::cout << " (" << r.error << ")";
  std::cout << ", pid, uid, processes visible: " << r.stdout_data;
  if (r.stdout_data.empty() || r.stdout_data.back() != '\n') std::cout << "\n";
  std::cout << "wall " << r.wall_seconds << " s, cpu " << r.cpu_seconds << " s\n";
  if (!t.passed) std::cout << "smoke test FAILED: " << t.failure << "\n";
  return t.passed ? 0 : 1;
}

}  // namespace proctor::cli
