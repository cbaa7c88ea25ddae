// Grades one submission of one task: compile once, run every test (call, stdio, unit) in the
// sandbox, compare outside it, and score. Proctor's own failures are retried once and then
// reported as "ungradeable" (reward unset), never as a reward of 0.
//
//   Grader grader(sandbox, pack, {});
//   SubmissionReport r = grader.Grade(*pack.FindTask("add"), {.task_id = "add", .code = src});
#pragma once

#include <optional>
#include <string>

#include "grader/grading/report.h"
#include "grader/task/model.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {

struct Submission {
  std::string task_id;
  std::string language;                   // "python" or "cpp"; empty: the task's first
  std::optional<std::string> code;        // a whole program
  std::optional<std::string> completion;  // appended to the task's prompt (HumanEval style)
};

struct GraderConfig {
  // Folder with the trusted Python runners (grader/python); bound read-only into sandboxes.
  std::string python_runtime_dir;
  int infra_retries = 1;  // extra attempts when Proctor itself failed
  // Gradings that ended in time_limit (or a compile stopped by its time limit) are graded
  // once more before being reported, since a busy machine can push a run over its wall
  // clock; the report then says so ("rerun"). 0 disables; at most 1 is used.
  int time_limit_reruns = 1;
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

  sandbox::Sandbox& sandbox_;
  const task::Pack& pack_;
  GraderConfig config_;
};

// The program text a submission stands for (code, or prompt + completion).
std::string ProgramText(const task::Task& task, const Submission& submission);
sandbox::Limits ToSandboxLimits(const task::Limits& limits);
nlohmann::json LimitsToJson(const task::Limits& limits);

}  // namespace proctor::grader
