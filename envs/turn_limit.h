// Gymnasium's TimeLimit, counted in graded attempts: the step that makes the `max_turns`-th
// graded attempt without terminating comes back with truncated = true. Ungradeable steps
// (reward unset: Proctor failed) do not count, matching the envs, which do not advance their
// turn for them. A step past the limit throws EnvError::kBadState.
#pragma once

#include <memory>

#include "envs/env.h"

namespace proctor::envs {

class TurnLimit : public Env {
 public:
  TurnLimit(std::unique_ptr<Env> inner, int max_turns)
      : inner_(std::move(inner)), max_turns_(max_turns) {}

  nlohmann::json Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                       nlohmann::json* info) override;
  StepResult Step(const nlohmann::json& action) override;

 private:
  std::unique_ptr<Env> inner_;
  int max_turns_;
  int turns_ = 0;  // graded attempts in this episode
};

}  // namespace proctor::envs
