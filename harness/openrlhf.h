// OpenRLHF's remote reward model protocol (its `--remote_rm_url`), served as
// POST /v1/openrlhf/reward: {"query": [str], "prompts": [str], "labels": [str]} answered with
// {"rewards": [float], "scores": [float], "extra_logs": {name: [float]}}, one request per
// batch. The mapping from a sample to what is graded (docs/protocol.md):
//   label    "TASK_ID" (resolved across the loaded packs), "PACK:TASK_ID" (when PACK is a
//            loaded pack's name), or a JSON object string {"pack"?: str, "task_id": str}
//   code     query[i] without its leading prompts[i] (OpenRLHF sends prompt + response as
//            the query), else query[i] whole; graded as a `completion` with extract "auto"
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "grader/grading/report.h"
#include "harness/json_rpc.h"

namespace proctor::harness {

struct RewardLabel {
  std::optional<std::string> pack;  // unset: the task id resolves across the loaded packs
  std::string task_id;
};

// Reads one label; nullopt with `*error` (what is wrong with it) when it is malformed.
std::optional<RewardLabel> ParseRewardLabel(const std::string& label,
                                            const std::vector<std::string>& pack_names,
                                            std::string* error);

// The model's response inside a query: the query without the prompt it starts with.
std::string ResponseOf(const std::string& query, const std::string& prompt);

// The answer to a batch whose samples were graded into `reports` (one per label):
// {"rewards", "scores", "extra_logs": {"tests_passed", "tests_total", "compiled"}}, all
// lists of floats. A sample Proctor could not grade makes the whole answer an error
// (kUngradeable, naming the sample and why), never a reward of 0.
std::optional<RpcError> RewardResponse(const std::vector<std::string>& labels,
                                       const std::vector<grader::SubmissionReport>& reports,
                                       nlohmann::json* response);

}  // namespace proctor::harness
