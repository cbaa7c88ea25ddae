// The real `proctor serve` binary on a free loopback port, driven by a small C++ client:
// envs, concurrent gradings from many connections, hostile bytes on the socket, a client that
// disappears mid-request, overload, deadlines, HTTP and /metrics, and SIGTERM drain.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "tests/support/host_check.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kProctor = PROCTOR_BINARY;
const std::string kTasks = PROCTOR_TASKS_DIR;

const std::string kAdd = "def add(a, b):\n    return a + b\n";
const std::string kWrongAdd = "def add(a, b):\n    return a - b\n";
const std::string kSleepy = "import time\ntime.sleep(60)\n";

// A running `proctor serve`, stopped with SIGTERM at the end.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra = {}) {
    int out[2];
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    std::vector<std::string> argv = {kProctor, "serve", "--port", "0", "--http-port", "0",
                                     "--pack", kTasks + "/adversarial", "--pack",
                                     kTasks + "/basics"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid_ = proctor::testing::Spawn(argv, out[1], -1);
    ::close(out[1]);
    std::string line;
    char ch;
    while (::read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    ::close(out[0]);
    std::sscanf(line.c_str(), "listening %d %d", &port_, &http_port_);
  }
  ~ServerProcess() {
    if (pid_ > 0 && !stopped_) Stop();
  }
  int Stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    stopped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  int http_port() const { return http_port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0, http_port_ = 0;
  bool stopped_ = false;
};

// A blocking line client with out-of-order responses matched by id.
class Client {
 public:
  explicit Client(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }
  void SendRaw(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }
  void Send(int id, const std::string& method, json params) {
    SendRaw(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() +
            "\n");
  }
  // Next message (response or notification), or null on timeout/EOF.
  json Read(int timeout_ms = 60000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return json::parse(line);
      }
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now())
                                      .count());
      if (left <= 0) return nullptr;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, left) <= 0) return nullptr;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return nullptr;
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }
  json Call(const std::string& method, json params, int timeout_ms = 60000) {
    int id = ++next_id_;
    Send(id, method, params);
    for (;;) {
      json m = Read(timeout_ms);
      if (m.is_null() || (m.contains("id") && m["id"] == id)) return m;
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  int next_id_ = 1000;
  std::string buffer_;
};

TEST(Server, HealthEnvsAndTasks) {
  ServerProcess server;
  ASSERT_GT(server.port(), 0);
  Client c(server.port());
  json health = c.Call("health", json::object());
  EXPECT_EQ(health["result"]["status"], "ok");
  EXPECT_TRUE(health["result"]["layers"]["seccomp"].get<bool>());
  json envs = c.Call("envs.list", json::object());
  std::set<std::string> ids;
  for (const json& e : envs["result"]["envs"]) ids.insert(e["id"]);
  EXPECT_TRUE(ids.count("proctor/codegen-v0"));
  EXPECT_TRUE(ids.count("proctor/repair-v0"));
  json tasks = c.Call("tasks.list", {{"pack", "adversarial"}});
  EXPECT_EQ(tasks["result"]["tasks"].size(), 4u);
  EXPECT_EQ(server.Stop(), 0);
}

TEST(Server, CodegenAndRepairEpisodes) {
  ServerProcess server;
  Client c(server.port());
  json made = c.Call("env.make", {{"env_id", "proctor/codegen-v0"}, {"options", {{"pack", "adversarial"}}}});
  ASSERT_TRUE(made.contains("result")) << made.dump();
  const std::string sid = made["result"]["session_id"];
  json early = c.Call("env.step", {{"session_id", sid}, {"action", {{"code", kAdd}}}});
  EXPECT_EQ(early["error"]["code"], -32004) << "step before reset must be refused";
  json reset = c.Call("env.reset", {{"session_id", sid}, {"seed", 1}, {"options", {{"task_id", "T1"}}}});
  ASSERT_TRUE(reset.contains("result")) << reset.dump();
  EXPECT_EQ(reset["result"]["observation"]["task_id"], "T1");
  json step = c.Call("env.step", {{"session_id", sid}, {"action", {{"code", kAdd}}}});
  ASSERT_TRUE(step.contains("result")) << step.dump();
  EXPECT_EQ(step["result"]["reward"], 1.0);
  EXPECT_TRUE(step["result"]["terminated"].get<bool>());

  json repair = c.Call("env.make", {{"env_id", "proctor/repair-v0"},
                                    {"options", {{"pack", "adversarial"}, {"max_turns", 3}}}});
  const std::string rid = repair["result"]["session_id"];
  c.Call("env.reset", {{"session_id", rid}, {"options", {{"task_id", "T1"}}}});
  json wrong = c.Call("env.step", {{"session_id", rid}, {"action", {{"code", kWrongAdd}}}});
  ASSERT_TRUE(wrong.contains("result")) << wrong.dump();
  EXPECT_EQ(wrong["result"]["reward"], 0.0);
  EXPECT_FALSE(wrong["result"]["terminated"].get<bool>());
  EXPECT_FALSE(wrong["result"]["observation"]["feedback"].is_null());
  json right = c.Call("env.step", {{"session_id", rid}, {"action", {{"code", kAdd}}}});
  EXPECT_TRUE(right["result"]["terminated"].get<bool>()) << right.dump();
  EXPECT_EQ(c.Call("env.close", {{"session_id", rid}})["result"]["closed"], true);
  EXPECT_EQ(c.Call("env.reset", {{"session_id", rid}})["error"]["code"], -32002);
}

TEST(Server, FiveHundredGradingsFromFiftyConnectionsAllAnswered) {
  ServerProcess server;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 50; ++i) clients.push_back(std::make_unique<Client>(server.port()));
  for (int i = 0; i < 50; ++i) {
    for (int k = 0; k < 10; ++k) {
      const bool honest = (i + k) % 2 == 0;
      clients[i]->Send(k, "grade", {{"pack", "adversarial"}, {"task_id", "T1"},
                                    {"submissions", {{{"code", honest ? kAdd : kWrongAdd}}}}});
    }
  }
  int answered = 0;
  for (int i = 0; i < 50; ++i) {
    std::set<int> seen;
    while (seen.size() < 10) {
      json m = clients[i]->Read(300000);
      ASSERT_FALSE(m.is_null()) << "connection " << i << " lost responses";
      ASSERT_TRUE(m.contains("result")) << m.dump();
      const int k = m["id"];
      EXPECT_TRUE(seen.insert(k).second) << "duplicate response";
      const double expected = (i + k) % 2 == 0 ? 1.0 : 0.0;
      EXPECT_EQ(m["result"]["group"]["rewards"][0], expected);
      ++answered;
    }
  }
  EXPECT_EQ(answered, 500);
}

TEST(Server, GroupDeduplicatesAndStreams) {
  ServerProcess server;
  Client c(server.port());
  c.Send(1, "grade", {{"pack", "adversarial"}, {"task_id", "T1"}, {"stream", true},
                      {"submissions", {{{"code", kAdd}}, {{"code", kWrongAdd}}, {{"code", kAdd}}}}});
  int notifications = 0;
  json final;
  for (;;) {
    json m = c.Read();
    ASSERT_FALSE(m.is_null());
    if (m.contains("method")) {
      EXPECT_EQ(m["method"], "grade.result");
      ++notifications;
      continue;
    }
    final = m;
    break;
  }
  EXPECT_EQ(notifications, 3);
  json group = final["result"]["group"];
  EXPECT_EQ(group["rewards"], json::array({1.0, 0.0, 1.0}));
  EXPECT_FALSE(group["all_pass"].get<bool>());
  json stats = c.Call("stats", json::object());
  EXPECT_EQ(stats["result"]["gradings"], 2) << "identical submissions are graded once";
}

// Completions as models write them (docs/extraction.md): fenced answers, chats, starter-less
// completions and the extract mode, through JSON-RPC grade, HTTP and env.step.
TEST(Server, FencedAndChatAnswersAndTheExtractMode) {
  const std::string gcd =
      "def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
      "    return a\n";
  const std::string fenced = "Here it is:\n```python\n" + gcd + "```\nEuclid's algorithm.\n";
  const json chat = {{{"role", "user"}, {"content", "Write gcd."}},
                     {{"role", "assistant"}, {"content", fenced}}};
  ServerProcess server;
  Client c(server.port());
  json r = c.Call("grade", {{"pack", "basics"}, {"task_id", "gcd"},
                            {"submissions", {{{"code", fenced}},
                                             {{"completion", fenced}},
                                             {{"completion", gcd}},
                                             {{"messages", chat}},
                                             {{"code", gcd}, {"extract", "fenced"}},
                                             {{"code", gcd}}}}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["group"]["rewards"], json::array({1.0, 1.0, 1.0, 1.0, 0.0, 1.0}));
  const json& results = r["result"]["results"];
  EXPECT_EQ(results[0]["extraction"]["source"], "fence 1 of 1 (python)");
  EXPECT_EQ(results[0]["extraction"]["graded_code"], gcd);
  EXPECT_EQ(results[3]["extraction"]["source"], "messages[1]: fence 1 of 1 (python)");
  EXPECT_EQ(results[4]["tests"][0]["verdict"], "no_code");
  EXPECT_FALSE(results[4]["ungradeable"].get<bool>());
  EXPECT_EQ(results[4]["extraction"]["error"].get<std::string>().rfind("no code:", 0), 0u);
  // The same code under two modes is two gradings: 1 fenced, 1 bare completion, 1 chat,
  // 2 for the bare code (fenced and auto); the fenced code and completion are separate keys.
  EXPECT_EQ(c.Call("stats", json::object())["result"]["gradings"], 6);

  // The request's extract applies to submissions without their own.
  r = c.Call("grade", {{"pack", "basics"}, {"task_id", "gcd"}, {"extract", "fenced"},
                       {"submissions", {{{"code", gcd}}, {{"code", gcd}, {"extract", "raw"}}}}});
  ASSERT_TRUE(r.contains("result")) << r.dump();
  EXPECT_EQ(r["result"]["group"]["rewards"], json::array({0.0, 1.0}));
  EXPECT_EQ(r["result"]["results"][0]["extraction"]["mode"], "fenced");

  // Bad values name the param.
  r = c.Call("grade", {{"pack", "basics"}, {"task_id", "gcd"}, {"extract", "strict"},
                       {"submissions", {{{"code", gcd}}}}});
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["data"]["param"], "extract");
  r = c.Call("grade", {{"pack", "basics"}, {"task_id", "gcd"},
                       {"submissions", {{{"messages", {{{"role", "user"}, {"content", "x"}}}}}}}});
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["data"]["param"], "submissions[0].messages");
  r = c.Call("grade", {{"pack", "basics"}, {"task_id", "gcd"},
                       {"submissions", {{{"code", gcd}, {"messages", chat}}}}});
  EXPECT_EQ(r["error"]["data"]["param"], "submissions[0]");

  // HTTP takes the same params.
  const std::string body = json{{"pack", "basics"}, {"task_id", "gcd"}, {"extract", "fenced"},
                                {"submissions", {{{"messages", chat}}}}}.dump();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server.http_port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string request = "POST /v1/grade HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                              "Content-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string http;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) http.append(buf, static_cast<size_t>(n));
  ::close(fd);
  ASSERT_NE(http.find("200 OK"), std::string::npos) << http;
  json http_result = json::parse(http.substr(http.find("\r\n\r\n") + 4));
  EXPECT_EQ(http_result["group"]["rewards"][0], 1.0) << http_result.dump();

  // env.step: a chat action, and a fenced-mode action without a fence.
  json made = c.Call("env.make", {{"env_id", "proctor/repair-v0"}, {"options", {{"pack", "basics"}}}});
  const std::string sid = made["result"]["session_id"];
  c.Call("env.reset", {{"session_id", sid}, {"options", {{"task_id", "gcd"}}}});
  json bare = c.Call("env.step", {{"session_id", sid},
                                  {"action", {{"code", gcd}, {"extract", "fenced"}}}});
  ASSERT_TRUE(bare.contains("result")) << bare.dump();
  EXPECT_EQ(bare["result"]["reward"], 0.0);
  EXPECT_EQ(bare["result"]["info"]["report"]["extraction"]["mode"], "fenced");
  EXPECT_NE(bare["result"]["observation"]["text"].get<std::string>().find(
                "No program was found in the answer:\n"),
            std::string::npos)
      << bare.dump();
  json step = c.Call("env.step", {{"session_id", sid}, {"action", {{"messages", chat}}}});
  ASSERT_TRUE(step.contains("result")) << step.dump();
  EXPECT_EQ(step["result"]["reward"], 1.0);
  EXPECT_TRUE(step["result"]["terminated"].get<bool>());
  json made2 = c.Call("env.make", {{"env_id", "proctor/codegen-v0"}, {"options", {{"pack", "basics"}}}});
  const std::string sid2 = made2["result"]["session_id"];
  c.Call("env.reset", {{"session_id", sid2}, {"options", {{"task_id", "gcd"}}}});
  json bad = c.Call("env.step", {{"session_id", sid2}, {"action", {{"code", gcd}, {"extract", 1}}}});
  EXPECT_EQ(bad["error"]["code"], -32602);
  EXPECT_EQ(bad["error"]["data"]["param"], "action.extract");

  // The env option sets the mode of every action that does not name its own.
  json strict = c.Call("env.make", {{"env_id", "proctor/repair-v0"},
                                    {"options", {{"pack", "basics"}, {"extract", "fenced"}}}});
  ASSERT_TRUE(strict.contains("result")) << strict.dump();
  const std::string sid3 = strict["result"]["session_id"];
  c.Call("env.reset", {{"session_id", sid3}, {"options", {{"task_id", "gcd"}}}});
  json unfenced = c.Call("env.step", {{"session_id", sid3}, {"action", {{"code", gcd}}}});
  EXPECT_EQ(unfenced["result"]["reward"], 0.0) << unfenced.dump();
  EXPECT_EQ(unfenced["result"]["info"]["report"]["tests"][0]["verdict"], "no_code");
  json own_mode = c.Call("env.step", {{"session_id", sid3},
                                      {"action", {{"code", gcd}, {"extract", "auto"}}}});
  EXPECT_EQ(own_mode["result"]["reward"], 1.0) << own_mode.dump();
  json bad_option = c.Call("env.make", {{"env_id", "proctor/codegen-v0"},
                                        {"options", {{"extract", "fence"}}}});
  EXPECT_EQ(bad_option["error"]["data"]["param"], "options.extract") << bad_option.dump();
}

TEST(Server, HostileBytesGetErrorsAndTheConnectionLivesOn) {
  fs::path config = fs::temp_directory_path() / ("proctor-server-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(config) << "max_message_bytes: 65536\n";
  ServerProcess server({"--config", config.string()});
  Client c(server.port());
  c.SendRaw(std::string("\x00\xff\xfe garbage {{{\n", 16));
  EXPECT_EQ(c.Read()["error"]["code"], -32700);
  c.SendRaw("{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"no.such\"}\n");
  EXPECT_EQ(c.Read()["error"]["code"], -32601);
  c.SendRaw("[]\n");  // an empty batch (non-empty ones: protocol_test.cc)
  EXPECT_EQ(c.Read()["error"]["code"], -32600);
  c.SendRaw(std::string(200000, 'x') + "\n");
  json big = c.Read();
  EXPECT_EQ(big["error"]["code"], -32003);
  EXPECT_EQ(c.Call("health", json::object())["result"]["status"], "ok");
  c.Send(9, "grade", {{"pack", "adversarial"}, {"task_id", "T1"}, {"submissions", "nope"}});
  EXPECT_EQ(c.Read()["error"]["code"], -32602);
  // A half-sent message and a vanished client do not disturb anyone else.
  {
    Client half(server.port());
    half.SendRaw("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"hea");
  }
  EXPECT_EQ(c.Call("health", json::object())["result"]["status"], "ok");
  // Made-up method names (one would break a /metrics label) are counted, not remembered.
  for (int i = 0; i < 200; ++i) c.Send(100 + i, "made.up." + std::to_string(i) + "\"}\n", json::object());
  for (int i = 0; i < 200; ++i) EXPECT_EQ(c.Read()["error"]["code"], -32601);
  json by_method = c.Call("stats", json::object())["result"]["requests_by_method"];
  EXPECT_LE(by_method.size(), 10u) << by_method.dump();
  EXPECT_GE(by_method.value("(unknown)", 0), 201) << by_method.dump();
  fs::remove(config);
}

TEST(Server, DisconnectedClientsSandboxesAreKilled) {
  ServerProcess server;
  {
    Client c(server.port());
    c.Send(1, "grade", {{"pack", "adversarial"}, {"task_id", "T2"},
                        {"submissions", {{{"code", kSleepy}}}}});
    // Its sandbox has started once a process of a run exists (in a slot's or a run's cgroup).
    bool started = false;
    for (int i = 0; i < 400 && !started; ++i) {
      started = !proctor::testing::RunProcesses(server.pid()).empty();
      if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(started) << "the sandbox never started";
  }
  // Well before the 5 s wall limit, every process of that run must be gone.
  bool gone = false;
  for (int i = 0; i < 300 && !gone; ++i) {
    gone = proctor::testing::RunProcesses(server.pid()).empty();
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone);
  EXPECT_TRUE(proctor::testing::LeftoverRunCgroups().empty());
  Client c(server.port());
  EXPECT_EQ(c.Call("health", json::object())["result"]["status"], "ok");
}

TEST(Server, DeadlineAndOverload) {
  ServerProcess server({"--workers", "1", "--queue-limit", "2"});
  Client c(server.port());
  auto start = std::chrono::steady_clock::now();
  json late = c.Call("grade", {{"pack", "adversarial"}, {"task_id", "T2"}, {"deadline_ms", 500},
                               {"submissions", {{{"code", kSleepy}}}}});
  EXPECT_EQ(late["error"]["code"], -32001) << late.dump();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  // A group larger than the queue limit can never fit: the request's fault, not overload.
  json many = c.Call("grade", {{"pack", "adversarial"}, {"task_id", "T1"},
                               {"submissions", {{{"code", "a=1"}}, {{"code", "a=2"}},
                                                {{"code", "a=3"}}, {{"code", "a=4"}}}}});
  EXPECT_EQ(many["error"]["code"], -32602) << many.dump();
  EXPECT_EQ(many["error"]["data"]["param"], "submissions") << many.dump();
  // A full queue is overload: one sleeper runs on the one worker, two more fill the queue.
  Client busy(server.port());
  auto sleepers = [](int n) {
    json subs = json::array();
    for (int i = 0; i < n; ++i) subs.push_back({{"code", kSleepy + "# " + std::to_string(i)}});
    return json{{"pack", "adversarial"}, {"task_id", "T2"}, {"submissions", subs}};
  };
  auto wait_for = [&](int in_flight, int queued) {
    for (int i = 0; i < 500; ++i) {
      json s = c.Call("stats", json::object())["result"];
      if (s["in_flight"] == in_flight && s["queue_depth"] == queued) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  ASSERT_TRUE(wait_for(0, 0));  // the late grading's sandbox is gone
  busy.Send(1, "grade", sleepers(1));
  ASSERT_TRUE(wait_for(1, 0));
  busy.Send(2, "grade", sleepers(2));
  ASSERT_TRUE(wait_for(1, 2));
  json full = c.Call("grade", {{"pack", "adversarial"}, {"task_id", "T1"},
                               {"submissions", {{{"code", kAdd}}}}});
  EXPECT_EQ(full["error"]["code"], -32000) << full.dump();
  EXPECT_TRUE(full["error"]["data"].contains("retry_after_ms"));
}

TEST(Server, HttpGradeHealthzAndPrometheusMetrics) {
  ServerProcess server;
  ASSERT_GT(server.http_port(), 0);
  auto raw = [&](const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(server.http_port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string out;
    char buf[65536];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return out;
  };
  std::string health = raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(health.find("200 OK"), std::string::npos) << health;
  const std::string body = json{{"pack", "adversarial"}, {"task_id", "T1"},
                                {"submissions", {{{"code", kAdd}}}}}.dump();
  std::string graded = raw("POST /v1/grade HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           "Content-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_NE(graded.find("200 OK"), std::string::npos) << graded;
  json result = json::parse(graded.substr(graded.find("\r\n\r\n") + 4));
  EXPECT_EQ(result["group"]["rewards"][0], 1.0);
  std::string metrics = raw("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string text = metrics.substr(metrics.find("\r\n\r\n") + 4);
  // Every line is a comment or `name{labels} value` (Prometheus text format 0.0.4).
  std::regex sample(R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*",?)*\})? [-+0-9.eE]+(Inf)?$)");
  std::istringstream lines(text);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    EXPECT_TRUE(std::regex_match(line, sample)) << "not Prometheus text: " << line;
    ++samples;
  }
  EXPECT_GT(samples, 10);
  EXPECT_NE(text.find("proctor_gradings_total{outcome=\"full\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("proctor_grading_seconds_count 1"), std::string::npos);
  EXPECT_NE(text.find("proctor_time_limit_reruns_total 0"), std::string::npos) << text;

  // A time limit the machine's load can explain (a wall-clock kill with little CPU used) is
  // graded a second time before it is reported, and counted.
  Client c(server.port());
  json sleeper = c.Call("grade", {{"pack", "adversarial"}, {"task_id", "T1"},
                                  {"submissions", {{{"code", "import time\ntime.sleep(60)\n"}}}}});
  ASSERT_TRUE(sleeper.contains("result")) << sleeper.dump();
  EXPECT_EQ(sleeper["result"]["group"]["rewards"][0], 0.0);
  EXPECT_TRUE(sleeper["result"]["results"][0].contains("rerun")) << sleeper.dump();
  EXPECT_EQ(c.Call("stats", json::object())["result"]["time_limit_reruns"], 1);
  metrics = raw("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(metrics.find("proctor_time_limit_reruns_total 1"), std::string::npos) << metrics;
}

TEST(Server, SigtermDrainsInFlightWorkThenExits) {
  ServerProcess server;
  Client c(server.port());
  // Slow enough (0.5 s at import) that its run is surely seen in flight before SIGTERM.
  const std::string slow_add = "import time\ntime.sleep(0.5)\n" + std::string(kAdd);
  c.Send(1, "grade",
         {{"pack", "adversarial"}, {"task_id", "T1"}, {"submissions", {{{"code", slow_add}}}}});
  // SIGTERM once the grading is in flight (a process of its run exists), not after a guess.
  bool running = false;
  for (int i = 0; i < 1000 && !running; ++i) {
    running = !proctor::testing::RunProcesses(server.pid()).empty();
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(running) << "the grading never started";
  ::kill(server.pid(), SIGTERM);
  json m = c.Read(30000);
  ASSERT_FALSE(m.is_null()) << "the in-flight request was dropped";
  EXPECT_EQ(m["result"]["group"]["rewards"][0], 1.0) << m.dump();
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
