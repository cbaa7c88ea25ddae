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

// Parses one line. On failure returns an error response to send (with id null or the id).
std::optional<Request> ParseRequest(const std::string& line, nlohmann::json* error_response);

nlohmann::json MakeResult(const nlohmann::json& id, nlohmann::json result);
nlohmann::json MakeError(const nlohmann::json& id, const RpcError& error);
nlohmann::json MakeNotification(const std::string& method, nlohmann::json params);

// One line of output: compact JSON, invalid UTF-8 replaced, newline-terminated.
std::string Frame(const nlohmann::json& message);

}  // namespace proctor::harness
