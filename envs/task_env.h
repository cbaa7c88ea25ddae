// What both envs share: drawing a task on Reset(), grading an action against it, building
// observations and step info. Subclasses decide what a graded step means (Step()).
//
// Reset() options: {"task_id"?: str} only. Reset info: {"task_id", "pack", "title", "split",
// "seed" (when given)}. Step info: {"report": the grading report (docs/results.md),
// "ungradeable": bool, "turn": graded attempts so far}.
//
// Memory: an idle env is 96 bytes (pointers, counters and the copied `grade` function);
// prompts and tests stay in the pack and are rendered on demand.
#pragma once

#include "envs/env.h"
#include "envs/options.h"
#include "envs/task_picker.h"

namespace proctor::envs {

class TaskEnv : public Env {
 public:
  nlohmann::json Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                       nlohmann::json* info) override;

 protected:
  TaskEnv(const EnvContext& context, const EnvOptions& options, int max_turns);

  // Parses the action (EnvError when malformed) and grades it against the current task.
  // Throws EnvError::kBadState when no episode was started.
  grader::SubmissionReport Grade(const nlohmann::json& action);
  nlohmann::json Observation(nlohmann::json feedback, bool over) const;
  nlohmann::json StepInfo(const grader::SubmissionReport& report) const;

  const grader::task::Task& task() const { return *task_; }
  int max_turns() const { return max_turns_; }

  int turn_ = 0;  // graded attempts in this episode

 private:
  grader::ExtractMode extract_;  // for actions that do not name their own (beside turn_)
  decltype(EnvContext::grade) grade_;
  TaskPicker picker_;
  const grader::task::Task* task_ = nullptr;  // the episode's task; null before Reset()
  grader::task::Language language_ = grader::task::Language::kPython;  // the episode's
  int max_turns_;
};

}  // namespace proctor::envs
