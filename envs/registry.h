// The registered envs, after Gymnasium's registration.py: versioned ids ("proctor/Name-vN"),
// each with a description, the options it accepts (with defaults) and a factory. A change in
// an env's observable behaviour gets a new version, never an edit of an old one.
//
//   for (const EnvSpec& spec : RegisteredEnvs()) ...        // envs.list
//   std::unique_ptr<Env> env = MakeEnv("proctor/codegen-v0", context, {{"split", "train"}});
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "envs/env.h"

namespace proctor::envs {

struct EnvSpec {
  std::string id;                  // "proctor/codegen-v0"
  std::string description;         // one paragraph, for envs.list
  nlohmann::json default_options;  // every accepted option key with its default (null: unset)
  // Builds the env with its limit and reward wrappers, without OrderEnforcing. Throws
  // EnvError for bad options.
  std::function<std::unique_ptr<Env>(const EnvContext&, const nlohmann::json& options)> factory;
};

// In registration order; built once, never changes.
const std::vector<EnvSpec>& RegisteredEnvs();
const EnvSpec* FindEnvSpec(const std::string& id);

// Builds a registered env wrapped in OrderEnforcing. Throws EnvError (kInvalidArgument) for an
// unknown id (param "env_id"; the message lists the registered ids), options that are not an
// object, unknown option keys or bad values (param "options.<key>").
std::unique_ptr<Env> MakeEnv(const std::string& id, const EnvContext& context,
                             const nlohmann::json& options);

}  // namespace proctor::envs
