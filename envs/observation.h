// The observation both envs return (docs/protocol.md, "Observations"):
//
//   {"task_id", "pack", "language", "prompt", "public_tests": [{name, kind, input, expected}],
//    "turn", "max_turns", "feedback", "text"}
//
// "turn" counts the graded attempts made so far (0 after reset); "feedback" is null or
// feedback.h's object; "text" renders all of it (plus the starter code of the language, if the
// task has one) as plain text for a language model. Built on demand from the task: an idle
// env stores none of it.
#pragma once

#include <nlohmann/json.hpp>

#include "grader/task/model.h"

namespace proctor::envs {

struct ObservationParts {
  const grader::task::Pack& pack;
  const grader::task::Task& task;
  grader::task::Language language;  // the episode's language
  int turn = 0;                     // graded attempts so far
  int max_turns = 1;                // attempts the episode allows
  nlohmann::json feedback;          // null, or MakeFeedback()'s object
  bool over = false;                // the episode ended (terminated or truncated)
};

nlohmann::json MakeObservation(const ObservationParts& parts);

}  // namespace proctor::envs
