// Languages are data: each is a definition file in languages/ (docs/languages.md) saying where
// the source goes, how to compile and run it, which host paths its toolchain needs to see,
// the limits of its compile step, what it adds to a run's limits, how to print its version
// and which test kinds it supports. Adding a language is a new file, not new code.
//
// The registry (Languages(), FindLanguage()) holds the definitions of the bundled folder
// (languages/ of the source tree; $PROCTOR_LANGUAGES_DIR overrides) plus every folder of
// $PROCTOR_EXTRA_LANGUAGES (colon-separated), loaded once on first use and never changed
// afterwards, so pointers into it stay valid for the life of the process.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/policy.h"

namespace proctor::grader {

// How `proctor doctor` learns the installed version: run argv on the host, take the first
// match of pattern in its stdout+stderr (its first group when it has one); no pattern: the
// first line.
struct VersionProbe {
  std::vector<std::string> argv;
  std::string pattern;  // ECMAScript regex, searched line by line
};

// What a language adds to the task's limits for each of its runs (e.g. a VM's own threads).
struct LimitsExtra {
  int max_processes = 0;  // added to max_processes
  int memory_mb = 0;      // added to memory_mb
};

// How the `program` unit style (grader/grading/program_tests.cc) makes one program of a
// solution and test code in this language: solution, `prelude`, the test code (its first
// match of `main_pattern` replaced by `main_replace`, ECMAScript format: $1 ...), `epilogue`.
// The epilogue or the new main prints the environment variable PROCTOR_UNIT_MARKER on a line
// of its own once the test code has run to its end (docs/languages.md).
struct ProgramTests {
  std::string prelude;
  std::string main_pattern;
  std::string main_replace;
  std::string epilogue;
};

struct Language {
  std::string name;                           // "python", "cpp": also the file's stem
  std::vector<std::string> aliases;           // more fence tags for it ("py", "c++")
  std::vector<std::string> packages;          // Debian packages it needs (scripts/setup.sh)
  std::string source_file;                    // name of the source in the work dir
  std::vector<std::string> compile_argv;      // empty: interpreted, no compile step
  std::string binary_file;                    // what the compile step leaves in the work dir
  // How to run: "{source}" is replaced by the source path, "{binary}" by the compiled binary.
  std::vector<std::string> run_argv;
  std::vector<std::string> readonly_paths;    // host paths the run needs (toolchain, runtime)
  std::map<std::string, std::string> run_env;  // set in the run's environment (over defaults)
  LimitsExtra run_extra;                      // added to the task's limits
  std::vector<std::string> compile_readonly_paths;
  std::map<std::string, std::string> compile_env;
  sandbox::Limits compile_limits;             // the compile step's own limits
  // Compiled binaries are kept in the compile cache, keyed by the identity (path, size, time)
  // of the `toolchain` files, the command and the sources.
  bool compile_cache = false;
  std::vector<std::string> toolchain;
  // A precompiled header (C++: <bits/stdc++.h>), empty: none. `pch_header` is the include
  // name; `pch_argv` builds it, "{header}" replaced by the header's absolute path and
  // "{output}" by the .gch file. IMPORTANT: pch_argv must carry exactly the flags of
  // compile_argv (g++ silently ignores a PCH built with other flags; the loader checks it).
  std::string pch_header;
  std::vector<std::string> pch_argv;
  VersionProbe version;
  bool call_tests = false;                    // call tests (through the Python runner)
  std::vector<std::string> unit_styles;       // unit test styles it supports ("pytest", ...)
  ProgramTests program_tests;                 // the `program` style's assembly
  std::string definition_file;                // where it was loaded from

  bool SupportsUnitStyle(const std::string& style) const;
};

// Where a precompiled header's directory is bound read-only inside compile sandboxes; compiles
// that use it get -I<kPchMount> so that <pch_header> resolves to <kPchMount>/<pch_header>.gch.
inline constexpr char kPchMount[] = "/pch";

// Where a compiled binary is bound read-only inside run sandboxes.
inline constexpr char kBinaryMount[] = "/prog/solution";

// The registry: every loaded definition, in folder order then file-name order.
const std::vector<Language>& Languages();
const Language* FindLanguage(const std::string& name);
// The language whose name or alias is `tag` (case-insensitive), or null.
const Language* FindLanguageByTag(const std::string& tag);
std::string LanguageNames();  // "bash, c, cpp, python" for messages
// Why the registry is incomplete ("languages/x.yaml:3:5: ..."), empty when all loaded.
const std::string& LanguageRegistryError();
// The folders the registry loads, in order (the bundled one first).
std::vector<std::string> LanguageFolders();
// The folder holding the bundled languages/ folder (its parent; the source tree), which
// definitions name as "{proctor_root}" in paths and commands.
std::string ProctorRoot();

}  // namespace proctor::grader
