// The zygote's preloaded CPython: started once as `python3 -I -S -B` would start, warmed with
// the modules runs use, then forked per run; the run's program process executes the script
// in-process instead of exec'ing a fresh interpreter.
#pragma once

#include <string>
#include <vector>

#include "sandbox/keeper/run_init.h"
#include "sandbox/zygote/python_runtime.h"

namespace proctor::sandbox::zygote {

// Initializes the interpreter (isolated, no site, no bytecode), imports `preload` and loads
// `runtime` (none when its host_dir is empty).
bool StartPython(const std::vector<std::string>& preload, const PythonRuntime& runtime,
                 std::string* error);

// The hooks RunInit uses: which runs can skip execve, and how they run.
const keeper::InProcessProgram& PythonInProcess();

}  // namespace proctor::sandbox::zygote
