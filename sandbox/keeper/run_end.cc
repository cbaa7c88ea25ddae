#include "sandbox/keeper/run_end.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace proctor::sandbox::keeper {
namespace {

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Copies one output file out without following links and without passing its bytes through
// this process' memory (sendfile), so nothing of it stays in a warm slot. False when the
// program left no such regular file within the cap (its doing); *host_errno is set when the
// host side could not take the bytes (a full or failing disk: Proctor's failure, never the
// program's).
bool CopyOut(const char* workdir, const char* name, uint64_t cap, int out_fd, int* host_errno) {
  char path[4096];
  if (std::snprintf(path, sizeof path, "%s/%s", workdir, name) >= static_cast<int>(sizeof path))
    return false;
  int fd = ::open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  bool ok = fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            static_cast<uint64_t>(st.st_size) <= cap;
  off_t offset = 0;
  while (ok && offset < st.st_size) {
    ssize_t n = ::sendfile(out_fd, fd, &offset, static_cast<size_t>(st.st_size - offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The file was read up to here; a short or failed write is the host's side (ENOSPC,
      // EDQUOT, EIO). A read error of the run's own tmpfs is not expected either.
      *host_errno = n < 0 ? errno : ENOSPC;
      ok = false;
    }
  }
  if (fd >= 0) ::close(fd);
  return ok;
}

}  // namespace

InitReport SuperviseProgram(pid_t main_pid, int exec_error_fd, const RunEndPlan& plan) {
  InitReport report;
  ProgramSetupFailure failure;
  if (::read(exec_error_fd, &failure, sizeof failure) == sizeof failure) {
    if (failure.exec) {
      report.exec_errno = failure.err;
    } else {
      // Failed before exec: a Proctor setup step, not the program.
      ::kill(main_pid, SIGKILL);
      ::waitpid(main_pid, nullptr, 0);
      report.setup_failed = 1;
      std::snprintf(report.stage, sizeof report.stage, "program setup: %s", failure.stage);
      report.err = failure.err;
      std::snprintf(report.detail, sizeof report.detail, "%s", plan.program);
    }
  }
  ::close(exec_error_fd);

  // Reap everything; the run ends when the program (main process) exits.
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS && report.violation_at < 0)
      report.violation_at = Now();
    if (pid == main_pid) {
      report.main_reaped = 1;
      report.main_status = status;
      report.main_exit_at = Now();
      // IMPORTANT: survivors (daemons, setsid children) die with the run. As pid 1 of the
      // run's namespace, kill(-1) reaches exactly the run's processes.
      if (plan.pid_ns) ::kill(-1, SIGKILL);
    }
  }

  if (plan.check_disk) {
    struct statvfs sv;
    if (::statvfs(plan.workdir, &sv) == 0 && (sv.f_bavail == 0 || sv.f_favail == 0))
      report.disk_full = 1;
  }
  // A missing or oversized output file is left absent on the host; the caller checks for it.
  for (size_t i = 0; i < plan.outputs; ++i) {
    int host_errno = 0;
    if (report.setup_failed == 0 &&
        !CopyOut(plan.workdir, plan.output_names[i], plan.output_caps[i], plan.output_fds[i],
                 &host_errno)) {
      report.outputs_failed = 1;
      if (host_errno != 0 && report.output_errno == 0) {
        report.output_errno = host_errno;
        std::snprintf(report.output_name, sizeof report.output_name, "%s",
                      plan.output_names[i]);
      }
    }
    ::close(plan.output_fds[i]);
  }
  return report;
}

}  // namespace proctor::sandbox::keeper
