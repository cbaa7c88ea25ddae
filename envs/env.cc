#include "envs/env.h"

namespace proctor::envs {

Env::~Env() = default;

}  // namespace proctor::envs
