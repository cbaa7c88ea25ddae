#include <cmath>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/smoke_test.h"
#include "grader/task/pack_loader.h"
#include "harness/server.h"

namespace proctor::cli {

CommandLine ServeCommandLine() {
  std::vector<FlagSpec> specs = {
      {"config", true, false, "server config YAML (docs/protocol.md; flags below override it)",
       "FILE"},
      {"pack", true, true, "serve this pack folder (repeatable; default: the bundled packs)",
       "DIR"},
      {"host", true, false, "listen address (default 127.0.0.1)", "ADDR"},
      {"port", true, false, "JSON-RPC TCP port (default 7070; 0 picks a free one)", "N"},
      {"unix", true, false, "also listen on this Unix socket", "PATH"},
      {"http-port", true, false,
       "HTTP port for /v1/grade, /healthz, /metrics (default 7071; "
       "-1 turns it off)",
       "N"},
      {"workers", true, false, "sandboxes at once (default: one per core)", "N"},
      {"queue-limit", true, false, "queued gradings before 'overloaded' (default 4096)", "N"},
      HelpFlag(),
  };
  for (const FlagSpec& s : SandboxFlags()) specs.push_back(s);
  return {"proctor serve [--config FILE] [--pack DIR ...] [--host A] [--port N]",
          "Serves gym-style environments and batch grading over newline-delimited JSON-RPC "
          "2.0\n(docs/protocol.md) and HTTP. With no arguments: the bundled packs on "
          "127.0.0.1:7070\n(HTTP on 7071). Before listening it runs `proctor doctor`'s smoke "
          "test and exits 1 when it\nfails. SIGTERM or SIGINT drain in-flight work and exit.",
          specs};
}

int ServeCommand(const Flags& flags) {
  std::string error;
  harness::ServerConfig config;
  if (auto c = flags.Get("config"); c && !harness::LoadServerConfig(*c, &config, &error)) {
    std::cerr << "proctor serve: " << error << "\n";
    return 2;
  }
  if (flags.Has("pack")) config.packs = flags.GetAll("pack");
  if (auto h = flags.Get("host")) config.host = *h;
  if (auto u = flags.Get("unix")) config.unix_path = *u;
  auto integer = [&](const char* name, auto* out) {
    auto v = flags.Get(name);
    if (!v) return true;
    try {
      size_t used = 0;
      long long parsed = std::stoll(*v, &used);
      if (used != v->size()) throw std::invalid_argument("");
      *out = static_cast<std::remove_pointer_t<decltype(out)>>(parsed);
      return true;
    } catch (...) {
      std::cerr << "proctor serve: --" << name << ": '" << *v << "' is not an integer\n";
      return false;
    }
  };
  if (!integer("port", &config.port) || !integer("http-port", &config.http_port) ||
      !integer("workers", &config.workers) || !integer("queue-limit", &config.queue_limit))
    return 2;
  if (config.workers <= 0) config.workers = std::max(1u, std::thread::hardware_concurrency());
  if (config.packs.empty()) config.packs = harness::BundledPacks();

  std::vector<std::unique_ptr<grader::task::Pack>> packs;
  for (const std::string& dir : config.packs) {
    auto pack = grader::task::LoadPack(dir);
    if (!pack) {
      std::cerr << "proctor serve: " << pack.error().ToString() << "\n";
      return 2;
    }
    for (const auto& p : packs) {
      if (p->name == pack->name) {
        std::cerr << "proctor serve: two packs are named " << pack->name << " (" << dir << ")\n";
        return 2;
      }
    }
    packs.push_back(std::make_unique<grader::task::Pack>(std::move(*pack)));
  }
  if (packs.empty()) {
    std::cerr << "proctor serve: no packs to serve (give --pack DIR)\n";
    return 2;
  }
  auto sb = MakeSandbox(flags, true);
  if (!sb) return 1;
  // Every layer answering its probe does not prove that a run works (a container runtime's
  // seccomp filter passes every probe and fails every run): run doctor's smoke test and refuse
  // to serve when it fails, rather than answer every grading as ungradeable.
  SmokeTest smoke = RunSmokeTest(*sb);
  if (!smoke.passed) {
    std::cerr << "proctor serve: smoke test FAILED (" << kSmokeTestWhat << "): " << smoke.failure
              << "\nproctor serve: refusing to start: every grading would be ungradeable. "
                 "Run `proctor doctor`; in a container see docs/container.md.\n";
    return 1;
  }
  std::cerr << "proctor serve: smoke test passed (" << kSmokeTestWhat << ", "
            << std::lround(smoke.seconds * 1000) << " ms)\n";
  std::string names;
  size_t tasks = 0;
  for (const auto& p : packs) {
    names += (names.empty() ? "" : ", ") + p->name + " (" + std::to_string(p->tasks.size()) + ")";
    tasks += p->tasks.size();
  }
  harness::Server server(config, *sb, std::move(packs));
  if (!server.Listen(&error)) {
    std::cerr << "proctor serve: " << error << "\n";
    return 1;
  }
  std::cerr << "proctor serve: packs " << names << "; " << config.workers << " workers\n";
  std::cerr << "proctor serve: JSON-RPC on " << config.host << ":" << server.tcp_port();
  if (!config.unix_path.empty()) std::cerr << " and " << config.unix_path;
  if (server.http_port() > 0) std::cerr << "; HTTP on " << config.host << ":" << server.http_port();
  std::cerr << std::endl;
  // A line on stdout that scripts and tests can wait for.
  std::cout << "listening " << server.tcp_port() << " " << server.http_port() << std::endl;
  return server.Run();
}

}  // namespace proctor::cli
