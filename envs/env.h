// The environment contract, after Gymnasium's core.Env: Reset() starts an episode on one task
// and returns the first observation; Step() submits one attempt, has it graded, and returns
// the next observation with the reward and whether the episode ended.
//
//   auto env = MakeEnv("proctor/repair-v0", context, {{"max_turns", 3}});   // registry.h
//   nlohmann::json info;
//   nlohmann::json obs = env->Reset(/*seed=*/7, {}, &info);
//   StepResult r = env->Step({{"code", "def add(a, b):\n    return a + b\n"}});
//   if (!r.reward) { /* Proctor failed: drop the sample, step again or reset */ }
//   if (r.terminated || r.truncated) obs = env->Reset(std::nullopt, {}, &info);
//
// Envs know nothing about sockets or threads: grading is injected through EnvContext, and
// Step() blocks for as long as `grade` does. An Env is not thread-safe; one session uses it at
// a time. Observation and feedback keys are listed in envs/README.md.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "grader/grading/grader.h"
#include "grader/grading/report.h"
#include "grader/task/model.h"

namespace proctor::envs {

// What every env of a server shares. The packs and whatever `grade` refers to must outlive
// every env made from the context; envs keep pointers into the packs (never copies).
struct EnvContext {
  // The packs tasks are drawn from; option `pack` picks one by name, default the first.
  std::vector<const grader::task::Pack*> packs;
  // Grades one submission, blocking. The server runs it on its worker pool; tests call a real
  // grader::Grader. An unset report reward means Proctor failed (ungradeable). Exceptions it
  // throws propagate out of Step() and leave the episode as it was.
  std::function<grader::SubmissionReport(const grader::task::Pack&, const grader::task::Task&,
                                         const grader::Submission&)>
      grade;
};

// The result of one Step(), Gymnasium's (obs, reward, terminated, truncated, info).
struct StepResult {
  nlohmann::json observation;    // same keys as Reset()'s observation
  std::optional<double> reward;  // in [0, 1]; unset: ungradeable (Proctor failed; drop it)
  bool terminated = false;       // the task ended (solved, or a one-shot task was answered)
  bool truncated = false;        // a limit cut the episode short (max_turns)
  nlohmann::json info;           // "report" (docs/results.md), "ungradeable", env-specific keys
};

// A request the env cannot honour. Never describes what a submission did (that is a reward).
// The server maps kInvalidArgument to JSON-RPC -32602 (with data {"param": param()}) and
// kBadState to -32004.
class EnvError : public std::runtime_error {
 public:
  enum class Kind {
    kInvalidArgument,  // a bad action, option, seed, env id or task id
    kBadState,         // the call is not allowed now (step before reset, after the end)
  };

  EnvError(Kind kind, const std::string& message, std::string param = "")
      : std::runtime_error(message), kind_(kind), param_(std::move(param)) {}

  // `param` names the offending request field, e.g. "action", "options.task_id".
  static EnvError InvalidArgument(std::string param, const std::string& message) {
    return EnvError(Kind::kInvalidArgument, message, std::move(param));
  }
  static EnvError BadState(const std::string& message) {
    return EnvError(Kind::kBadState, message);
  }

  Kind kind() const { return kind_; }
  const std::string& param() const { return param_; }  // empty for kBadState

 private:
  Kind kind_;
  std::string param_;
};

class Env {
 public:
  virtual ~Env();

  // Starts a new episode, whatever state the env is in. `seed` reseeds the env's task picker
  // (the same seed always gives the same task); without it the next task comes from the
  // picker's stream, which is deterministic for a fresh env. `options` may be null or an
  // object; its keys are env-specific (both envs here accept only "task_id"). Fills `*info`
  // when given. Throws EnvError for bad options or when no task can be picked.
  virtual nlohmann::json Reset(std::optional<uint64_t> seed, const nlohmann::json& options,
                               nlohmann::json* info) = 0;

  // Submits one attempt: {"code"|"completion": str, "language"?: str}. Throws EnvError for a
  // malformed action (the episode is unchanged) and, through the OrderEnforcing wrapper, for
  // a step before Reset() or after the episode ended.
  virtual StepResult Step(const nlohmann::json& action) = 0;
};

}  // namespace proctor::envs
