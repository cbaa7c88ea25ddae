// Reading a submission's code from JSON, the same for `proctor grade` lines, JSON-RPC and
// HTTP grade params, and env actions (docs/extraction.md):
//
//   exactly one of  "code": str | "completion": str | "messages": [{"role", "content"}, ...]
//   optional        "extract": "auto" | "fenced" | "raw"
//
// A message's content is a string or a list of parts of which the {"type": "text"} ones
// count (OpenAI's form); the messages need at least one with role "assistant". Keys other
// than these (task_id, language) are the caller's to check.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "grader/grading/submission.h"

namespace proctor::grader {

struct BodyError {
  std::string key;      // what is wrong: "code", "messages[2].content", "extract", or ""
  std::string message;  // says what and where, e.g. "messages[2].content must be a string"
};

// The keys ReadSubmissionBody reads.
bool IsBodyKey(const std::string& key);

// Fills out->code / completion / messages and out->extract (default_mode when absent).
std::optional<BodyError> ReadSubmissionBody(const nlohmann::json& object,
                                            ExtractMode default_mode, Submission* out);

// An "extract" value: a string naming a mode. nullopt with *error otherwise.
std::optional<ExtractMode> ReadExtractMode(const nlohmann::json& value, std::string* error);

// A key equal for two submissions exactly when they would be graded the same way.
std::string SubmissionKey(const Submission& s);

}  // namespace proctor::grader
