#include "envs/repair_env.h"

#include "envs/feedback.h"
#include "envs/reward_mode.h"
#include "envs/turn_limit.h"

namespace proctor::envs {

StepResult RepairEnv::Step(const nlohmann::json& action) {
  grader::SubmissionReport report = Grade(action);
  StepResult r;
  r.reward = report.reward;
  nlohmann::json feedback = nullptr;
  bool over = false;
  if (report.reward) {
    ++turn_;
    r.terminated = *report.reward >= 1.0;
    over = r.terminated || turn_ >= max_turns();
    if (!r.terminated) feedback = MakeFeedback(task(), report, turn_);
  }
  r.observation = Observation(std::move(feedback), over);
  r.info = StepInfo(report);
  return r;
}

nlohmann::json RepairDefaultOptions() {
  nlohmann::json o = {{"pack", nullptr},
                      {"split", "all"},
                      {"language", nullptr},
                      {"max_turns", kDefaultMaxTurns},
                      {"reward_mode", "final"},
                      {"extract", "auto"}};
  return o;
}

std::unique_ptr<Env> MakeRepairEnv(const EnvContext& context, const nlohmann::json& options) {
  EnvOptions o = ParseEnvOptions(kRepairEnvId, RepairDefaultOptions(), options, context);
  auto env = std::make_unique<RepairEnv>(context, o);
  auto limited = std::make_unique<TurnLimit>(std::move(env), o.max_turns);
  return std::make_unique<RewardModeWrapper>(std::move(limited), o.reward_mode);
}

}  // namespace proctor::envs
