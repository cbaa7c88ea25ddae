#include "harness/json_rpc.h"

namespace proctor::harness {

Line ParseLine(const std::string& text, nlohmann::json* error_response) {
  Line line;
  line.value = nlohmann::json::parse(text, nullptr, false);
  if (line.value.is_discarded()) {
    *error_response = MakeError(nullptr, {rpc_error::kParseError, "parse error: not JSON", {}});
    line.kind = Line::Kind::kParseError;
    return line;
  }
  if (!line.value.is_array()) {
    line.kind = Line::Kind::kSingle;
    return line;
  }
  if (line.value.empty() || line.value.size() > kMaxBatch) {
    *error_response = MakeError(
        nullptr, {rpc_error::kInvalidRequest,
                  line.value.empty()
                      ? "invalid request: an empty batch"
                      : "invalid request: a batch of " + std::to_string(line.value.size()) +
                            " requests (at most " + std::to_string(kMaxBatch) + ")",
                  {}});
    line.kind = Line::Kind::kParseError;
    return line;
  }
  line.kind = Line::Kind::kBatch;
  return line;
}

std::optional<Request> ParseRequest(const nlohmann::json& j, nlohmann::json* error_response) {
  nlohmann::json id = j.is_object() && j.contains("id") ? j["id"] : nlohmann::json(nullptr);
  if (!id.is_null() && !id.is_string() && !id.is_number_integer()) id = nullptr;
  auto invalid = [&](const std::string& why) {
    *error_response = MakeError(id, {rpc_error::kInvalidRequest, "invalid request: " + why, {}});
    return std::nullopt;
  };
  if (!j.is_object()) return invalid("not an object");
  // Compared as JSON: j.value("jsonrpc", "") throws for a non-string, which ended the
  // connection unanswered (found by fuzz/json_rpc_fuzz.cc: {"jsonrpc": {}}).
  if (const auto version = j.find("jsonrpc"); version == j.end() || *version != "2.0")
    return invalid("\"jsonrpc\" must be \"2.0\"");
  if (!j.contains("method") || !j["method"].is_string()) return invalid("missing \"method\"");
  if (j.contains("id") && !j["id"].is_string() && !j["id"].is_number_integer() &&
      !j["id"].is_null())
    return invalid("\"id\" must be a string or an integer");
  Request r;
  r.is_notification = !j.contains("id");
  r.id = id;
  r.method = j["method"];
  r.params = j.contains("params") ? j["params"] : nlohmann::json::object();
  // The spec allows only a structured value; an array is valid JSON-RPC that this server
  // does not take (answered -32602 by Service), anything else is not a request.
  if (!r.params.is_object() && !r.params.is_array())
    return invalid("\"params\" must be an object");
  return r;
}

RpcError ParamsNotAnObject(const nlohmann::json& params) {
  return {rpc_error::kInvalidParams,
          std::string("invalid params: params must be an object (named parameters); got ") +
              (params.is_array() ? "an array (positional parameters are not supported)"
                                 : params.type_name()),
          {{"param", "params"}}};
}

nlohmann::json MakeResult(const nlohmann::json& id, nlohmann::json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

nlohmann::json MakeError(const nlohmann::json& id, const RpcError& e) {
  nlohmann::json error = {{"code", e.code}, {"message", e.message}};
  if (!e.data.is_null()) error["data"] = e.data;
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", error}};
}

nlohmann::json MakeNotification(const std::string& method, nlohmann::json params) {
  return {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

std::string Frame(const nlohmann::json& message) {
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace proctor::harness
