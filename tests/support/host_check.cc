#include "tests/support/host_check.h"

#include <dirent.h>
#include <signal.h>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace proctor::testing {
namespace {

void Scan(const std::string& dir, int depth, std::vector<std::string>* found) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string path = (dir == "/" ? "" : dir) + "/" + name;
    if (name.find("ADVMARK") != std::string::npos) found->push_back(path);
    if (depth > 0 && e->d_type == DT_DIR && path != "/proc" && path != "/sys")
      Scan(path, depth - 1, found);
  }
  ::closedir(d);
}

}  // namespace

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> FindAdvmarkPaths(const std::vector<std::string>& extra_dirs) {
  std::vector<std::string> found;
  Scan("/", 0, &found);
  std::vector<std::string> dirs = {"/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/etc", "/run"};
  if (const char* home = std::getenv("HOME")) dirs.push_back(home);
  dirs.insert(dirs.end(), extra_dirs.begin(), extra_dirs.end());
  for (const std::string& d : dirs) Scan(d, 3, &found);
  return found;
}

std::vector<std::string> FindAdvmarkProcesses() {
  std::vector<std::string> found;
  DIR* d = ::opendir("/proc");
  while (dirent* e = d ? ::readdir(d) : nullptr) {
    std::string pid = e->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = ReadFileOrEmpty("/proc/" + pid + "/cmdline") +
                      ReadFileOrEmpty("/proc/" + pid + "/comm");
    if (cmd.find("ADVMARK") != std::string::npos) found.push_back(pid + ": " + cmd);
  }
  if (d) ::closedir(d);
  return found;
}

std::vector<std::string> LeftoverRunCgroups() {
  std::vector<std::string> found;
  for (const char* c : {"memory", "pids", "cpuacct"}) {
    std::string base = std::string("/sys/fs/cgroup/") + c + "/proctor";
    DIR* d = ::opendir(base.c_str());
    while (dirent* e = d ? ::readdir(d) : nullptr) {
      std::string name = e->d_name;
      if (e->d_type != DT_DIR || name == "." || name == ".." || name.rfind("probe-", 0) == 0)
        continue;
      // A live fork server's warm slots (slot-<zygote pid>-<n>) stay between runs by design;
      // the pool itself verifies each is empty after every run. A dead server's are leftovers.
      pid_t owner = 0;
      if (std::sscanf(name.c_str(), "slot-%d-", &owner) == 1 && owner > 0 &&
          (::kill(owner, 0) == 0 || errno == EPERM))
        continue;
      found.push_back(base + "/" + name);
    }
    if (d) ::closedir(d);
  }
  return found;
}

std::vector<pid_t> RunProcesses(pid_t owner) {
  std::vector<pid_t> pids;
  const std::string base = "/sys/fs/cgroup/pids/proctor";
  DIR* d = ::opendir(base.c_str());
  while (dirent* e = d ? ::readdir(d) : nullptr) {
    std::string name = e->d_name;
    if (e->d_type != DT_DIR || name == "." || name == "..") continue;
    int zygote = 0, ppid = 0;
    bool mine = name.rfind(std::to_string(owner) + "-", 0) == 0;
    if (!mine && std::sscanf(name.c_str(), "slot-%d-", &zygote) == 1) {
      std::istringstream stat(ReadFileOrEmpty("/proc/" + std::to_string(zygote) + "/stat"));
      std::string skip;
      stat >> skip >> skip >> skip >> ppid;  // pid (comm) state ppid
      mine = ppid == owner;
    }
    if (!mine) continue;
    std::istringstream in(ReadFileOrEmpty(base + "/" + name + "/cgroup.procs"));
    pid_t pid;
    while (in >> pid) {
      // A warm slot's holder lives in its slot's cgroup between runs: not a run's process.
      if (ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/comm") == "proctor-slot\n") continue;
      pids.push_back(pid);
    }
  }
  if (d) ::closedir(d);
  return pids;
}

pid_t Spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(stdout_fd >= 0 ? stdout_fd : null, 1);
    ::dup2(stderr_fd >= 0 ? stderr_fd : null, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

CommandOutput RunCommand(const std::vector<std::string>& argv) {
  CommandOutput result;
  char out_path[] = "/tmp/proctor-test-outXXXXXX";
  char err_path[] = "/tmp/proctor-test-errXXXXXX";
  int out_fd = ::mkstemp(out_path), err_fd = ::mkstemp(err_path);
  pid_t pid = Spawn(argv, out_fd, err_fd);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFileOrEmpty(out_path);
  result.err = ReadFileOrEmpty(err_path);
  ::close(out_fd);
  ::close(err_fd);
  ::unlink(out_path);
  ::unlink(err_path);
  return result;
}

}  // namespace proctor::testing
