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

// Keys a caller may add beside a submission that are never graded but carried through, as
// given, to its result (docs/results.md): "id" (a string or an integer, names the result and
// its JUnit test case) and "meta" (any JSON value). No other unknown key is carried: a typo
// of a submission key ("extarct") must stay an error, not silently change the grading. Only
// callers that opt in use these (`proctor grade`); the server's params are unchanged.
bool IsCarriedKey(const std::string& key);

// Copies the carried keys present in `object` into *out (a JSON object, key by key).
// BodyError{"id", ...} when "id" is neither a string nor an integer.
std::optional<BodyError> ReadCarriedKeys(const nlohmann::json& object, nlohmann::json* out);

// A key equal for two submissions exactly when they would be graded the same way.
std::string SubmissionKey(const Submission& s);

}  // namespace proctor::grader
