#include "envs/task_env.h"

#include <cassert>

#include "envs/action.h"
#include "envs/observation.h"

namespace proctor::envs {

namespace task = grader::task;

TaskEnv::TaskEnv(const EnvContext& context, const EnvOptions& options, int max_turns)
    : extract_(options.extract),
      grade_(context.grade),
      picker_(*options.pack, options.split, options.language),
      max_turns_(max_turns) {
  assert(grade_ && "EnvContext::grade must be set");
}

nlohmann::json TaskEnv::Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                              nlohmann::json* info) {
  if (!options.is_null() && !options.is_object())
    throw EnvError::InvalidArgument("options", "reset options must be an object");
  const std::string* task_id = nullptr;
  if (options.is_object()) {
    for (const auto& [key, value] : options.items()) {
      if (key != "task_id")
        throw EnvError::InvalidArgument("options." + key,
                                        "unknown reset option '" + key + "' (known: task_id)");
      if (!value.is_string())
        throw EnvError::InvalidArgument("options.task_id", "options.task_id must be a string");
    }
    if (options.contains("task_id")) task_id = options["task_id"].get_ptr<const std::string*>();
  }
  const task::Task& picked = picker_.Pick(seed, task_id);
  task_ = &picked;
  // Tasks always allow at least one language (validated at load); an env language that the
  // task does not allow was rejected by the picker.
  language_ = picker_.language_or(picked.languages.front());
  turn_ = 0;
  if (info != nullptr) {
    *info = {{"task_id", picked.id},
             {"pack", picker_.pack().name},
             {"title", picked.title},
             {"split", std::string(SplitName(picker_.split()))}};
    if (seed) (*info)["seed"] = *seed;
  }
  return Observation(nullptr, false);
}

grader::SubmissionReport TaskEnv::Grade(const nlohmann::json& action) {
  if (task_ == nullptr) throw EnvError::BadState("step before reset: call reset first");
  grader::Submission submission = ParseAction(action, *task_, language_, extract_);
  return grade_(picker_.pack(), *task_, submission);
}

nlohmann::json TaskEnv::Observation(nlohmann::json feedback, bool over) const {
  assert(task_ != nullptr);
  return MakeObservation({.pack = picker_.pack(),
                          .task = *task_,
                          .language = language_,
                          .turn = turn_,
                          .max_turns = max_turns_,
                          .feedback = std::move(feedback),
                          .over = over});
}

nlohmann::json TaskEnv::StepInfo(const grader::SubmissionReport& report) const {
  return {{"report", report.ToJson()}, {"ungradeable", !report.reward}, {"turn", turn_}};
}

}  // namespace proctor::envs
