// Grades one submission of one task: compile once, run every test (call, stdio, unit) in the
// sandbox, compare outside it, and score. Proctor's own failures are retried once and then
// reported as "ungradeable" (reward unset), never as a reward of 0.
//
//   Grader grader(sandbox, pack, {});
//   SubmissionReport r = grader.Grade(*pack.FindTask("add"), {.task_id = "add", .code = src});
//
// Grade first finds the code in the submission (extract.h: markdown fences, chats, starter
// completions); a submission without code gets the verdict no_code and reward 0.
#pragma once

#include <optional>
#include <string>

#include "grader/grading/report.h"
#include "grader/grading/submission.h"
#include "grader/task/model.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {

struct GraderConfig {
  // Folder with the trusted Python runners (grader/python); bound read-only into sandboxes.
  std::string python_runtime_dir;
  int infra_retries = 1;  // extra attempts when Proctor itself failed
  // A grading is graded once more before being reported when the machine's load can explain
  // one of its time limits: a run (or the compile) killed by its wall clock while on a CPU for
  // less than kLoadCpuShare of that time (verdict.h LoadCanExplain). A CPU-time kill, or a
  // wall kill of a run that computed nearly all the time, is the program's own and is never
  // re-run. The report then says so ("rerun", with the reason). 0 disables; at most 1 is used.
  int time_limit_reruns = 1;
  // all_or_nothing scoring stops at the first failed counted test and skips the rest (the
  // reward is 0 either way). `pack check` turns it off to see every test's verdict.
  bool early_stop = true;
  // Grade every test even where `scoring: max_tests` picks fewer: `pack check` and the
  // calibration must see every test accept the references.
  bool all_tests = false;
};

// Where the runners are by default: $PROCTOR_PYTHON_DIR, else the source tree's folder.
std::string DefaultPythonRuntimeDir();
// What the fork server preloads for the runners: the runtime folder as runs see it, and the
// library modules the runners load (their _load_sibling) executed once.
sandbox::zygote::PythonRuntime RunnersPreload();

class Grader {
 public:
  Grader(sandbox::Sandbox& sandbox, const task::Pack& pack, GraderConfig config);

  SubmissionReport Grade(const task::Task& task, const Submission& submission);
  const task::Task* FindTask(const std::string& id) const;
  const task::Pack& pack() const { return pack_; }

 private:
  SubmissionReport GradeOnce(const task::Task& task, const Submission& submission);
  SubmissionReport GradeWithRetries(const task::Task& task, const Submission& submission);
  // The report of a submission in which no code was found: every test no_code, reward 0.
  // The report's header fields (task, language, scoring, pack, limits), no tests yet.
  SubmissionReport ReportShell(const task::Task& task, const Submission& submission) const;
  SubmissionReport NoCodeReport(const task::Task& task, const Submission& submission,
                                const std::string& why) const;

  sandbox::Sandbox& sandbox_;
  const task::Pack& pack_;
  GraderConfig config_;
  std::vector<std::string> python_package_paths_;  // of pack_.python_packages, bound in Python runs
};

// The program text a submission stands for (extract.h's BuildProgram); empty when there is
// no code in it (Grade reports that as no_code).
std::string ProgramText(const task::Task& task, const Submission& submission);
sandbox::Limits ToSandboxLimits(const task::Limits& limits);
nlohmann::json LimitsToJson(const task::Limits& limits);

}  // namespace proctor::grader
