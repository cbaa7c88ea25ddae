// HTTP/1.1 on a second port (Boost.Beast): POST /v1/grade, GET /healthz, GET /metrics.
#pragma once

#include <boost/asio.hpp>

#include "harness/service.h"

namespace proctor::harness {

// Serves one HTTP connection until the client closes it (keep-alive supported).
boost::asio::awaitable<void> ServeHttp(boost::asio::ip::tcp::socket socket, Service& service,
                                       uint64_t client_id, size_t max_body_bytes);

}  // namespace proctor::harness
