#include "harness/connection.h"

#include <boost/asio/as_tuple.hpp>

namespace proctor::harness {
namespace asio = boost::asio;

namespace {
constexpr size_t kMaxOutboxBytes = 256 << 20;  // unsent responses before we give up on a client
}

Connection::Connection(StreamSocket socket, Service& service, uint64_t id,
                       const ServerConfig& config)
    : socket_(std::move(socket)), service_(service), config_(config),
      client_(std::make_shared<ClientState>()), idle_(socket_.get_executor()) {
  client_->id = id;
}

void Connection::Start() {
  ++service_.connections;
  ArmIdleTimer();
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), ReadLoop(), [self](std::exception_ptr) {
    // An escaped exception ends this connection only, never the server.
    self->Close();
  });
}

void Connection::Close() {
  if (!client_->open) return;
  service_.ClientClosed(client_);
  --service_.connections;
  idle_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
}

void Connection::ArmIdleTimer() {
  idle_.expires_after(std::chrono::milliseconds(
      static_cast<int64_t>(config_.idle_timeout_seconds * 1000)));
  auto self = shared_from_this();
  idle_.async_wait([self](boost::system::error_code ec) {
    if (ec) return;
    if (!self->client_->in_flight.empty() || self->writing_) return self->ArmIdleTimer();
    self->Close();
  });
}

asio::awaitable<void> Connection::ReadLoop() {
  std::string line;
  bool discarding = false;  // inside an oversized message: drop bytes until its newline
  char chunk[65536];
  for (;;) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(chunk),
                                                    asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    ArmIdleTimer();
    size_t start = 0;
    for (size_t i = 0; i < n; ++i) {
      if (chunk[i] != '\n') continue;
      if (!discarding) {
        line.append(chunk + start, i - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) HandleLine(line);
      }
      discarding = false;
      line.clear();
      // One big message must not pin its buffer for the connection's life.
      if (line.capacity() > sizeof chunk) std::string().swap(line);
      start = i + 1;
    }
    if (!discarding) {
      line.append(chunk + start, n - start);
      if (line.size() > config_.max_message_bytes) {
        Send(MakeError(nullptr, {rpc_error::kTooLarge, "message too large",
                                 {{"max_bytes", config_.max_message_bytes}}}));
        line.clear();
        line.shrink_to_fit();
        discarding = true;
      }
    }
    if (!client_->open) break;
  }
  Close();
}

void Connection::HandleLine(const std::string& text) {
  if (text.size() > config_.max_message_bytes) {
    Send(MakeError(nullptr, {rpc_error::kTooLarge, "message too large",
                             {{"max_bytes", config_.max_message_bytes}}}));
    return;
  }
  nlohmann::json error;
  std::optional<Request> request = ParseRequest(text, &error);
  if (!request) {
    Send(error);
    return;
  }
  std::weak_ptr<Connection> weak = shared_from_this();
  auto send = [weak](nlohmann::json message) {
    if (auto self = weak.lock()) self->Send(message);
  };
  service_.Handle(std::move(*request), client_, send, send);
}

void Connection::Send(const nlohmann::json& message) {
  if (!client_->open) return;
  std::string framed = Frame(message);
  outbox_bytes_ += framed.size();
  outbox_.push_back(std::move(framed));
  if (outbox_bytes_ > kMaxOutboxBytes) return Close();  // a client that does not read
  if (!writing_) WriteNext();
}

void Connection::WriteNext() {
  if (outbox_.empty() || !client_->open) {
    writing_ = false;
    return;
  }
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(outbox_.front()),
                    [self](boost::system::error_code ec, size_t) {
                      self->outbox_bytes_ -= self->outbox_.front().size();
                      self->outbox_.pop_front();
                      if (ec) return self->Close();
                      self->WriteNext();
                    });
}

}  // namespace proctor::harness
