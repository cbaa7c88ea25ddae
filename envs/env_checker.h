// The conformance checker every registered env must pass, after Gymnasium's
// utils/env_checker.py. It drives envs through the contract of env.h and reports every
// violation it sees:
//
//   - Step() before Reset() throws EnvError::kBadState;
//   - Reset() returns an observation with the keys and types of observation.h (turn 0, no
//     feedback) and fills an object info; unknown reset options throw kInvalidArgument;
//   - the same seed gives the same observation, on a fresh env and on a used one, and an
//     unseeded fresh env always starts with the same observation (no clock, no global RNG);
//   - malformed actions throw kInvalidArgument and leave the episode unchanged;
//   - every Step() returns a valid observation, a reward unset or in [0, 1], an info object
//     with "report" and "ungradeable", never both flags; graded steps advance "turn" by one;
//     the episode ends within "max_turns" graded steps;
//   - Step() after the end throws kBadState until Reset(), after which stepping works again.
//
// It grades at most max_turns + 1 actions per env (plus retries of ungradeable ones).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "envs/env.h"

namespace proctor::envs {

struct CheckConfig {
  uint64_t seed = 0;
  // A well-formed action to step with; any grade is fine, but an action that never solves
  // the task also exercises truncation.
  nlohmann::json action = {{"code", ""}};
  int max_ungradeable_retries = 2;  // per step, before giving up on the episode
};

// `make` builds a fresh env each call (e.g. a lambda around MakeEnv). Returns the problems
// found, each a sentence; empty means conformant.
std::vector<std::string> CheckEnv(const std::function<std::unique_ptr<Env>()>& make,
                                  const CheckConfig& config = {});

// Whether `observation` has the keys and types of observation.h; appends problems.
void CheckObservation(const nlohmann::json& observation, const std::string& where,
                      std::vector<std::string>* problems);

}  // namespace proctor::envs
