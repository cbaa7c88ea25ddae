#include "envs/options.h"

#include "grader/languages/language.h"

namespace proctor::envs {

namespace task = grader::task;

std::optional<task::Language> LanguageFromName(std::string_view name) {
  return task::Language::Find(name);  // a language of the registry (languages/*.yaml)
}

namespace {

[[noreturn]] void Bad(const std::string& env_id, const std::string& key, const std::string& why) {
  throw EnvError::InvalidArgument("options." + key, env_id + ": option '" + key + "' " + why);
}

std::string StringOption(const std::string& env_id, const std::string& key,
                         const nlohmann::json& value) {
  if (!value.is_string()) Bad(env_id, key, "must be a string, not " + value.dump());
  return value.get<std::string>();
}

}  // namespace

EnvOptions ParseEnvOptions(const std::string& env_id, const nlohmann::json& defaults,
                           const nlohmann::json& given, const EnvContext& context) {
  if (!given.is_null() && !given.is_object())
    throw EnvError::InvalidArgument("options", env_id + ": options must be an object");
  nlohmann::json merged = defaults;
  if (given.is_object()) {
    for (const auto& [key, value] : given.items()) {
      if (!defaults.contains(key)) {
        std::string known;
        for (const auto& [k, v] : defaults.items()) known += (known.empty() ? "" : ", ") + k;
        Bad(env_id, key, "is unknown (known: " + known + ")");
      }
      merged[key] = value;
    }
  }

  EnvOptions o;
  if (context.packs.empty())
    throw EnvError::InvalidArgument("options.pack", env_id + ": the server has no task pack");
  o.pack = context.packs.front();
  if (merged.contains("pack") && !merged["pack"].is_null()) {
    const std::string name = StringOption(env_id, "pack", merged["pack"]);
    o.pack = nullptr;
    std::string names;
    for (const task::Pack* p : context.packs) {
      if (p->name == name) o.pack = p;
      names += (names.empty() ? "" : ", ") + p->name;
    }
    if (o.pack == nullptr)
      Bad(env_id, "pack", "names no loaded pack: '" + name + "' (loaded: " + names + ")");
  }
  if (merged.contains("split")) {
    auto split = SplitFromName(StringOption(env_id, "split", merged["split"]));
    if (!split) Bad(env_id, "split", "must be \"all\", \"train\" or \"test\"");
    o.split = *split;
  }
  if (merged.contains("language") && !merged["language"].is_null()) {
    o.language = LanguageFromName(StringOption(env_id, "language", merged["language"]));
    if (!o.language) Bad(env_id, "language", "must be one of " + grader::LanguageNames());
  }
  if (merged.contains("max_turns")) {
    const nlohmann::json& v = merged["max_turns"];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > kMaxTurnsLimit)
      Bad(env_id, "max_turns", "must be an integer from 1 to " + std::to_string(kMaxTurnsLimit));
    o.max_turns = v.get<int>();
  }
  if (merged.contains("reward_mode")) {
    auto mode = RewardModeFromName(StringOption(env_id, "reward_mode", merged["reward_mode"]));
    if (!mode) Bad(env_id, "reward_mode", "must be \"final\" or \"improvement\"");
    o.reward_mode = *mode;
  }
  if (merged.contains("extract")) {
    auto mode = grader::ExtractModeFromName(StringOption(env_id, "extract", merged["extract"]));
    if (!mode) Bad(env_id, "extract", "must be \"auto\", \"fenced\" or \"raw\"");
    o.extract = *mode;
  }
  if (TaskPicker(*o.pack, o.split, o.language).CandidateCount() == 0)
    Bad(env_id, "split",
        "leaves no task to draw from pack '" + o.pack->name + "'" +
            (o.language ? " in language '" + std::string(task::LanguageName(*o.language)) + "'"
                        : std::string()));
  return o;
}

}  // namespace proctor::envs
