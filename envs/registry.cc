#include "envs/registry.h"

#include "envs/codegen_env.h"
#include "envs/order_enforcing.h"
#include "envs/repair_env.h"

namespace proctor::envs {

const std::vector<EnvSpec>& RegisteredEnvs() {
  static const std::vector<EnvSpec> specs = {
      {kCodegenEnvId,
       "One attempt per episode: the observation is a task's prompt and public tests, the "
       "action a program (code or completion), the reward the grader's; terminates after the "
       "step.",
       CodegenDefaultOptions(), MakeCodegenEnv},
      {kRepairEnvId,
       "Up to max_turns attempts at one task; after a failing attempt the observation carries "
       "feedback from the first failing public test (never hidden tests). Terminates at reward "
       "1.0, truncates after max_turns. reward_mode final: the last attempt's grade on the last "
       "step, 0 before; improvement: each gain over the best grade so far.",
       RepairDefaultOptions(), MakeRepairEnv},
  };
  return specs;
}

const EnvSpec* FindEnvSpec(const std::string& id) {
  for (const EnvSpec& spec : RegisteredEnvs())
    if (spec.id == id) return &spec;
  return nullptr;
}

std::unique_ptr<Env> MakeEnv(const std::string& id, const EnvContext& context,
                             const nlohmann::json& options) {
  const EnvSpec* spec = FindEnvSpec(id);
  if (spec == nullptr) {
    std::string ids;
    for (const EnvSpec& s : RegisteredEnvs()) ids += (ids.empty() ? "" : ", ") + s.id;
    throw EnvError::InvalidArgument("env_id", "unknown env '" + id + "' (registered: " + ids + ")");
  }
  return std::make_unique<OrderEnforcing>(spec->factory(context, options));
}

}  // namespace proctor::envs
