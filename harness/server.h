// `proctor serve`: owns the event loop, the listeners (TCP, optional Unix socket, HTTP), the
// live connections and shutdown. SIGTERM/SIGINT stop accepting, let in-flight work finish
// (bounded), then exit.
#pragma once

#include <boost/asio.hpp>
#include <memory>
#include <string>
#include <vector>

#include "harness/config.h"
#include "harness/service.h"

namespace proctor::harness {

class Server {
 public:
  Server(ServerConfig config, sandbox::Sandbox& sandbox,
         std::vector<std::unique_ptr<grader::task::Pack>> packs);
  // Binds the listeners; returns false with the reason (e.g. the port is taken).
  bool Listen(std::string* error);
  int tcp_port() const { return tcp_port_; }
  int http_port() const { return http_port_; }
  // Runs until shut down by a signal. Returns the exit code.
  int Run();

 private:
  boost::asio::awaitable<void> AcceptTcp();
  boost::asio::awaitable<void> AcceptUnix();
  boost::asio::awaitable<void> AcceptHttp();
  void Shutdown();

  ServerConfig config_;
  boost::asio::io_context io_;
  Service service_;
  boost::asio::ip::tcp::acceptor tcp_, http_;
  boost::asio::local::stream_protocol::acceptor unix_;
  boost::asio::signal_set signals_;
  int tcp_port_ = 0, http_port_ = 0;
  uint64_t next_client_ = 0;
  bool stopping_ = false;
};

}  // namespace proctor::harness
