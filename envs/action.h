// The action of a step, checked and turned into a grader submission:
//
//   {"code": str}          a whole program (or a model's answer holding one in a fence)
//   {"completion": str}    continues the task's starter, HumanEval style; whole code for a
//                          task without a starter
//   {"messages": [...]}    a chat: the last assistant message's content is graded
//   "language": str        optional; one of the task's languages; default the episode's
//   "extract": str         optional; "auto" | "fenced" | "raw" (docs/extraction.md); default
//                          the env's "extract" option
//
// Exactly one of code / completion / messages; any other key is an error.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "grader/grading/grader.h"
#include "grader/task/model.h"

namespace proctor::envs {

inline constexpr size_t kMaxActionSourceBytes = 1 << 20;  // code, completion or messages' text

// Throws EnvError (kInvalidArgument, param "action" or "action.<key>") when malformed.
// `default_extract` applies when the action has no "extract".
grader::Submission ParseAction(const nlohmann::json& action, const grader::task::Task& task,
                               grader::task::Language episode_language,
                               grader::ExtractMode default_extract = grader::kDefaultExtractMode);

}  // namespace proctor::envs
