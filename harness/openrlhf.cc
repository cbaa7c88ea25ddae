#include "harness/openrlhf.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace proctor::harness {
using nlohmann::json;

std::optional<RewardLabel> ParseRewardLabel(const std::string& label,
                                            const std::vector<std::string>& pack_names,
                                            std::string* error) {
  if (!label.empty() && label.front() == '{') {
    const json j = json::parse(label, nullptr, false);
    if (!j.is_object()) {
      *error = "is not a JSON object (a label starting with '{' must be one)";
      return std::nullopt;
    }
    for (const auto& [key, _] : j.items()) {
      if (key != "pack" && key != "task_id") {
        *error = "has an unknown key \"" + key + "\" (expected pack, task_id)";
        return std::nullopt;
      }
    }
    if (!j.contains("task_id") || !j["task_id"].is_string() ||
        j["task_id"].get<std::string>().empty()) {
      *error = "needs \"task_id\", a non-empty string";
      return std::nullopt;
    }
    RewardLabel out{.pack = std::nullopt, .task_id = j["task_id"]};
    if (j.contains("pack") && !j["pack"].is_null()) {
      if (!j["pack"].is_string()) {
        *error = "has a \"pack\" that is not a string";
        return std::nullopt;
      }
      out.pack = j["pack"].get<std::string>();
    }
    return out;
  }
  if (label.empty()) {
    *error = "is empty (it must name a task)";
    return std::nullopt;
  }
  const size_t colon = label.find(':');
  if (colon != std::string::npos) {
    const std::string pack = label.substr(0, colon);
    if (std::find(pack_names.begin(), pack_names.end(), pack) != pack_names.end())
      return RewardLabel{.pack = pack, .task_id = label.substr(colon + 1)};
  }
  return RewardLabel{.pack = std::nullopt, .task_id = label};
}

std::string ResponseOf(const std::string& query, const std::string& prompt) {
  if (!prompt.empty() && query.compare(0, prompt.size(), prompt) == 0)
    return query.substr(prompt.size());
  return query;
}

std::optional<RpcError> RewardResponse(const std::vector<std::string>& labels,
                                       const std::vector<grader::SubmissionReport>& reports,
                                       json* response) {
  json rewards = json::array(), passed = json::array(), total = json::array(),
       compiled = json::array();
  for (size_t i = 0; i < reports.size(); ++i) {
    const grader::SubmissionReport& r = reports[i];
    if (!r.reward) {
      // Never a 0.0 reward: the batch fails (503) and OpenRLHF's client retries it.
      return RpcError{rpc_error::kUngradeable,
                      "sample " + std::to_string(i) + " (label \"" + labels[i] +
                          "\") is ungradeable: " + r.ungradeable_reason,
                      {{"index", i}, {"retry_after_ms", 1000}}};
    }
    rewards.push_back(*r.reward);
    size_t ok = 0;
    for (const auto& t : r.tests) ok += t.verdict == grader::Verdict::kPassed;
    passed.push_back(static_cast<double>(ok));
    total.push_back(static_cast<double>(r.tests.size()));
    compiled.push_back(r.compiled ? 1.0 : 0.0);
  }
  *response = {{"rewards", rewards},
               {"scores", rewards},
               {"extra_logs",
                {{"tests_passed", passed}, {"tests_total", total}, {"compiled", compiled}}}};
  return std::nullopt;
}

}  // namespace proctor::harness
