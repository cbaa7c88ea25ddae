#include "grader/languages/language_probe.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <sstream>

namespace proctor::grader {
namespace {

constexpr size_t kOutputCap = 64 * 1024;
constexpr unsigned kProbeSeconds = 10;

struct HostRun {
  bool started = false;
  int exit_code = -1;  // -1: killed by a signal
  std::string output;  // stdout and stderr, capped
};

// Runs a trusted command of a definition on the host: no shell, stdin from /dev/null,
// stdout and stderr merged, killed after kProbeSeconds.
HostRun RunOnHost(const std::vector<std::string>& argv) {
  HostRun run;
  int fds[2];
  if (argv.empty() || ::pipe2(fds, O_CLOEXEC) != 0) return run;
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return run;
  }
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::alarm(kProbeSeconds);  // survives exec: SIGALRM ends a hung probe
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (run.output.size() < kOutputCap) run.output.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.started = true;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace

std::string MatchVersion(const std::string& output, const std::string& pattern) {
  std::istringstream lines(output);
  std::string line;
  if (pattern.empty()) {
    while (std::getline(lines, line))
      if (line.find_first_not_of(" \t\r") != std::string::npos) return line;
    return "";
  }
  const std::regex re(pattern);
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_search(line, m, re)) return m.size() > 1 ? m[1].str() : m[0].str();
  }
  return "";
}

LanguageStatus ProbeLanguage(const Language& language) {
  LanguageStatus status;
  HostRun probe = RunOnHost(language.version.argv);
  const std::string command = language.version.argv.empty() ? "" : language.version.argv[0];
  if (!probe.started) {
    status.probe_error = "cannot start " + command;
  } else if (probe.exit_code == 127) {
    status.probe_error = command + " not found";
  } else if (probe.exit_code != 0) {
    status.probe_error = command + " exited " + std::to_string(probe.exit_code);
  } else if ((status.version = MatchVersion(probe.output, language.version.pattern)).empty()) {
    status.probe_error = "no version in the output of " + command;
  }
  for (const std::string& package : language.packages) {
    HostRun q = RunOnHost({"/usr/bin/dpkg-query", "-W", "-f=${Status}", package});
    if (!q.started || q.exit_code == 127) {
      status.packages_error = "cannot run /usr/bin/dpkg-query";
      break;
    }
    if (q.output.find("install ok installed") == std::string::npos)
      status.missing_packages.push_back(package);
  }
  return status;
}

}  // namespace proctor::grader
