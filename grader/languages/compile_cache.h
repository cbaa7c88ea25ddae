// Compiled binaries kept by content: a source graded once (same compiler, flags and inputs)
// is never compiled again. GRPO groups and repeated gradings hit it constantly.
//
// The cache lives on the host, outside every sandbox (default /var/cache/proctor/compile,
// $PROCTOR_COMPILE_CACHE overrides, "off" disables). Only successful compiles are stored, so a
// compile error is always reported fresh. Entries are evicted oldest-first past a size cap.
#pragma once

#include <string>
#include <vector>

#include "sandbox/policy.h"

namespace proctor::grader {

// Which compiler: the resolved `toolchain` files of a language (cpp: g++, as and ld) by path,
// size and modification time (a package upgrade changes them).
std::string ToolchainIdentity(const std::vector<std::string>& toolchain);

class CompileCache {
 public:
  static CompileCache& Default();

  // The key of a compile: compiler identity (ToolchainIdentity), the command, and every
  // input file.
  std::string Key(const std::string& toolchain_identity, const std::vector<std::string>& argv,
                  const std::vector<sandbox::FileIn>& files) const;
  // Copies a cached binary to `dest` (created exclusively); false on a miss.
  bool Fetch(const std::string& key, const std::string& dest);
  // Stores `binary` under `key` (atomically; concurrent stores of one key are fine).
  void Store(const std::string& key, const std::string& binary);
  bool enabled() const { return !dir_.empty(); }

 private:
  CompileCache(std::string dir, uint64_t max_bytes);
  void Evict();

  std::string dir_;
  uint64_t max_bytes_;
};

}  // namespace proctor::grader
