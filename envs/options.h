// Env options (env.make's "options"), checked against the env's defaults. Every key an env
// accepts appears in its EnvSpec::default_options; any other key is an error.
//
//   "pack"         string; the pack's name. null (default): the context's first pack
//   "split"        "all" (default) | "train" | "test"; see task_picker.h
//   "language"     "python" | "cpp"; only tasks allowing it are drawn. null (default): each
//                  task's first language
//   "max_turns"    repair only: graded attempts per episode, 1..kMaxTurnsLimit (default 4)
//   "reward_mode"  repair only: "final" (default) | "improvement"; see reward_mode.h
//   "extract"      "auto" (default) | "fenced" | "raw": how code is found in an action that
//                  does not name its own mode (docs/extraction.md)
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "envs/env.h"
#include "envs/reward_mode.h"
#include "envs/task_picker.h"
#include "grader/grading/submission.h"

namespace proctor::envs {

inline constexpr int kMaxTurnsLimit = 64;

struct EnvOptions {
  const grader::task::Pack* pack = nullptr;  // resolved from "pack"; never null
  Split split = Split::kAll;
  std::optional<grader::task::Language> language;  // unset: each task's first
  int max_turns = 1;
  RewardMode reward_mode = RewardMode::kFinal;
  grader::ExtractMode extract = grader::kDefaultExtractMode;
};

// Merges `given` (null or an object) over `defaults` and checks every value. Throws EnvError
// (kInvalidArgument, param "options.<key>") naming `env_id` and the key.
EnvOptions ParseEnvOptions(const std::string& env_id, const nlohmann::json& defaults,
                           const nlohmann::json& given, const EnvContext& context);

std::optional<grader::task::Language> LanguageFromName(std::string_view name);

}  // namespace proctor::envs
