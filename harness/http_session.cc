#include "harness/http_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace proctor::harness {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;

namespace {

http::response<http::string_body> Respond(const http::request<http::string_body>& req,
                                          http::status status, std::string body,
                                          const char* type = "application/json") {
  http::response<http::string_body> res{status, req.version()};
  res.set(http::field::server, "proctor/" PROCTOR_VERSION);
  res.set(http::field::content_type, type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

std::string ErrorBody(int code, const std::string& message) {
  return json{{"error", {{"code", code}, {"message", message}}}}.dump() + "\n";
}

}  // namespace

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
    if (ec) break;
    http::request<http::string_body> req = parser.release();
    http::response<http::string_body> res;
    const std::string target(req.target());
    if (req.method() == http::verb::get && target == "/healthz") {
      service.metrics().CountRequest("http.healthz");
      res = Respond(req, http::status::ok, service.Health().dump() + "\n");
    } else if (req.method() == http::verb::get && target == "/metrics") {
      service.metrics().CountRequest("http.metrics");
      res = Respond(req, http::status::ok, service.PrometheusText(),
                    "text/plain; version=0.0.4");
    } else if (req.method() == http::verb::post && target == "/v1/grade") {
      service.metrics().CountRequest("http.grade");
      json params = json::parse(req.body(), nullptr, false);
      if (!params.is_object()) {
        res = Respond(req, http::status::bad_request, ErrorBody(-32700, "body must be a JSON object"));
      } else {
        // Wait for the grading callback: a timer that the callback cancels.
        asio::steady_timer wake(socket.get_executor(), std::chrono::steady_clock::time_point::max());
        http::status status = http::status::ok;
        std::string body;
        try {
          service.Grade(params, client,
                        [&](const RpcError* error, json result) {
                          if (error) {
                            status = error->code == rpc_error::kOverloaded
                                         ? http::status::service_unavailable
                                         : http::status::bad_request;
                            body = ErrorBody(error->code, error->message);
                          } else {
                            body = result.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
                          }
                          wake.cancel();
                        },
                        [](json) {});
          auto [wec] = co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
          (void)wec;
        } catch (const RpcError& e) {
          status = e.code == rpc_error::kOverloaded ? http::status::service_unavailable
                                                    : http::status::bad_request;
          body = ErrorBody(e.code, e.message);
        }
        res = Respond(req, status, body);
      }
    } else {
      res = Respond(req, http::status::not_found, ErrorBody(-32601, "no such endpoint: " + target));
    }
    auto [wec, wn] = co_await http::async_write(socket, res, asio::as_tuple(asio::use_awaitable));
    if (wec || !res.keep_alive()) break;
  }
  service.ClientClosed(client);
  boost::system::error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace proctor::harness
