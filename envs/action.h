// The action of a step, checked and turned into a grader submission:
//
//   {"code": str}        a whole program
//   {"completion": str}  appended to the task's starter (or prompt), HumanEval style
//   "language": str      optional; one of the task's languages; default the episode's
//
// Exactly one of code / completion; any other key is an error.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "grader/grading/grader.h"
#include "grader/task/model.h"

namespace proctor::envs {

inline constexpr size_t kMaxActionSourceBytes = 1 << 20;  // code or completion, bytes

// Throws EnvError (kInvalidArgument, param "action" or "action.<key>") when malformed.
grader::Submission ParseAction(const nlohmann::json& action, const grader::task::Task& task,
                               grader::task::Language episode_language);

}  // namespace proctor::envs
