// Turns what the keeper and the supervisor observed into one Status: the first cause wins
// (a timeout is not reported as the SIGKILL that enforced it).
#pragma once

#include "sandbox/keeper_protocol.h"
#include "sandbox/result.h"

namespace proctor::sandbox {

struct SupervisorObservations {
  double output_limit_at = -1;  // seconds after start when a stream passed its cap
  bool cancelled = false;       // the caller cancelled the run
  std::string keeper_failure;   // the keeper crashed, hung or replied garbage
};

// Fills result->status, exit_code, signal, usage and error/detail from the two observers.
void Classify(const KeeperReply& reply, const SupervisorObservations& seen, Result* result);

}  // namespace proctor::sandbox
