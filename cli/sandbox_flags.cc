#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "grader/grading/grader.h"

namespace proctor::cli {

std::vector<FlagSpec> SandboxFlags() {
  return {{"insecure-allow-missing", true, true,
           "IMPORTANT: run even though isolation LAYER is unavailable (repeatable; names as "
           "`proctor doctor` prints them). Without it a missing layer is a startup error.",
           "LAYER"},
          {"keeper-path", true, false,
           "the keeper binary (default: proctor-keeper beside this proctor binary); the fork "
           "server proctor-zygote is taken from the same folder",
           "FILE"},
          {"no-fork-server", false, false,
           "start a fresh keeper process per run instead of forking runs from the long-lived "
           "proctor-zygote (same isolation layers; slower: every run starts its interpreter)",
           ""},
          {"warm-slots", true, false,
           "at most N warm slots in the fork server (namespaces, root and cgroup built ahead "
           "and reused one run at a time, verified clean after each; docs/sandbox.md); 0 "
           "builds every layer for each run (default: 4 per CPU, 8 to 32)",
           "N"}};
}

std::unique_ptr<sandbox::Sandbox> MakeSandbox(const Flags& flags, bool announce) {
  sandbox::SandboxConfig config;
  for (const std::string& name : flags.GetAll("insecure-allow-missing")) {
    sandbox::Layer layer;
    if (!sandbox::LayerFromName(name, &layer)) {
      std::cerr << "proctor: --insecure-allow-missing: unknown layer '" << name << "'\n";
      return nullptr;
    }
    config.insecure_allow_missing.insert(layer);
  }
  if (auto keeper = flags.Get("keeper-path")) config.keeper_path = *keeper;
  config.use_fork_server = !flags.Has("no-fork-server");
  if (auto slots = flags.Get("warm-slots")) {
    char* end = nullptr;
    const long n = std::strtol(slots->c_str(), &end, 10);
    if (slots->empty() || *end != '\0' || n < 0 || n > 1024) {
      std::cerr << "proctor: --warm-slots: expected a number from 0 to 1024, got '" << *slots
                << "'\n";
      return nullptr;
    }
    config.warm_slots = static_cast<int>(n);
  }
  config.python_runtime = grader::RunnersPreload();
  std::string error;
  auto sb = sandbox::Sandbox::Create(config, &error);
  if (!sb) {
    std::cerr << "proctor: " << error << "\n";
    return nullptr;
  }
  if (announce) {
    std::string active, missing;
    for (const auto& l : sb->host_layers().layers)
      (l.active ? active : missing) += std::string(" ") + sandbox::LayerName(l.layer);
    std::cerr << "proctor: isolation layers active:" << active << "\n";
    std::cerr << "proctor: runs launched by: " << sb->launcher_name() << "\n";
    if (!missing.empty())
      std::cerr << "proctor: WARNING: running WITHOUT:" << missing
                << " (allowed by --insecure-allow-missing)\n";
  }
  return sb;
}

}  // namespace proctor::cli
