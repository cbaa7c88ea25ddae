// One client connection: splits the byte stream into lines (capped), hands each request to
// the Service, and writes responses in the order they finish. Works for TCP and Unix sockets.
// A client that stops reading is not read from while its unsent output is over 4 MiB (its own
// sends then block in TCP: backpressure), is closed when a write makes no progress for
// idle_timeout_seconds, and is disconnected at once if in-flight results push its unsent
// output past 256 MiB, so it can never stall the server or make it buffer without bound.
#pragma once

#include <boost/asio.hpp>
#include <deque>
#include <memory>
#include <string>

#include "harness/service.h"

namespace proctor::harness {

using StreamSocket = boost::asio::generic::stream_protocol::socket;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(StreamSocket socket, Service& service, uint64_t id, const ServerConfig& config);
  void Start();
  void Close();  // from the event loop

 private:
  boost::asio::awaitable<void> ReadLoop();
  void HandleLine(const std::string& line);
  void Send(const nlohmann::json& message);
  void WriteNext();
  void ArmIdleTimer();

  StreamSocket socket_;
  Service& service_;
  const ServerConfig& config_;
  std::shared_ptr<ClientState> client_;
  std::deque<std::string> outbox_;
  size_t outbox_bytes_ = 0;
  bool writing_ = false;
  std::chrono::steady_clock::time_point last_write_progress_;
  boost::asio::steady_timer idle_;
  boost::asio::steady_timer resume_;  // wakes a read loop paused by unsent output
};

}  // namespace proctor::harness
