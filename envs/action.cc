#include "envs/action.h"

#include "envs/env.h"

namespace proctor::envs {

namespace task = grader::task;

grader::Submission ParseAction(const nlohmann::json& action, const task::Task& t,
                               task::Language episode_language) {
  if (!action.is_object())
    throw EnvError::InvalidArgument("action",
                                    "the action must be an object with \"code\" or "
                                    "\"completion\"");
  for (const auto& [key, value] : action.items()) {
    if (key != "code" && key != "completion" && key != "language")
      throw EnvError::InvalidArgument(
          "action." + key,
          "unknown action key '" + key + "' (expected code, completion, language)");
    if (!value.is_string())
      throw EnvError::InvalidArgument("action." + key, "action." + key + " must be a string");
  }
  const bool has_code = action.contains("code"), has_completion = action.contains("completion");
  if (has_code == has_completion)
    throw EnvError::InvalidArgument("action",
                                    "the action needs exactly one of \"code\" and \"completion\"");
  const char* source_key = has_code ? "code" : "completion";
  std::string source = action[source_key].get<std::string>();
  if (source.size() > kMaxActionSourceBytes)
    throw EnvError::InvalidArgument(std::string("action.") + source_key,
                                    std::string("action.") + source_key + " is larger than " +
                                        std::to_string(kMaxActionSourceBytes) + " bytes");

  grader::Submission s;
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
  (has_code ? s.code : s.completion) = std::move(source);
  return s;
}

}  // namespace proctor::envs
