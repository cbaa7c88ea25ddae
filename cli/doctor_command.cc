#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/smoke_test.h"
#include "grader/grading/grader.h"
#include "grader/languages/compiler_preload.h"
#include "grader/languages/language.h"
#include "grader/languages/language_probe.h"
#include "grader/languages/pch.h"
#include "sandbox/layers.h"

namespace proctor::cli {
namespace {

// "[madvise]" of /sys/kernel/mm/transparent_hugepage/enabled, or why there is none.
std::string HugePagesMode() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  if (!std::getline(f, line)) return "unknown (no /sys/kernel/mm/transparent_hugepage)";
  const size_t open = line.find('['), close = line.find(']');
  return open == std::string::npos || close < open ? line
                                                    : line.substr(open + 1, close - open - 1);
}

// What decides grading speed here: who launches runs, what is preloaded, what compiles use.
void PrintSpeedSetup(const sandbox::Sandbox& sb) {
  std::cout << "speed:\n  runs launched by   " << sb.launcher_name() << "\n";
  const sandbox::zygote::PythonRuntime runtime = grader::RunnersPreload();
  const bool fork_server = sb.launcher_name().rfind("fork server", 0) == 0;
  std::cout << "  runner code        " << runtime.host_dir << " (seen by runs at "
            << runtime.sandbox_dir
            << (fork_server ? "; compiled once in the fork server)\n"
                            : "; compiled by every run: no fork server)\n");
  const std::string& library = grader::HugepagesLibrary();
  const std::string mode = HugePagesMode();
  std::cout << "  compiler preload   "
            << (library.empty() ? std::string("none (compiles run without huge pages)")
                                : library + " (transparent huge pages: " + mode +
                                      (mode == "never" ? ", so it changes nothing)" : ")"))
            << "\n";
  const grader::PchCache& pch = grader::PchCache::Default();
  struct stat st;
  std::cout << "  precompiled header "
            << (!pch.enabled() ? std::string("off ($PROCTOR_PCH_CACHE)")
                : ::stat(pch.root().c_str(), &st) == 0
                    ? pch.root() + " (<bits/stdc++.h>, built on first use)"
                    : pch.root() + " (not writable here: compiles run without it)")
            << "\n";
}

// Each language of the registry: its version (the definition's probe) and its packages.
// Returns false when a definition file does not load.
bool PrintLanguages() {
  std::cout << "languages (" << grader::LanguageFolders().front() << "):\n";
  for (const grader::Language& l : grader::Languages()) {
    const grader::LanguageStatus s = grader::ProbeLanguage(l);
    std::string name = l.name, version = s.version.empty() ? "-" : s.version;
    name.resize(std::max<size_t>(name.size() + 1, 11), ' ');
    version.resize(std::max<size_t>(version.size() + 1, 20), ' ');
    std::string state = "ready";
    if (!s.ready()) {
      state.clear();
      auto add = [&](const std::string& part) { state += (state.empty() ? "" : "; ") + part; };
      if (!s.missing_packages.empty()) {
        std::string list;
        for (const std::string& p : s.missing_packages) list += (list.empty() ? "" : " ") + p;
        add("missing packages: " + list + " (scripts/setup.sh installs them)");
      }
      if (!s.packages_error.empty()) add(s.packages_error);
      if (!s.probe_error.empty()) add(s.probe_error);
    }
    std::cout << "  " << name << version << state << "\n";
  }
  const std::string& error = grader::LanguageRegistryError();
  if (!error.empty()) std::cout << "language definitions FAILED to load: " << error << "\n";
  return error.empty();
}

}  // namespace

CommandLine DoctorCommandLine() {
  std::vector<FlagSpec> specs = SandboxFlags();
  specs.push_back(HelpFlag());
  return {"proctor doctor [--insecure-allow-missing=LAYER ...] [--keeper-path FILE]",
          "Prints each isolation layer and whether it is active on this host, "
          "then runs a smoke test\nthrough the sandbox (the same one `proctor serve` "
          "runs before listening),\nthen what decides grading speed here (the "
          "launcher, the preloaded runner code, the compilers'\nhuge-pages "
          "preload, the precompiled header).\nExits 0 when every required "
          "layer is active, the smoke test passes and every language definition\n"
          "loads. Then each language: its version and whether its packages are installed.",
          specs};
}

int DoctorCommand(const Flags& flags) {
  sandbox::HostLayers host = sandbox::DetectLayers();
  std::cout << "proctor " << PROCTOR_VERSION << " isolation layers:\n";
  for (const auto& l : host.layers) {
    std::string name = sandbox::LayerName(l.layer);
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
  PrintSpeedSetup(*sb);
  const bool languages_ok = PrintLanguages();
  return t.passed && languages_ok ? 0 : 1;
}

}  // namespace proctor::cli
