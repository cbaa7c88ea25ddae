#include "harness/connection.h"

#include <boost/asio/as_tuple.hpp>

namespace proctor::harness {
namespace asio = boost::asio;

namespace {
constexpr size_t kMaxOutboxBytes = 256 << 20;  // unsent responses before we give up on a client
// Unsent bytes over which no more requests are read from the client (tests/faults/
// slow_client_test.cc); reading resumes once half of it is written.
constexpr size_t kPauseReadingBytes = 4 << 20;
}

Connection::Connection(StreamSocket socket, Service& service, uint64_t id,
                       const ServerConfig& config)
    : socket_(std::move(socket)), service_(service), config_(config),
      client_(std::make_shared<ClientState>()), idle_(socket_.get_executor()),
      resume_(socket_.get_executor()) {
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
  resume_.cancel();
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
    // A client that reads nothing of what we send is as idle as one that sends nothing.
    const bool stalled = self->writing_ && std::chrono::steady_clock::now() -
                                                   self->last_write_progress_ >=
                                               std::chrono::duration<double>(
                                                   self->config_.idle_timeout_seconds);
    if (!stalled && (!self->client_->in_flight.empty() || self->writing_))
      return self->ArmIdleTimer();
    self->Close();
  });
}

asio::awaitable<void> Connection::ReadLoop() {
  std::string line;
  bool discarding = false;  // inside an oversized message: drop bytes until its newline
  char chunk[65536];
  for (;;) {
    // Backpressure: a client that does not read its responses gets no more of them.
    while (outbox_bytes_ > kPauseReadingBytes && client_->open) {
      resume_.expires_at(asio::steady_timer::time_point::max());
      co_await resume_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (!client_->open) break;
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
  Line parsed = ParseLine(text, &error);
  if (parsed.kind == Line::Kind::kParseError) return Send(error);
  std::weak_ptr<Connection> weak = shared_from_this();
  auto send = [weak](nlohmann::json message) {
    if (auto self = weak.lock()) self->Send(message);
  };
  if (parsed.kind == Line::Kind::kSingle) {
    std::optional<Request> request = ParseRequest(parsed.value, &error);
    if (!request) return Send(error);
    return service_.Handle(std::move(*request), client_, Transport::kJsonRpc, send, send);
  }
  // A batch (JSON-RPC 2.0 section 6): one array holding a response for every element that is
  // not a notification (an invalid element gets its own error), in the order they finish;
  // nothing at all when every element was a notification. Streamed `grade.result`
  // notifications of its requests are sent on their own lines before it.
  struct Batch {
    nlohmann::json responses = nlohmann::json::array();
    size_t expected = 0;
  };
  auto batch = std::make_shared<Batch>();
  std::vector<Request> requests;
  for (const nlohmann::json& element : parsed.value) {
    std::optional<Request> request = ParseRequest(element, &error);
    if (!request) {
      batch->responses.push_back(error);
      ++batch->expected;
      continue;
    }
    if (!request->is_notification) ++batch->expected;
    requests.push_back(std::move(*request));
  }
  auto collect = [batch, send](nlohmann::json response) {
    batch->responses.push_back(std::move(response));
    if (batch->responses.size() == batch->expected) send(std::move(batch->responses));
  };
  const bool answered_now = batch->responses.size() == batch->expected;  // only notifications
  // `expected` is fixed before the first dispatch, so answers that arrive during the loop
  // (synchronous methods) cannot complete the batch early.
  for (Request& request : requests) {
    const bool notification = request.is_notification;
    service_.Handle(std::move(request), client_, Transport::kJsonRpc,
                    notification ? Service::Send([](nlohmann::json) {}) : Service::Send(collect),
                    send);
  }
  if (answered_now && !batch->responses.empty()) Send(batch->responses);
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
  if (!writing_) last_write_progress_ = std::chrono::steady_clock::now();
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(outbox_.front()),
                    [self](boost::system::error_code ec, size_t) {
                      self->outbox_bytes_ -= self->outbox_.front().size();
                      self->outbox_.pop_front();
                      if (ec) return self->Close();
                      self->last_write_progress_ = std::chrono::steady_clock::now();
                      if (self->outbox_bytes_ <= kPauseReadingBytes / 2) self->resume_.cancel();
                      self->WriteNext();
                    });
}

}  // namespace proctor::harness
