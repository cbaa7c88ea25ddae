// proctor/repair-v0: up to max_turns attempts at one task. After a failing graded attempt the
// observation's "feedback" holds the first failing public test and any compile error or
// stderr tail (feedback.h; never hidden-test content). The episode terminates when an attempt
// earns reward 1.0 and is truncated after max_turns graded attempts. Per-step rewards follow
// option reward_mode (reward_mode.h): "final" pays the last attempt's grade on the last step,
// "improvement" pays each gain over the best grade so far.
//
// An ungradeable step (reward unset) does not count: the turn does not advance, neither flag
// is set, "feedback" is null in its observation, and the action may be stepped again.
#pragma once

#include <memory>

#include "envs/task_env.h"

namespace proctor::envs {

inline constexpr char kRepairEnvId[] = "proctor/repair-v0";
inline constexpr int kDefaultMaxTurns = 4;

class RepairEnv : public TaskEnv {
 public:
  RepairEnv(const EnvContext& context, const EnvOptions& options)
      : TaskEnv(context, options, options.max_turns) {}

  // Returns the attempt's own grade as the reward; RewardModeWrapper turns it into the
  // per-step reward, TurnLimit sets `truncated`.
  StepResult Step(const nlohmann::json& action) override;
};

nlohmann::json RepairDefaultOptions();
// The registered env, unwrapped by OrderEnforcing (MakeEnv adds that):
// RewardModeWrapper(TurnLimit(max_turns, repair)).
std::unique_ptr<Env> MakeRepairEnv(const EnvContext& context, const nlohmann::json& options);

}  // namespace proctor::envs
