#include "envs/action.h"

#include "envs/env.h"
#include "grader/grading/submission_json.h"

namespace proctor::envs {

namespace task = grader::task;

grader::Submission ParseAction(const nlohmann::json& action, const task::Task& t,
                               task::Language episode_language,
                               grader::ExtractMode default_extract) {
  if (!action.is_object())
    throw EnvError::InvalidArgument("action",
                                    "the action must be an object with \"code\", "
                                    "\"completion\" or \"messages\"");
  for (const auto& [key, value] : action.items()) {
    if (key != "language" && !grader::IsBodyKey(key))
      throw EnvError::InvalidArgument(
          "action." + key, "unknown action key '" + key +
                               "' (expected code, completion or messages, language, extract)");
  }
  if (action.contains("language") && !action["language"].is_string())
    throw EnvError::InvalidArgument("action.language", "action.language must be a string");
  grader::Submission s;
  if (auto e = grader::ReadSubmissionBody(action, default_extract, &s))
    throw EnvError::InvalidArgument(e->key.empty() ? "action" : "action." + e->key,
                                    "action: " + e->message);
  size_t bytes = 0;
  if (s.code) bytes = s.code->size();
  if (s.completion) bytes = s.completion->size();
  if (s.messages)
    for (const grader::ChatMessage& m : *s.messages) bytes += m.content.size();
  if (bytes > kMaxActionSourceBytes)
    throw EnvError::InvalidArgument(
        s.code ? "action.code" : s.completion ? "action.completion" : "action.messages",
        "the action's code is larger than " + std::to_string(kMaxActionSourceBytes) + " bytes");

  s.task_id = t.id;
  s.language = std::string(task::LanguageName(episode_language));
  if (action.contains("language")) {
    s.language = action["language"].get<std::string>();
    bool allowed = false;
    std::string names;
    for (task::Language l : t.languages) {
      allowed |= task::LanguageName(l) == s.language;
      names += (names.empty() ? "" : ", ") + std::string(task::LanguageName(l));
    }
    if (!allowed)
      throw EnvError::InvalidArgument("action.language",
                                      "task '" + t.id + "' does not allow language '" + s.language +
                                          "' (allowed: " + names + ")");
  }
  return s;
}

}  // namespace proctor::envs
