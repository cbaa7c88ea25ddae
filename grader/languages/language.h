// Languages are a table: where the source goes, how to compile it, how to run it, which host
// paths its toolchain needs to see, and the limits of the compile step. Adding a language is
// mostly a new row in language.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sandbox/policy.h"

namespace proctor::grader {

struct Language {
  std::string name;                           // "python", "cpp"
  std::string source_file;                    // name of the source in the work dir
  std::vector<std::string> compile_argv;      // empty: interpreted, no compile step
  std::string binary_file;                    // what the compile step leaves in the work dir
  // How to run: "{source}" is replaced by the source path, "{binary}" by the compiled binary.
  std::vector<std::string> run_argv;
  std::vector<std::string> readonly_paths;    // host paths the run needs (toolchain, runtime)
  std::vector<std::string> compile_readonly_paths;
  sandbox::Limits compile_limits;             // the compile step's own limits
  // A precompiled header (C++: <bits/stdc++.h>), empty: none. `pch_header` is the include
  // name; `pch_argv` builds it, "{header}" replaced by the header's absolute path and
  // "{output}" by the .gch file. IMPORTANT: pch_argv must carry exactly the flags of
  // compile_argv (g++ silently ignores a PCH built with other flags).
  std::string pch_header;
  std::vector<std::string> pch_argv;
};

// Where a precompiled header's directory is bound read-only inside compile sandboxes; compiles
// that use it get -I<kPchMount> so that <pch_header> resolves to <kPchMount>/<pch_header>.gch.
inline constexpr char kPchMount[] = "/pch";

// Where a compiled binary is bound read-only inside run sandboxes.
inline constexpr char kBinaryMount[] = "/prog/solution";

const std::vector<Language>& Languages();
const Language* FindLanguage(const std::string& name);
std::string LanguageNames();  // "python, cpp" for messages

}  // namespace proctor::grader
