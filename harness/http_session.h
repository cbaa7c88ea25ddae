// HTTP/1.1 on a second port (Boost.Beast), docs/protocol.md "HTTP":
//   GET  /healthz              health
//   GET  /metrics              Prometheus text
//   GET  /v1/tasks[?pack=P]    tasks.list        GET /v1/envs   envs.list
//   POST /v1/grade             grade params -> its result
//   POST /v1/openrlhf/reward   OpenRLHF's remote reward model (harness/openrlhf.h)
// Errors carry the JSON-RPC error object; the status says what kind: 400 bad request, 404 no
// such path, 405 wrong method (with Allow), 503 overloaded (with Retry-After) or ungradeable,
// 504 deadline missed, 500 Proctor's own failure.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/http/status.hpp>

#include "harness/service.h"

namespace proctor::harness {

// The HTTP status of a JSON-RPC error code.
boost::beast::http::status HttpStatusOf(int rpc_error_code);

// Serves one HTTP connection until the client closes it (keep-alive supported).
boost::asio::awaitable<void> ServeHttp(boost::asio::ip::tcp::socket socket, Service& service,
                                       uint64_t client_id, size_t max_body_bytes);

}  // namespace proctor::harness
