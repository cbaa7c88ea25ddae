// Status precedence: the first cause wins, and Proctor's failures are never the program's.
#include <signal.h>

#include <gtest/gtest.h>

#include "sandbox/classify.h"

namespace proctor::sandbox {
namespace {

KeeperReply Exited(int code) {
  KeeperReply r;
  r.started = true;
  r.exited = true;
  r.exit_code = code;
  return r;
}

KeeperReply Killed(int sig) {
  KeeperReply r;
  r.started = true;
  r.term_signal = sig;
  return r;
}

Status StatusOf(const KeeperReply& reply, SupervisorObservations seen = {}) {
  Result r;
  Classify(reply, seen, &r);
  return r.status;
}

TEST(Classify, ExitZeroIsOkAndOtherCodesAreNonzeroExit) {
  EXPECT_EQ(StatusOf(Exited(0)), Status::kOk);
  EXPECT_EQ(StatusOf(Exited(3)), Status::kNonzeroExit);
}

TEST(Classify, WallTimeoutIsNotReportedAsTheKillThatEnforcedIt) {
  KeeperReply r = Killed(SIGKILL);
  r.kill_cause = KillCause::kWall;
  r.kill_at = 5.0;
  EXPECT_EQ(StatusOf(r), Status::kWallTimeout);
}

TEST(Classify, CpuTimeoutFromTheCgroupOrFromSigxcpu) {
  KeeperReply r = Killed(SIGKILL);
  r.kill_cause = KillCause::kCpu;
  r.kill_at = 2.0;
  EXPECT_EQ(StatusOf(r), Status::kCpuTimeout);
  EXPECT_EQ(StatusOf(Killed(SIGXCPU)), Status::kCpuTimeout);
}

TEST(Classify, EarliestCauseWinsBetweenOutputCapAndTimeout) {
  KeeperReply r = Killed(SIGKILL);
  r.kill_cause = KillCause::kWall;
  r.kill_at = 5.0;
  SupervisorObservations seen;
  seen.output_limit_at = 1.0;
  EXPECT_EQ(StatusOf(r, seen), Status::kOutputLimit);
  seen.output_limit_at = 6.0;
  EXPECT_EQ(StatusOf(r, seen), Status::kWallTimeout);
}

TEST(Classify, OutputCapKillRequestIsOutputLimit) {
  KeeperReply r = Killed(SIGKILL);
  r.kill_cause = KillCause::kRequest;
  r.kill_at = 0.2;
  SupervisorObservations seen;
  seen.output_limit_at = 0.1;
  EXPECT_EQ(StatusOf(r, seen), Status::kOutputLimit);
}

TEST(Classify, SeccompKillIsAViolationEvenInAChildProcess) {
  EXPECT_EQ(StatusOf(Killed(SIGSYS)), Status::kViolation);
  KeeperReply r = Exited(0);
  r.violation_at = 0.5;  // a child died of SIGSYS, the main process exited 0
  EXPECT_EQ(StatusOf(r), Status::kViolation);
}

TEST(Classify, OomKillIsMemoryLimitButOnlyWhenTheRunFailed) {
  KeeperReply r = Killed(SIGKILL);
  r.oom_killed = true;
  EXPECT_EQ(StatusOf(r), Status::kMemoryLimit);
  KeeperReply survived = Exited(0);
  survived.oom_killed = true;
  EXPECT_EQ(StatusOf(survived), Status::kOk);
}

TEST(Classify, FullDiskIsDiskLimitWhenTheProgramFailed) {
  KeeperReply r = Exited(1);
  r.disk_full = true;
  EXPECT_EQ(StatusOf(r), Status::kDiskLimit);
  EXPECT_EQ(StatusOf(Killed(SIGXFSZ)), Status::kDiskLimit);
  KeeperReply coped = Exited(0);
  coped.disk_full = true;
  EXPECT_EQ(StatusOf(coped), Status::kOk);
}

TEST(Classify, OtherSignalsAreSignaledWithTheSignalKept) {
  Result r;
  Classify(Killed(SIGSEGV), {}, &r);
  EXPECT_EQ(r.status, Status::kSignaled);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_EQ(r.detail, "killed by SEGV");
}

TEST(Classify, KeeperFailureIsSandboxErrorWhateverTheProgramDid) {
  SupervisorObservations seen;
  seen.keeper_failure = "keeper crashed";
  Result r;
  Classify(Exited(0), seen, &r);
  EXPECT_EQ(r.status, Status::kSandboxError);
  EXPECT_EQ(r.error, "keeper crashed");
  KeeperReply setup = Exited(0);
  setup.error = "mount /proc: Permission denied";
  EXPECT_EQ(StatusOf(setup), Status::kSandboxError);
}

TEST(Classify, CancelIsNeverBlamedOnTheProgram) {
  KeeperReply r = Killed(SIGKILL);
  r.kill_cause = KillCause::kRequest;
  SupervisorObservations seen;
  seen.cancelled = true;
  EXPECT_EQ(StatusOf(r, seen), Status::kSandboxError);
}

TEST(StatusNames, RoundTrip) {
  for (Status s : {Status::kOk, Status::kNonzeroExit, Status::kSignaled, Status::kWallTimeout,
                   Status::kCpuTimeout, Status::kMemoryLimit, Status::kOutputLimit,
                   Status::kDiskLimit, Status::kViolation, Status::kSandboxError})
    EXPECT_EQ(StatusFromName(StatusName(s)), s);
  EXPECT_EQ(StatusFromName("bogus"), std::nullopt);
}

}  // namespace
}  // namespace proctor::sandbox
