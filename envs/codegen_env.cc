#include "envs/codegen_env.h"

#include "envs/turn_limit.h"

namespace proctor::envs {

StepResult CodegenEnv::Step(const nlohmann::json& action) {
  grader::SubmissionReport report = Grade(action);
  StepResult r;
  r.reward = report.reward;
  if (report.reward) {
    turn_ = 1;
    r.terminated = true;  // the one attempt was answered: the task is over, not cut short
  }
  r.observation = Observation(nullptr, r.terminated);
  r.info = StepInfo(report);
  return r;
}

nlohmann::json CodegenDefaultOptions() {
  return {{"pack", nullptr}, {"split", "all"}, {"language", nullptr}, {"extract", "auto"}};
}

std::unique_ptr<Env> MakeCodegenEnv(const EnvContext& context, const nlohmann::json& options) {
  EnvOptions o = ParseEnvOptions(kCodegenEnvId, CodegenDefaultOptions(), options, context);
  return std::make_unique<TurnLimit>(std::make_unique<CodegenEnv>(context, o), 1);
}

}  // namespace proctor::envs
