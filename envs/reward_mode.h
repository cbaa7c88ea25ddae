// How a repair episode's per-attempt grades become per-step rewards. Let r_t be the grader's
// reward of graded attempt t (1-based) and best_t = max(r_1..r_t), best_0 = 0:
//
//   kFinal        reward_t = 0 on every step that does not end the episode; on the step that
//                 ends it (terminated or truncated) reward_t = r_t, the LAST attempt's grade
//                 (not the best one). The episode's return is r_T.
//   kImprovement  reward_t = best_t - best_{t-1} = max(0, r_t - best_{t-1}), never negative;
//                 the episode's return is best_T, the best grade reached.
//
// Ungradeable steps (reward unset) pass through unset and change nothing. The wrapper adds
// info["attempt_reward"] (r_t) and info["best_reward"] (best_t) to graded steps. It must wrap
// TurnLimit, so that it sees `truncated` on the last turn.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "envs/env.h"

namespace proctor::envs {

enum class RewardMode : uint8_t { kFinal, kImprovement };

std::string_view RewardModeName(RewardMode mode);  // "final", "improvement"
std::optional<RewardMode> RewardModeFromName(std::string_view name);

class RewardModeWrapper : public Env {
 public:
  RewardModeWrapper(std::unique_ptr<Env> inner, RewardMode mode)
      : inner_(std::move(inner)), mode_(mode) {}

  nlohmann::json Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                       nlohmann::json* info) override;
  StepResult Step(const nlohmann::json& action) override;

 private:
  std::unique_ptr<Env> inner_;
  RewardMode mode_;
  double best_ = 0;  // best_t of this episode
};

}  // namespace proctor::envs
