// Service::OpenRlhfReward: POST /v1/openrlhf/reward on the service (the protocol's pure parts,
// labels and answers, are harness/openrlhf.cc).
#include <nlohmann/json.hpp>

#include "harness/openrlhf.h"
#include "harness/service.h"

namespace proctor::harness {
using nlohmann::json;

void Service::OpenRlhfReward(const json& body, std::shared_ptr<ClientState> client, Done done) {
  for (const auto& [key, _] : body.items())
    if (key != "query" && key != "prompts" && key != "labels" && key != "idempotency_key")
      throw RpcError{rpc_error::kInvalidParams,
                     "invalid params: unknown key \"" + key +
                         "\" (expected query, prompts, labels, idempotency_key)",
                     {{"param", key}}};
  ReadIdempotencyKey(body);  // a bad key is -32602 before anything else is looked at
  auto strings = [&](const char* key) {
    if (!body.contains(key) || !body[key].is_array())
      throw RpcError{rpc_error::kInvalidParams,
                     std::string("invalid params: \"") + key + "\" must be a list of strings",
                     {{"param", key}}};
    for (size_t i = 0; i < body[key].size(); ++i)
      if (!body[key][i].is_string())
        throw RpcError{rpc_error::kInvalidParams,
                       std::string("invalid params: ") + key + "[" + std::to_string(i) +
                           "] must be a string",
                       {{"param", std::string(key) + "[" + std::to_string(i) + "]"}}};
    return body[key].get<std::vector<std::string>>();
  };
  const std::vector<std::string> queries = strings("query");
  const std::vector<std::string> prompts = strings("prompts");
  const std::vector<std::string> labels = strings("labels");
  if (queries.empty() || prompts.size() != queries.size() || labels.size() != queries.size())
    throw RpcError{rpc_error::kInvalidParams,
                   "invalid params: query, prompts and labels must be lists of the same "
                   "non-zero length (got " + std::to_string(queries.size()) + ", " +
                       std::to_string(prompts.size()) + ", " + std::to_string(labels.size()) + ")",
                   {{"param", "labels"}}};
  std::vector<std::string> pack_names;
  for (const auto& p : packs_) pack_names.push_back(p->name);
  std::vector<GradeItem> items;
  for (size_t i = 0; i < queries.size(); ++i) {
    const std::string where = "labels[" + std::to_string(i) + "]";
    std::string error;
    std::optional<RewardLabel> label = ParseRewardLabel(labels[i], pack_names, &error);
    if (!label)
      throw RpcError{rpc_error::kInvalidParams,
                     "invalid params: " + where + " " + error, {{"param", where}}};
    std::pair<const grader::task::Pack*, const grader::task::Task*> found;
    try {
      found = ResolveTask(label->pack ? json(*label->pack) : json(nullptr), label->task_id, where);
    } catch (RpcError& e) {
      e.message = "invalid params: " + where + " (\"" + labels[i] + "\"): " +
                  e.message.substr(e.message.rfind("invalid params: ", 0) == 0 ? 16 : 0);
      e.data["param"] = where;
      throw;
    }
    grader::Submission sub;
    sub.task_id = label->task_id;
    sub.completion = ResponseOf(queries[i], prompts[i]);
    sub.extract = grader::ExtractMode::kAuto;
    items.push_back({found.first, found.second, std::move(sub)});
  }
  std::shared_ptr<ClientState> grading_client = client;
  std::function<void(const RpcError&)> failed_to_start;
  if (BeginKeyed(body, client, &done, &grading_client, &failed_to_start)) return;
  try {
    RunGradings(
        std::move(items), json::object(), grading_client,
        [done, labels](const RpcError* error, std::vector<grader::SubmissionReport>* reports) {
          if (error) return done(error, nullptr);
          json response;
          if (std::optional<RpcError> e = RewardResponse(labels, *reports, &response))
            return done(&*e, nullptr);
          done(nullptr, std::move(response));
        },
        nullptr);
  } catch (const RpcError& e) {
    if (failed_to_start) failed_to_start(e);
    throw;
  }
}

}  // namespace proctor::harness
