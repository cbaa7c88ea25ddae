#include "envs/turn_limit.h"

namespace proctor::envs {

nlohmann::json TurnLimit::Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                                nlohmann::json* info) {
  nlohmann::json obs = inner_->Reset(seed, options, info);
  turns_ = 0;
  return obs;
}

StepResult TurnLimit::Step(const nlohmann::json& action) {
  if (turns_ >= max_turns_)
    throw EnvError::BadState("the episode used all " + std::to_string(max_turns_) +
                             " turns: call reset");
  StepResult r = inner_->Step(action);
  if (!r.reward) return r;
  ++turns_;
  if (turns_ >= max_turns_ && !r.terminated) r.truncated = true;
  return r;
}

}  // namespace proctor::envs
