// JSON-RPC 2.0 framing helpers: parsing a request line, building responses and errors.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace proctor::harness {

namespace rpc_error {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternal = -32603;
inline constexpr int kOverloaded = -32000;
inline constexpr int kDeadlineExceeded = -32001;
inline constexpr int kUnknownSession = -32002;
inline constexpr int kTooLarge = -32003;
inline constexpr int kEnvError = -32004;
inline constexpr int kShuttingDown = -32005;
inline constexpr int kUngradeable = -32006;  // a sample Proctor failed to grade (OpenRLHF)
}  // namespace rpc_error

struct Request {
  nlohmann::json id;          // null for notifications
  bool is_notification = false;
  std::string method;
  nlohmann::json params;      // object (empty when absent)
};

// An error to send back: thrown by handlers, caught by the dispatcher.
struct RpcError {
  int code;
  std::string message;
  nlohmann::json data;
};

// Parses one request object (a line's value, or one element of a batch). On failure returns
// nullopt and sets the error response to send (with id null or the request's id). `params`
// is kept as sent: Service answers a non-object with -32602 (a notification gets nothing).
std::optional<Request> ParseRequest(const nlohmann::json& value, nlohmann::json* error_response);

// One line: a single request, or a batch (JSON-RPC 2.0 section 6: an array of requests).
struct Line {
  enum class Kind { kParseError, kSingle, kBatch };
  Kind kind = Kind::kParseError;
  nlohmann::json value;  // kSingle: the request; kBatch: the (non-empty) array
};
// kParseError and an empty array are answered with `*error_response`.
Line ParseLine(const std::string& line, nlohmann::json* error_response);

// Requests in one batch at most (each element costs a dispatch; a batch is one line).
inline constexpr size_t kMaxBatch = 1024;

// The -32602 error for `params` that is not an object (positional params are not supported).
RpcError ParamsNotAnObject(const nlohmann::json& params);

nlohmann::json MakeResult(const nlohmann::json& id, nlohmann::json result);
nlohmann::json MakeError(const nlohmann::json& id, const RpcError& error);
nlohmann::json MakeNotification(const std::string& method, nlohmann::json params);

// One line of output: compact JSON, invalid UTF-8 replaced, newline-terminated.
std::string Frame(const nlohmann::json& message);

}  // namespace proctor::harness
