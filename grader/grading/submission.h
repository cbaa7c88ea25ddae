// One submission as a client sends it: a whole program, a completion of the task's starter,
// or a chat. extract.h turns it into the program that is graded (docs/extraction.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proctor::grader {

// How the code to grade is found in a submission's text.
enum class ExtractMode {
  kAuto,    // the best markdown fence of the language if there is one, else the text itself
  kFenced,  // a fence is required: text without one is the model's failure (verdict no_code)
  kRaw,     // the text is the code, byte for byte: nothing is taken out
};

inline constexpr ExtractMode kDefaultExtractMode = ExtractMode::kAuto;

std::string_view ExtractModeName(ExtractMode mode);  // "auto", "fenced", "raw"
std::optional<ExtractMode> ExtractModeFromName(std::string_view name);

// One message of a chat (OpenAI / TRL conversational form), content as text.
struct ChatMessage {
  std::string role;
  std::string content;
};

struct Submission {
  std::string task_id;
  std::string language;  // "python" or "cpp"; empty: the task's first
  // Exactly one of the three is set.
  std::optional<std::string> code;        // a whole program, or a model's answer holding one
  std::optional<std::string> completion;  // continues the task's starter (HumanEval style)
  std::optional<std::vector<ChatMessage>> messages;  // the last assistant message is graded
  ExtractMode extract = kDefaultExtractMode;
};

}  // namespace proctor::grader
