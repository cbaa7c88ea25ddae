#include "envs/order_enforcing.h"

namespace proctor::envs {

nlohmann::json OrderEnforcing::Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                                     nlohmann::json* info) {
  state_ = State::kNeedsReset;
  nlohmann::json obs = inner_->Reset(seed, options, info);
  state_ = State::kRunning;
  return obs;
}

StepResult OrderEnforcing::Step(const nlohmann::json& action) {
  if (state_ == State::kNeedsReset) throw EnvError::BadState("step before reset: call reset first");
  if (state_ == State::kEnded)
    throw EnvError::BadState(
        "step after the episode ended (terminated or truncated): call "
        "reset to start a new one");
  StepResult r = inner_->Step(action);
  if (r.terminated || r.truncated) state_ = State::kEnded;
  return r;
}

}  // namespace proctor::envs
