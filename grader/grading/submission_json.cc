#include "grader/grading/submission_json.h"

namespace proctor::grader {
namespace {

constexpr size_t kMaxMessages = 1024;

std::optional<BodyError> ReadMessages(const nlohmann::json& list,
                                      std::vector<ChatMessage>* out) {
  if (!list.is_array() || list.empty() || list.size() > kMaxMessages)
    return BodyError{"messages", "\"messages\" must be a list of 1 to " +
                                     std::to_string(kMaxMessages) +
                                     " {\"role\", \"content\"} objects"};
  bool has_assistant = false;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    const nlohmann::json& m = list[i];
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() ||
        !m.contains("content"))
      return BodyError{where, where + " must be an object with a string \"role\" and a "
                                      "\"content\""};
    ChatMessage message;
    message.role = m["role"].get<std::string>();
    const nlohmann::json& content = m["content"];
    if (content.is_string()) {
      message.content = content.get<std::string>();
    } else if (content.is_array()) {
      // OpenAI's content parts: the text ones, in order.
      for (size_t j = 0; j < content.size(); ++j) {
        const nlohmann::json& part = content[j];
        if (!part.is_object() || part.value("type", "") != "text") continue;
        if (!part.contains("text") || !part["text"].is_string())
          return BodyError{where + ".content",
                           where + ".content[" + std::to_string(j) + "].text must be a string"};
        message.content += part["text"].get<std::string>();
      }
    } else if (!content.is_null()) {  // null: an assistant message that only called tools
      return BodyError{where + ".content",
                       where + ".content must be a string or a list of text parts"};
    }
    has_assistant |= message.role == "assistant";
    out->push_back(std::move(message));
  }
  if (!has_assistant)
    return BodyError{"messages", "\"messages\" has no message with role \"assistant\" (the "
                                 "answer to grade)"};
  return std::nullopt;
}

}  // namespace

bool IsBodyKey(const std::string& key) {
  return key == "code" || key == "completion" || key == "messages" || key == "extract";
}

bool IsCarriedKey(const std::string& key) { return key == "id" || key == "meta"; }

std::optional<BodyError> ReadCarriedKeys(const nlohmann::json& object, nlohmann::json* out) {
  if (object.contains("id")) {
    const nlohmann::json& id = object["id"];
    if (!id.is_string() && !id.is_number_integer()) {
      std::string given = id.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (given.size() > 80) given = given.substr(0, 80) + "...";
      return BodyError{"id", "\"id\" must be a string or an integer, not " + given};
    }
    (*out)["id"] = id;
  }
  if (object.contains("meta")) (*out)["meta"] = object["meta"];
  return std::nullopt;
}

std::optional<ExtractMode> ReadExtractMode(const nlohmann::json& value, std::string* error) {
  std::optional<ExtractMode> mode;
  if (value.is_string()) mode = ExtractModeFromName(value.get<std::string>());
  if (!mode)
    *error = "\"extract\" must be \"auto\", \"fenced\" or \"raw\", not " +
             value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return mode;
}

std::optional<BodyError> ReadSubmissionBody(const nlohmann::json& j, ExtractMode default_mode,
                                            Submission* out) {
  const int given = static_cast<int>(j.contains("code")) +
                    static_cast<int>(j.contains("completion")) +
                    static_cast<int>(j.contains("messages"));
  if (given != 1)
    return BodyError{"", "give exactly one of \"code\" (a whole program), \"completion\" "
                         "(continues the task's starter) or \"messages\" (a chat)"};
  for (const char* key : {"code", "completion"}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_string())
      return BodyError{key, std::string("\"") + key + "\" must be a string"};
    (std::string(key) == "code" ? out->code : out->completion) = j[key].get<std::string>();
  }
  if (j.contains("messages")) {
    std::vector<ChatMessage> messages;
    if (auto e = ReadMessages(j["messages"], &messages)) return e;
    out->messages = std::move(messages);
  }
  out->extract = default_mode;
  if (j.contains("extract")) {
    std::string error;
    std::optional<ExtractMode> mode = ReadExtractMode(j["extract"], &error);
    if (!mode) return BodyError{"extract", error};
    out->extract = *mode;
  }
  return std::nullopt;
}

std::string SubmissionKey(const Submission& s) {
  std::string key = s.language + '\0' + std::string(ExtractModeName(s.extract)) + '\0';
  if (s.code) return key + "c" + '\0' + *s.code;
  if (s.completion) return key + "p" + '\0' + *s.completion;
  key += "m";
  if (s.messages)
    for (const ChatMessage& m : *s.messages)
      key += '\0' + std::to_string(m.role.size()) + ':' + m.role + std::to_string(m.content.size()) +
             ':' + m.content;
  return key;
}

}  // namespace proctor::grader
