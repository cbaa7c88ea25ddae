// Gymnasium's OrderEnforcing: refuses Step() before the first Reset() and after the episode
// ended (terminated or truncated) until the next Reset(). MakeEnv() puts it outermost on every
// registered env, so no env has to defend its own state machine.
#pragma once

#include <memory>

#include "envs/env.h"

namespace proctor::envs {

class OrderEnforcing : public Env {
 public:
  explicit OrderEnforcing(std::unique_ptr<Env> inner) : inner_(std::move(inner)) {}

  // A Reset() that throws leaves the env needing a reset.
  nlohmann::json Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                       nlohmann::json* info) override;
  // Throws EnvError::kBadState out of order; otherwise forwards. A Step() that throws (bad
  // action, grading failure) leaves the episode running.
  StepResult Step(const nlohmann::json& action) override;

 private:
  enum class State : uint8_t { kNeedsReset, kRunning, kEnded };

  std::unique_ptr<Env> inner_;
  State state_ = State::kNeedsReset;
};

}  // namespace proctor::envs
