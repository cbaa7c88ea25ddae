// What the run's init (pid 1 of the run's pid namespace) tells the keeper when the program is
// done. Plain bytes over a pipe: both ends are the same binary.
#pragma once

namespace proctor::sandbox::keeper {

struct InitReport {
  int setup_failed = 0;      // the sandbox could not be built (Proctor's failure)
  char stage[64] = {};       // which step failed
  int err = 0;               // its errno
  char detail[256] = {};     // the path or value involved
  int exec_errno = 0;        // the program could not be exec'd
  int main_reaped = 0;
  int main_status = 0;       // waitpid() status of the program
  double main_exit_at = 0;   // CLOCK_MONOTONIC seconds
  double violation_at = -1;  // first process of the run killed by SIGSYS (seccomp)
  int disk_full = 0;         // the writable space had no free block or inode left
  int outputs_failed = 0;    // an output file could not be copied out
  int output_errno = 0;      // ... because the host could not take it (e.g. ENOSPC): Proctor's
  char output_name[64] = {};  // failure; the first such output's name
};

// What the program's process tells init when a setup step before its program failed (a
// Proctor failure) or execve itself failed (the program's: e.g. ENOENT). Written once, from a
// process that may not allocate.
struct ProgramSetupFailure {
  int err = 0;
  int exec = 0;          // 1: execve failed; 0: a setup step (stage) failed
  char stage[48] = {};   // e.g. "credentials: setresuid"; reported as "program setup: <stage>"
};

}  // namespace proctor::sandbox::keeper
