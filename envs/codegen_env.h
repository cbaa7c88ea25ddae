// proctor/codegen-v0: one attempt per episode. Reset shows a task (prompt + public tests);
// the single Step grades the answer, returns the grader's reward and terminates. There is no
// feedback: the observation after the step has "turn": 1 and "feedback": null.
//
// An ungradeable step (reward unset) does not count: the episode stays open (turn 0, neither
// flag set) and the same action may be stepped again, or the env reset.
#pragma once

#include <memory>

#include "envs/task_env.h"

namespace proctor::envs {

inline constexpr char kCodegenEnvId[] = "proctor/codegen-v0";

class CodegenEnv : public TaskEnv {
 public:
  CodegenEnv(const EnvContext& context, const EnvOptions& options)
      : TaskEnv(context, options, /*max_turns=*/1) {}

  StepResult Step(const nlohmann::json& action) override;
};

// The options the env accepts, with their defaults (options.h describes them).
nlohmann::json CodegenDefaultOptions();
// The registered env, unwrapped by OrderEnforcing (MakeEnv adds that): TurnLimit(1, codegen).
std::unique_ptr<Env> MakeCodegenEnv(const EnvContext& context, const nlohmann::json& options);

}  // namespace proctor::envs
