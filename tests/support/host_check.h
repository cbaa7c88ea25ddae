// Host invariants the hostile-case tests assert after each run (see
// shared/adversarial/README.md, "Conventions for checking the host").
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace proctor::testing {

// Paths containing "ADVMARK" in the places a hostile case might leave a trace.
std::vector<std::string> FindAdvmarkPaths(const std::vector<std::string>& extra_dirs = {});
// Live processes whose name or command line contains "ADVMARK".
std::vector<std::string> FindAdvmarkProcesses();
// Directories of runs still present under Proctor's cgroups (should be none between runs).
std::vector<std::string> LeftoverRunCgroups();
// Processes of the runs `owner` (a process using the sandbox) has in progress: those in its
// runs' cgroups (<owner pid>-<n>) and in its fork server's warm slots (slot-<zygote>-<n>, the
// zygote a child of owner). A slot's holder (which lives in its slot's cgroup) is not
// counted: an idle slot has none.
std::vector<pid_t> RunProcesses(pid_t owner);

struct CommandOutput {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs argv (no shell) and captures both streams.
CommandOutput RunCommand(const std::vector<std::string>& argv);
// Starts argv (no shell) with stdin on /dev/null and stdout, stderr on the given descriptors
// (-1: /dev/null); returns its pid without waiting.
pid_t Spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd);

std::string ReadFileOrEmpty(const std::string& path);

}  // namespace proctor::testing
