// Python code the zygote compiles (and, for library modules, executes) once at start-up so
// that runs do not: Proctor's own runner scripts and the modules they load. A run's copy is
// used only when the file the run sees inside its sandbox has exactly the preloaded bytes, so
// a run always executes what its own file system holds.
#pragma once

#include <string>
#include <vector>

namespace proctor::sandbox::zygote {

struct PythonRuntime {
  std::string host_dir;      // where the zygote reads the .py files
  std::string sandbox_dir;   // where runs see the same files (a read-only bind)
  std::vector<std::string> modules;  // stems executed at start-up as library modules
};

// The zygote's command-line arguments for `runtime` (--runtime-host DIR --runtime-sandbox DIR
// --runtime-module NAME...), and their parser (false with `error` on anything else).
std::vector<std::string> PythonRuntimeArgs(const PythonRuntime& runtime);
bool ParsePythonRuntimeArgs(const std::vector<std::string>& args, PythonRuntime* out,
                            std::string* error);

}  // namespace proctor::sandbox::zygote
