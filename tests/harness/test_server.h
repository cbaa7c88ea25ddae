// A real `proctor serve` on free loopback ports and small blocking clients for it (JSON-RPC
// lines and raw HTTP/1.1), for the protocol tests.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/host_check.h"

namespace proctor::testing {

inline const std::string kProctor = PROCTOR_BINARY;
inline const std::string kTasks = PROCTOR_TASKS_DIR;

// Serves `packs` (folders) with `extra` flags; stopped with SIGTERM at the end.
class TestServer {
 public:
  explicit TestServer(std::vector<std::string> extra = {},
                      std::vector<std::string> packs = {kTasks + "/adversarial",
                                                        kTasks + "/basics"}) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;
    std::vector<std::string> argv = {kProctor, "serve", "--port", "0", "--http-port", "0"};
    for (const std::string& p : packs) {
      argv.push_back("--pack");
      argv.push_back(p);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = Spawn(argv, out[1], -1);
    ::close(out[1]);
    std::string line;
    char ch;
    while (::read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    ::close(out[0]);
    std::sscanf(line.c_str(), "listening %d %d", &port_, &http_port_);
  }
  ~TestServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  int port() const { return port_; }
  int http_port() const { return http_port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0, http_port_ = 0;
};

inline int ConnectLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline void SendAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Newline-delimited JSON-RPC: every message the server sends, in the order it sends them.
class LineClient {
 public:
  explicit LineClient(int port) : fd_(ConnectLoopback(port)) {}
  ~LineClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  void SendLine(const std::string& line) { SendAll(fd_, line + "\n"); }
  void Send(const nlohmann::json& message) { SendLine(message.dump()); }
  // The next message (object or array), or null on timeout or EOF.
  nlohmann::json Read(int timeout_ms = 60000) {
    if (fd_ < 0) return nullptr;  // the server did not start or refused the connection
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return nlohmann::json::parse(line);
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) return nullptr;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) return nullptr;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return nullptr;
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }
  // A request with this id; returns the message answering it (skipping notifications).
  nlohmann::json Call(const std::string& method, nlohmann::json params, int id = 7) {
    Send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    for (;;) {
      nlohmann::json m = Read();
      if (m.is_null() || (m.is_object() && m.contains("id") && m["id"] == id)) return m;
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// One request on its own connection (Connection: close).
inline HttpReply Http(int port, const std::string& method, const std::string& target,
                      const std::string& body = "") {
  HttpReply reply;
  int fd = ConnectLoopback(port);
  if (fd < 0) return reply;
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  if (!body.empty() || method == "POST")
    request += "Content-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n";
  SendAll(fd, request + "\r\n" + body);
  std::string raw;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) raw.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return reply;
  std::sscanf(raw.c_str(), "HTTP/1.1 %d", &reply.status);
  size_t at = raw.find("\r\n") + 2;
  while (at < end) {
    size_t eol = raw.find("\r\n", at);
    const std::string line = raw.substr(at, eol - at);
    at = eol + 2;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    reply.headers[name] = value;
  }
  reply.body = raw.substr(end + 4);
  return reply;
}

}  // namespace proctor::testing
