#include "envs/env_checker.h"

namespace proctor::envs {
namespace {

using nlohmann::json;

// Runs `call`; returns whether it threw EnvError of `kind`, describing anything else.
template <typename F>
bool Throws(F&& call, EnvError::Kind kind, const std::string& what,
            std::vector<std::string>* problems) {
  try {
    call();
  } catch (const EnvError& e) {
    if (e.kind() == kind) return true;
    problems->push_back(what + ": threw EnvError of the wrong kind: " + e.what());
    return false;
  } catch (const std::exception& e) {
    problems->push_back(what + ": threw a non-EnvError exception: " + e.what());
    return false;
  }
  problems->push_back(what + ": did not throw");
  return false;
}

}  // namespace

void CheckObservation(const json& obs, const std::string& where,
                      std::vector<std::string>* problems) {
  auto bad = [&](const std::string& why) { problems->push_back(where + ": " + why); };
  if (!obs.is_object()) return bad("observation is not an object");
  for (const char* key : {"task_id", "pack", "language", "prompt", "text"})
    if (!obs.contains(key) || !obs[key].is_string())
      bad(std::string("observation.") + key + " is missing or not a string");
  for (const char* key : {"turn", "max_turns"})
    if (!obs.contains(key) || !obs[key].is_number_integer())
      bad(std::string("observation.") + key + " is missing or not an integer");
  if (!obs.contains("feedback") || !(obs["feedback"].is_null() || obs["feedback"].is_object()))
    bad("observation.feedback is missing or neither null nor an object");
  if (!obs.contains("public_tests") || !obs["public_tests"].is_array()) {
    bad("observation.public_tests is missing or not an array");
  } else {
    for (const json& t : obs["public_tests"])
      for (const char* key : {"name", "kind", "input", "expected"})
        if (!t.is_object() || !t.contains(key) || !t[key].is_string())
          bad(std::string("a public test's ") + key + " is missing or not a string");
  }
  if (obs.contains("max_turns") && obs["max_turns"].is_number_integer() &&
      obs["max_turns"].get<int64_t>() < 1)
    bad("observation.max_turns is below 1");
  if (obs.contains("text") && obs["text"].is_string() && obs["text"].get<std::string>().empty())
    bad("observation.text is empty");
}

namespace {

void RunChecks(const std::function<std::unique_ptr<Env>()>& make, const CheckConfig& config,
               std::vector<std::string>& problems) {
  auto bad = [&](const std::string& why) { problems.push_back(why); };

  // Order: no step before reset.
  std::unique_ptr<Env> env = make();
  Throws([&] { env->Step(config.action); }, EnvError::Kind::kBadState, "step before reset",
         &problems);

  // Reset: observation, info, determinism.
  json info = "unset";
  const json first = env->Reset(config.seed, nullptr, &info);
  CheckObservation(first, "reset", &problems);
  if (!info.is_object()) bad("reset: info is not an object");
  if (first.value("turn", -1) != 0) bad("reset: observation.turn is not 0");
  if (first.contains("feedback") && !first["feedback"].is_null())
    bad("reset: observation.feedback is not null");
  if (make()->Reset(config.seed, nullptr, nullptr) != first)
    bad("reset: the same seed gave a different observation on a fresh env");
  if (env->Reset(config.seed, json::object(), nullptr) != first)
    bad("reset: the same seed gave a different observation on a used env");
  if (make()->Reset(std::nullopt, nullptr, nullptr) !=
      make()->Reset(std::nullopt, nullptr, nullptr))
    bad("reset: two fresh unseeded envs started differently");
  Throws(
      [&] {
        env->Reset(config.seed, {{"no_such_option", 1}}, nullptr);
      },
      EnvError::Kind::kInvalidArgument, "reset with an unknown option", &problems);

  // Malformed actions are refused without touching the episode.
  env->Reset(config.seed, nullptr, nullptr);
  Throws([&] { env->Step("not an object"); }, EnvError::Kind::kInvalidArgument,
         "step with a non-object action", &problems);
  Throws(
      [&] {
        env->Step({{"no_such_key", "x"}});
      },
      EnvError::Kind::kInvalidArgument, "step with an unknown action key", &problems);
  Throws(
      [&] {
        env->Step({{"code", "a"}, {"completion", "b"}});
      },
      EnvError::Kind::kInvalidArgument, "step with both code and completion", &problems);

  // One episode to its end.
  const int max_turns = first.value("max_turns", 1);
  int turn = 0;
  bool ended = false;
  for (int step = 0; !ended && step < max_turns * (1 + config.max_ungradeable_retries); ++step) {
    const std::string where = "step " + std::to_string(step + 1);
    StepResult r;
    try {
      r = env->Step(config.action);
    } catch (const std::exception& e) {
      bad(where + ": threw: " + e.what());
      return;
    }
    CheckObservation(r.observation, where, &problems);
    if (r.reward && !(*r.reward >= 0.0 && *r.reward <= 1.0))
      bad(where + ": reward " + std::to_string(*r.reward) + " is outside [0, 1]");
    if (!r.info.is_object() || !r.info.contains("report") || !r.info.contains("ungradeable"))
      bad(where + ": info lacks report or ungradeable");
    else if (r.info["ungradeable"] != !r.reward)
      bad(where + ": info.ungradeable disagrees with the reward");
    if (r.terminated && r.truncated) bad(where + ": both terminated and truncated");
    if (r.reward) ++turn;
    if (!r.reward && (r.terminated || r.truncated))
      bad(where + ": an ungradeable step ended the episode");
    if (r.observation.value("turn", -1) != turn)
      bad(where + ": observation.turn is not the number of graded steps (" + std::to_string(turn) +
          ")");
    ended = r.terminated || r.truncated;
    if (!ended && turn >= max_turns) bad(where + ": max_turns graded steps did not end it");
    if (turn > max_turns) return;
  }
  if (!ended) {
    bad("the episode did not end (too many ungradeable steps?)");
    return;
  }

  // After the end: refused until reset, then usable again.
  for (int i = 0; i < 2; ++i)
    Throws([&] { env->Step(config.action); }, EnvError::Kind::kBadState,
           "step after the episode ended", &problems);
  if (env->Reset(config.seed, nullptr, nullptr) != first)
    bad("reset after an episode: the same seed gave a different observation");
  try {
    StepResult r = env->Step(config.action);
    CheckObservation(r.observation, "step after a new reset", &problems);
  } catch (const std::exception& e) {
    bad(std::string("step after a new reset threw: ") + e.what());
  }
}

}  // namespace

std::vector<std::string> CheckEnv(const std::function<std::unique_ptr<Env>()>& make,
                                  const CheckConfig& config) {
  std::vector<std::string> problems;
  try {
    RunChecks(make, config, problems);
  } catch (const std::exception& e) {
    problems.push_back(std::string("unexpected exception: ") + e.what());
  }
  return problems;
}

}  // namespace proctor::envs
