#include "envs/reward_mode.h"

#include <algorithm>

namespace proctor::envs {

std::string_view RewardModeName(RewardMode mode) {
  return mode == RewardMode::kFinal ? "final" : "improvement";
}

std::optional<RewardMode> RewardModeFromName(std::string_view name) {
  for (RewardMode m : {RewardMode::kFinal, RewardMode::kImprovement})
    if (RewardModeName(m) == name) return m;
  return std::nullopt;
}

nlohmann::json RewardModeWrapper::Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                                        nlohmann::json* info) {
  nlohmann::json obs = inner_->Reset(seed, options, info);
  best_ = 0;
  return obs;
}

StepResult RewardModeWrapper::Step(const nlohmann::json& action) {
  StepResult r = inner_->Step(action);
  if (!r.reward) return r;
  const double attempt = *r.reward;
  const double previous_best = best_;
  best_ = std::max(best_, attempt);
  if (mode_ == RewardMode::kFinal) {
    r.reward = r.terminated || r.truncated ? attempt : 0.0;
  } else {
    r.reward = best_ - previous_best;
  }
  r.info["attempt_reward"] = attempt;
  r.info["best_reward"] = best_;
  return r;
}

}  // namespace proctor::envs
