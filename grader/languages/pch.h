// Precompiled headers for compiled languages (C++: <bits/stdc++.h>, which costs about 3 s of
// CPU to parse on every compile that names it).
//
// One PCH per compiler identity, flags and header set, built once from trusted input only
// (the system header, the language's fixed flags) by a sandboxed compile like any other, and
// checked with -H/-Winvalid-pch before it is published. It lives in a root-owned cache
// (default /var/cache/proctor/pch/<key>/bits/stdc++.h.gch, $PROCTOR_PCH_CACHE overrides,
// "off" disables) and is bound read-only at kPchMount into the compiles that use it.
// Concurrent builders, in this process or others, build it once (a lock file, then an atomic
// rename of the finished directory). When it cannot be built, compiles run without it and
// the log says so once.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "grader/languages/language.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {

// Where the language's PCH header is on this host and what identifies its version.
struct PchInputs {
  std::string header_path;            // absolute path of e.g. .../c++/12/bits/stdc++.h
  std::vector<std::string> argv;      // the build command, placeholders filled in
  std::string key;                    // hex digest over compiler, flags and header set
};

class PchCache {
 public:
  static PchCache& Default();
  explicit PchCache(std::string root);  // an existing directory; empty: disabled

  // Whether a compile of `source` would use the language's PCH (it names the header).
  static bool Wants(const Language& language, const std::string& source);
  // Finds the header and computes the key; false (with *error) when this host has none.
  static bool Inputs(const Language& language, PchInputs* inputs, std::string* error);

  // The host directory to bind at kPchMount, built on first use; empty when there is none
  // (then compile without it). Blocks while another thread or process builds it.
  std::string Ensure(sandbox::Sandbox& sandbox, const Language& language);
  bool enabled() const { return !root_.empty(); }
  int builds() const { return builds_; }  // PCHs this store built and published
  const std::string& root() const { return root_; }

 private:
  struct Entry {
    std::string dir;      // ready: the published directory
    std::string error;    // last failure
    bool logged = false;  // the failure was logged (once)
    std::chrono::steady_clock::time_point retry_after{};
  };
  bool Build(sandbox::Sandbox& sandbox, const Language& language, const PchInputs& inputs,
             const std::string& final_dir, std::string* error);

  std::string root_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by language name
  std::atomic<int> builds_{0};
};

}  // namespace proctor::grader
