#include "harness/http_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cmath>

#include "harness/http_query.h"

namespace proctor::harness {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;

namespace {

using Response = http::response<http::string_body>;

struct Route {
  const char* path;
  http::verb verb;
  const char* method;  // the request's name in the metrics (a JSON-RPC method's where one is)
};

constexpr Route kRoutes[] = {
    {"/healthz", http::verb::get, "health"},
    {"/metrics", http::verb::get, "metrics"},
    {"/v1/tasks", http::verb::get, "tasks.list"},
    {"/v1/envs", http::verb::get, "envs.list"},
    {"/v1/grade", http::verb::post, "grade"},
    {"/v1/openrlhf/reward", http::verb::post, "openrlhf.reward"},
};

Response Respond(const http::request<http::string_body>& req, http::status status,
                 std::string body, const char* type = "application/json") {
  Response res{status, req.version()};
  res.set(http::field::server, "proctor/" PROCTOR_VERSION);
  res.set(http::field::content_type, type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

std::string JsonBody(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

Response ErrorResponse(const http::request<http::string_body>& req, const RpcError& e) {
  json error = {{"code", e.code}, {"message", e.message}};
  if (!e.data.is_null()) error["data"] = e.data;
  Response res = Respond(req, HttpStatusOf(e.code), JsonBody({{"error", error}}));
  // The same hint the JSON-RPC error carries, in whole seconds (at least 1).
  if (res.result() == http::status::service_unavailable && e.data.is_object() &&
      e.data.contains("retry_after_ms") && e.data["retry_after_ms"].is_number()) {
    const double ms = e.data["retry_after_ms"].get<double>();
    res.set(http::field::retry_after,
            std::to_string(std::max<int64_t>(1, static_cast<int64_t>(std::ceil(ms / 1000)))));
  }
  return res;
}

}  // namespace

http::status HttpStatusOf(int code) {
  switch (code) {
    case rpc_error::kOverloaded:
    case rpc_error::kShuttingDown:
    case rpc_error::kUngradeable:
      return http::status::service_unavailable;
    case rpc_error::kDeadlineExceeded:
      return http::status::gateway_timeout;
    case rpc_error::kMethodNotFound:
    case rpc_error::kUnknownSession:
      return http::status::not_found;
    case rpc_error::kTooLarge:
      return http::status::payload_too_large;
    case rpc_error::kInternal:
      return http::status::internal_server_error;
    default:
      return http::status::bad_request;
  }
}

asio::awaitable<void> ServeHttp(asio::ip::tcp::socket socket, Service& service,
                                uint64_t client_id, size_t max_body_bytes) {
  beast::flat_buffer buffer;
  auto client = std::make_shared<ClientState>();
  client->id = client_id;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(max_body_bytes);
    auto [ec, n] = co_await http::async_read(socket, buffer, parser,
                                             asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::body_limit) {
      // The body is not read: answer and close (the rest of the stream cannot be parsed).
      http::request<http::string_body> head = parser.release();
      head.keep_alive(false);
      Response res = ErrorResponse(
          head, {rpc_error::kTooLarge, "message too large", {{"max_bytes", max_body_bytes}}});
      co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
      break;
    }
    if (ec) break;
    const auto start = std::chrono::steady_clock::now();
    http::request<http::string_body> req = parser.release();
    const std::string target(req.target());
    const size_t question = target.find('?');
    const std::string path = target.substr(0, question);
    const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
    const Route* route = nullptr;
    const char* label = "(unknown)";  // a wrong method on a known path counts for the path
    std::string allow;
    for (const Route& r : kRoutes) {
      if (path != r.path) continue;
      label = r.method;
      allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(r.verb));
      if (req.method() == r.verb) route = &r;
    }
    Response res;
    int error_code = 0;
    try {
      if (route == nullptr && allow.empty()) {
        throw RpcError{rpc_error::kMethodNotFound, "no such endpoint: " + path, {}};
      } else if (route == nullptr) {
        res = Respond(req, http::status::method_not_allowed,
                      JsonBody({{"error", {{"code", rpc_error::kMethodNotFound},
                                           {"message", std::string(req.method_string()) + " " +
                                                           path + " is not served (allowed: " +
                                                           allow + ")"}}}}));
        res.set(http::field::allow, allow);
        error_code = rpc_error::kMethodNotFound;
      } else if (route->verb == http::verb::get) {
        const json params = ParseQuery(query);
        const std::string method = route->method;
        if (method != "tasks.list" && !params.empty())
          throw RpcError{rpc_error::kInvalidParams,
                         "invalid params: " + path + " takes no query parameters",
                         {{"param", params.begin().key()}}};
        if (method == "health")
          res = Respond(req, http::status::ok, JsonBody(service.Health()));
        else if (method == "metrics")
          res = Respond(req, http::status::ok, service.PrometheusText(),
                        "text/plain; version=0.0.4");
        else if (method == "tasks.list")
          res = Respond(req, http::status::ok, JsonBody(service.ListTasks(params)));
        else
          res = Respond(req, http::status::ok, JsonBody(service.ListEnvs()));
      } else {
        json params = json::parse(req.body(), nullptr, false);
        if (!params.is_object())
          throw RpcError{rpc_error::kParseError, "body must be a JSON object", {}};
        // Wait for the grading callback: a timer that the callback cancels.
        asio::steady_timer wake(socket.get_executor(),
                                std::chrono::steady_clock::time_point::max());
        std::optional<RpcError> failed;
        json result;
        auto done = [&](const RpcError* error, json value) {
          if (error) failed = *error;
          result = std::move(value);
          wake.cancel();
        };
        if (std::string(route->method) == "grade")
          service.Grade(params, client, done, [](json) {});
        else
          service.OpenRlhfReward(params, client, done);
        auto [wec] = co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
        (void)wec;
        if (failed) throw *failed;
        res = Respond(req, http::status::ok, JsonBody(result));
      }
    } catch (const RpcError& e) {
      res = ErrorResponse(req, e);
      error_code = e.code;
    } catch (const std::exception& e) {
      const RpcError internal{rpc_error::kInternal, std::string("internal error: ") + e.what(), {}};
      res = ErrorResponse(req, internal);
      error_code = internal.code;
    }
    service.CountRequest(route ? route->method : label, Transport::kHttp, start, error_code);
    auto [wec, wn] = co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
    if (wec || !res.keep_alive()) break;
  }
  service.ClientClosed(client);
  boost::system::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace proctor::harness
