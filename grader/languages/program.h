// A submission made ready to run: compiled once inside the sandbox when its language compiles,
// then run as often as needed (one run per stdio test, or once for a whole test session).
#pragma once

#include <memory>
#include <optional>
#include <vector>
#include <string>

#include "grader/languages/language.h"
#include "sandbox/result.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {

struct CompileOutcome {
  bool ok = true;              // no compile step, or it succeeded
  bool infra_error = false;    // Proctor failed (sandbox_error), not the compiler
  bool cached = false;         // the binary came from the compile cache (no compile ran)
  bool pch = false;            // the compile that decided it used the precompiled header
  bool pch_recompiled = false; // it failed with the PCH and was compiled again without it,
                               // so that the message is exactly the plain compiler's
  sandbox::Result result;      // the compile run, when there was one
  std::string message;         // compiler diagnostics (capped) or the infra error
};

// Extra inputs of a compile step (e.g. a C++ unit test compiled with the solution).
struct CompileExtras {
  std::vector<sandbox::FileIn> files;        // placed beside the source
  std::vector<std::string> extra_sources;    // appended to the compile command
  std::vector<std::string> argv;             // replaces the whole compile command when set;
                                             // "{pch}" in it becomes -I<kPchMount> when the
                                             // source or a file names the PCH header (the
                                             // header then comes precompiled), else nothing
  std::vector<std::string> flags;            // added after the compiler of the language's own
                                             // command (e.g. -H); ignored with `argv`
  std::optional<sandbox::Limits> limits;     // overrides the language's compile limits
};

class PreparedProgram {
 public:
  // Compiles `source` when `language` needs it. Returns nullptr when it did not compile;
  // `*outcome` says why (the compiler's message, or Proctor's own failure).
  static std::unique_ptr<PreparedProgram> Prepare(sandbox::Sandbox& sandbox,
                                                  const Language& language,
                                                  const std::string& source,
                                                  CompileOutcome* outcome,
                                                  const CompileExtras& extras = {});
  // The source alone, not compiled (for tests that compile it with their own files).
  static std::unique_ptr<PreparedProgram> SourceOnly(const Language& language,
                                                     const std::string& source);
  ~PreparedProgram();
  PreparedProgram(const PreparedProgram&) = delete;
  PreparedProgram& operator=(const PreparedProgram&) = delete;

  // A run of the program under `limits` with `stdin_data`; callers may add files, binds and
  // extra argv (e.g. a runner script wrapping the source) before running it.
  sandbox::RunSpec MakeRunSpec(const sandbox::Limits& limits, std::string stdin_data) const;
  // Host paths every run sees read-only besides the language's (a pack's Python packages).
  void AddRunReadonlyPaths(const std::vector<std::string>& paths) {
    extra_readonly_paths_.insert(extra_readonly_paths_.end(), paths.begin(), paths.end());
  }
  const std::vector<std::string>& extra_readonly_paths() const { return extra_readonly_paths_; }
  const Language& language() const { return language_; }
  const std::string& source() const { return source_; }

 private:
  PreparedProgram(const Language& language, std::string source)
      : language_(language), source_(std::move(source)) {}
  const Language& language_;
  std::string source_;
  std::string temp_dir_;     // host dir holding the compiled binary
  std::string binary_path_;  // host path of the compiled binary
  std::vector<std::string> extra_readonly_paths_;
};

// Makes a fresh private host directory under $TMPDIR (or /tmp) for one submission, named
// <prefix><pid>-XXXXXX; the first call in a process removes the <prefix><pid>-* directories of
// processes that no longer exist (RemoveDeadProcessesTempDirs).
std::string MakeTempDir(const std::string& prefix);
void RemoveDeadProcessesTempDirs(const std::string& base, const std::string& prefix);

}  // namespace proctor::grader
