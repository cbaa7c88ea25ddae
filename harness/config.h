// The server's configuration: which packs to load, which envs to offer, where to listen and
// the limits. Loaded from YAML (unknown keys are errors with file:line:col); every field has
// a default, so `proctor serve` with no arguments serves the bundled packs on 127.0.0.1.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace proctor::harness {

struct ServerConfig {
  std::vector<std::string> packs;          // pack folders; empty: every bundled pack in tasks/
  std::vector<std::string> envs;           // env ids offered; empty: every registered env
  std::string host = "127.0.0.1";          // TCP listen address ("0.0.0.0" in containers)
  int port = 7070;                         // JSON-RPC over TCP; 0 picks a free port
  std::string unix_path;                   // also listen on this Unix socket when set
  int http_port = 7071;                    // HTTP (/v1/grade, /healthz, /metrics); -1: off
  int workers = 0;                         // sandboxes at once; 0: one per core
  size_t queue_limit = 4096;               // queued gradings before "overloaded"
  size_t max_message_bytes = 16 << 20;     // one request line
  double idle_timeout_seconds = 600;       // idle connections and env sessions are closed
  size_t max_sessions = 100000;            // env sessions alive at once
  double drain_timeout_seconds = 60;       // SIGTERM: how long in-flight work may finish
};

bool LoadServerConfig(const std::string& path, ServerConfig* config, std::string* error);

// Folders of the packs shipped with Proctor (tasks/* with a pack.yaml).
std::vector<std::string> BundledPacks();

}  // namespace proctor::harness
