#include "sandbox/zygote/python_runtime.h"

namespace proctor::sandbox::zygote {

std::vector<std::string> PythonRuntimeArgs(const PythonRuntime& runtime) {
  if (runtime.host_dir.empty()) return {};
  std::vector<std::string> args = {"--runtime-host", runtime.host_dir, "--runtime-sandbox",
                                   runtime.sandbox_dir};
  for (const std::string& m : runtime.modules) {
    args.push_back("--runtime-module");
    args.push_back(m);
  }
  return args;
}

bool ParsePythonRuntimeArgs(const std::vector<std::string>& args, PythonRuntime* out,
                            std::string* error) {
  for (size_t i = 0; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) {
      *error = "missing value after " + args[i];
      return false;
    }
    const std::string& value = args[i + 1];
    if (args[i] == "--runtime-host") out->host_dir = value;
    else if (args[i] == "--runtime-sandbox") out->sandbox_dir = value;
    else if (args[i] == "--runtime-module") out->modules.push_back(value);
    else {
      *error = "unknown argument " + args[i];
      return false;
    }
  }
  if (out->host_dir.empty() != out->sandbox_dir.empty()) {
    *error = "--runtime-host and --runtime-sandbox go together";
    return false;
  }
  return true;
}

}  // namespace proctor::sandbox::zygote
