// proctor pack deps DIR [--install]: the Debian packages a pack needs (pack.yaml
// `python_packages`), one per line; --install installs those that are missing with apt-get.
// Reads pack.yaml alone, so that it works before the packages are installed (when the pack
// itself does not load yet).
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "grader/task/python_packages.h"

namespace proctor::cli {
namespace task = grader::task;

CommandLine PackDepsCommandLine() {
  return {"proctor pack deps DIR [--install]",
          "Prints the Debian packages the pack's tasks may import (pack.yaml python_packages),\n"
          "one per line, the missing ones marked on stderr. With --install, runs apt-get "
          "install for\nthe missing ones (as root). Exit code 0 when all are installed (or "
          "were installed), 1 when\nsome are missing or apt-get failed, 2 when pack.yaml cannot "
          "be read.",
          {{"install", false, false, "install the missing packages with apt-get"}, HelpFlag()}};
}

int PackDepsCommand(const Flags& flags) {
  if (flags.positionals().size() != 1) {
    std::cerr << "proctor pack deps: expected one pack DIR (see --help)\n";
    return 2;
  }
  const std::string file = (std::filesystem::path(flags.positionals()[0]) / "pack.yaml").string();
  std::vector<std::string> names;
  try {
    const YAML::Node packages = YAML::LoadFile(file)["python_packages"];
    if (packages && !packages.IsSequence()) throw YAML::Exception(packages.Mark(), "not a list");
    for (const YAML::Node& item : packages) {
      const std::string name = item.as<std::string>();
      if (!task::IsPythonPackageName(name))
        throw YAML::Exception(item.Mark(), "not a python3-* package name: " + name);
      names.push_back(name);
    }
  } catch (const YAML::Exception& e) {
    std::cerr << file << ":" << e.mark.line + 1 << ":" << e.mark.column + 1
              << ": python_packages: " << e.msg << "\n";
    return 2;
  }
  std::vector<std::string> missing;
  for (const std::string& name : names) {
    std::vector<std::string> seen;
    std::cout << name << "\n";
    if (!task::ResolvePythonPackage(name, &seen)) {
      std::cerr << "not installed: " << name << "\n";
      missing.push_back(name);
    }
  }
  if (missing.empty()) return 0;
  if (!flags.Has("install")) {
    std::cerr << "install with: " << task::InstallCommand(missing) << "\n";
    return 1;
  }
  std::vector<std::string> argv = {"apt-get", "install", "-y", "--no-install-recommends"};
  argv.insert(argv.end(), missing.begin(), missing.end());
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::cout.flush();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0) {
    std::cerr << "proctor pack deps: apt-get install failed\n";
    return 1;
  }
  return 0;
}

}  // namespace proctor::cli
