#include "harness/server.h"

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <iostream>
#include <thread>

#include "harness/connection.h"
#include "harness/http_session.h"

namespace proctor::harness {
namespace asio = boost::asio;

Server::Server(ServerConfig config, sandbox::Sandbox& sandbox,
               std::vector<std::unique_ptr<grader::task::Pack>> packs)
    : config_(std::move(config)),
      service_(config_, io_.get_executor(), sandbox, std::move(packs)),
      tcp_(io_),
      http_(io_),
      unix_(io_),
      signals_(io_, SIGTERM, SIGINT) {}

bool Server::Listen(std::string* error) {
  boost::system::error_code ec;
  auto bind = [&](asio::ip::tcp::acceptor& acceptor, int port, const char* what) {
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address(config_.host, ec),
                                     static_cast<unsigned short>(port));
    if (ec) {
      *error = std::string("bad host '") + config_.host + "': " + ec.message();
      return false;
    }
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      *error = std::string("cannot listen for ") + what + " on " + config_.host + ":" +
               std::to_string(port) + ": " + ec.message();
      return false;
    }
    return true;
  };
  if (!bind(tcp_, config_.port, "JSON-RPC")) return false;
  tcp_port_ = tcp_.local_endpoint().port();
  if (config_.http_port >= 0) {
    if (!bind(http_, config_.http_port, "HTTP")) return false;
    http_port_ = http_.local_endpoint().port();
  }
  if (!config_.unix_path.empty()) {
    ::unlink(config_.unix_path.c_str());
    asio::local::stream_protocol::endpoint endpoint(config_.unix_path);
    unix_.open(endpoint.protocol(), ec);
    if (!ec) unix_.bind(endpoint, ec);
    if (!ec) unix_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      *error = "cannot listen on " + config_.unix_path + ": " + ec.message();
      return false;
    }
  }
  return true;
}

namespace {

// After a failed accept: out of descriptors or kernel memory (EMFILE, ENFILE, ENOBUFS, ENOMEM)
// the pending connection stays in the backlog and the listening socket stays readable, so
// accepting again at once fails again at once: a busy loop that starves the event loop of the
// very connections whose closing would free descriptors. Wait a little instead (the backlog
// keeps the clients); other errors (a client that reset before we accepted) retry at once.
asio::awaitable<void> PauseAfterAcceptError(boost::system::error_code ec) {
  if (ec != asio::error::no_descriptors && ec != boost::system::errc::too_many_files_open_in_system &&
      ec != asio::error::no_buffer_space && ec != asio::error::no_memory)
    co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

asio::awaitable<void> Server::AcceptTcp() {
  while (!stopping_) {
    auto [ec, socket] = co_await tcp_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      co_await PauseAfterAcceptError(ec);  // e.g. EMFILE: keep serving the connections we have
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    std::make_shared<Connection>(StreamSocket(std::move(socket)), service_, ++next_client_, config_)
        ->Start();
  }
}

asio::awaitable<void> Server::AcceptUnix() {
  while (!stopping_) {
    auto [ec, socket] = co_await unix_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      co_await PauseAfterAcceptError(ec);
      continue;
    }
    std::make_shared<Connection>(StreamSocket(std::move(socket)), service_, ++next_client_, config_)
        ->Start();
  }
}

asio::awaitable<void> Server::AcceptHttp() {
  while (!stopping_) {
    auto [ec, socket] = co_await http_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      co_await PauseAfterAcceptError(ec);
      continue;
    }
    asio::co_spawn(io_, ServeHttp(std::move(socket), service_, ++next_client_,
                                  config_.max_message_bytes),
                   asio::detached);
  }
}

void Server::Shutdown() {
  if (stopping_) return;
  stopping_ = true;
  std::cerr << "proctor serve: shutting down, draining in-flight work\n";
  boost::system::error_code ignored;
  tcp_.close(ignored);
  http_.close(ignored);
  unix_.close(ignored);
  service_.BeginShutdown();
  // Wait for the workers off the event loop (their results still need it), then stop.
  std::thread([this] {
    service_.DrainWork();
    asio::post(io_, [this] {
      // Let the last responses flush.
      auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(200));
      timer->async_wait([this, timer](boost::system::error_code) { io_.stop(); });
    });
  }).detach();
  auto deadline = std::make_shared<asio::steady_timer>(
      io_, std::chrono::milliseconds(static_cast<int64_t>(config_.drain_timeout_seconds * 1000)));
  deadline->async_wait([this, deadline](boost::system::error_code ec) {
    if (!ec) io_.stop();
  });
}

int Server::Run() {
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) Shutdown();
  });
  asio::co_spawn(io_, AcceptTcp(), asio::detached);
  if (unix_.is_open()) asio::co_spawn(io_, AcceptUnix(), asio::detached);
  if (http_.is_open()) asio::co_spawn(io_, AcceptHttp(), asio::detached);
  io_.run();
  if (!config_.unix_path.empty()) ::unlink(config_.unix_path.c_str());
  std::cerr << "proctor serve: stopped\n";
  return 0;
}

}  // namespace proctor::harness
