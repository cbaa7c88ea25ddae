// Idempotency keys (docs/protocol.md, "Idempotency keys") against the real `proctor serve`:
// a retried `grade` is graded once and answered once, over JSON-RPC and HTTP.
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "tests/harness/test_server.h"

using nlohmann::json;
using proctor::testing::Http;
using proctor::testing::HttpReply;
using proctor::testing::LineClient;
using proctor::testing::TestServer;

namespace {

const std::string kAdd = "def add(a, b):\n    return a + b\n";
const std::string kWrongAdd = "def add(a, b):\n    return a - b\n";
const std::string kSleepy = "import time\ntime.sleep(60)\n";

json Rpc(int id, const std::string& method, json params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json Grade(const std::string& task_id, const std::string& code, const std::string& key = "") {
  json p = {{"pack", "adversarial"}, {"task_id", task_id}, {"submissions", {{{"code", code}}}}};
  if (!key.empty()) p["idempotency_key"] = key;
  return p;
}

json Stats(LineClient& c) { return c.Call("stats", json::object(), 990001)["result"]; }

// Polls `stats` until `ok(stats)` holds (bounded): the wait for a condition, not a sleep.
template <typename Ok>
bool WaitForStats(LineClient& c, Ok ok) {
  for (int i = 0; i < 3000; ++i) {
    if (ok(Stats(c))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(Idempotency, TheSameKeyTwiceIsGradedOnceAndAnsweredIdentically) {
  TestServer server;
  LineClient c(server.port());
  const json first = c.Call("grade", Grade("T1", kAdd, "run-7/sample-0"), 1);
  ASSERT_TRUE(first.contains("result")) << first.dump();
  EXPECT_EQ(first["result"]["group"]["rewards"], json::array({1.0}));
  EXPECT_EQ(Stats(c)["gradings"], 1);
  // A retry (another id, another deadline) is the same request: its answer is replayed.
  json retry_params = Grade("T1", kAdd, "run-7/sample-0");
  retry_params["deadline_ms"] = 30000;
  const json again = c.Call("grade", retry_params, 2);
  EXPECT_EQ(again["id"], 2);
  EXPECT_EQ(again["result"], first["result"]) << "the same response, byte for byte";
  // Over HTTP too: POST /v1/grade shares the keys of JSON-RPC.
  HttpReply http = Http(server.http_port(), "POST", "/v1/grade",
                        Grade("T1", kAdd, "run-7/sample-0").dump());
  EXPECT_EQ(http.status, 200) << http.body;
  EXPECT_EQ(http.Json(), first["result"]);
  const json stats = Stats(c);
  EXPECT_EQ(stats["gradings"], 1) << "graded once: " << stats.dump();
  EXPECT_EQ(stats["idempotent_replays"], 2);
  HttpReply metrics = Http(server.http_port(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("\nproctor_idempotent_replays_total 2\n"), std::string::npos)
      << metrics.body;
  // Without a key the same params are graded again, as before.
  c.Call("grade", Grade("T1", kAdd), 3);
  EXPECT_EQ(Stats(c)["gradings"], 2);
}

TEST(Idempotency, ARequestWhoseKeyIsBeingGradedWaitsForThatGrading) {
  // One worker, held by a slow submission: the keyed request stays queued while its retry
  // arrives on another connection, and the first connection then goes away (a client that
  // timed out and reconnected).
  TestServer server({"--workers", "1", "--queue-limit", "8"});
  LineClient watch(server.port());
  LineClient busy(server.port());
  busy.Send(Rpc(1, "grade", Grade("T2", kSleepy)));
  ASSERT_TRUE(WaitForStats(watch, [](const json& s) { return s["in_flight"] == 1; }));
  auto first = std::make_unique<LineClient>(server.port());
  first->Send(Rpc(2, "grade", Grade("T1", kAdd, "k-concurrent")));
  ASSERT_TRUE(WaitForStats(watch, [](const json& s) { return s["queue_depth"] == 1; }));
  LineClient retry(server.port());
  retry.Send(Rpc(3, "grade", Grade("T1", kAdd, "k-concurrent")));
  ASSERT_TRUE(WaitForStats(watch, [](const json& s) { return s["idempotent_replays"] == 1; }));
  EXPECT_EQ(Stats(watch)["queue_depth"], 1) << "the retry did not queue a second grading";
  first.reset();  // the grading is not cancelled: the retry still waits for it
  const json answer = retry.Read(120000);
  ASSERT_TRUE(answer.is_object()) << "the retry was answered";
  EXPECT_EQ(answer["id"], 3);
  ASSERT_TRUE(answer.contains("result")) << "not cancelled with the first connection: "
                                         << answer.dump();
  EXPECT_EQ(answer["result"]["group"]["rewards"], json::array({1.0})) << answer.dump();
  ASSERT_TRUE(busy.Read(120000).is_object());
  const json stats = Stats(watch);
  EXPECT_EQ(stats["gradings"], 2) << "the slow one and one add: " << stats.dump();
  EXPECT_EQ(stats["queue_depth"], 0);
}

TEST(Idempotency, TwoConnectionsWithOneKeyAreBothAnsweredByOneGrading) {
  TestServer server({"--workers", "1", "--queue-limit", "8"});
  LineClient watch(server.port());
  LineClient busy(server.port());
  busy.Send(Rpc(1, "grade", Grade("T2", kSleepy)));
  ASSERT_TRUE(WaitForStats(watch, [](const json& s) { return s["in_flight"] == 1; }));
  LineClient a(server.port()), b(server.port());
  a.Send(Rpc(2, "grade", Grade("T1", kWrongAdd, "k-both")));
  ASSERT_TRUE(WaitForStats(watch, [](const json& s) { return s["queue_depth"] == 1; }));
  b.Send(Rpc(3, "grade", Grade("T1", kWrongAdd, "k-both")));
  const json from_a = a.Read(120000), from_b = b.Read(120000);
  ASSERT_TRUE(from_a.is_object() && from_b.is_object());
  ASSERT_TRUE(from_a.contains("result") && from_b.contains("result"))
      << from_a.dump() << "\n" << from_b.dump();
  EXPECT_EQ(from_a["id"], 2);
  EXPECT_EQ(from_b["id"], 3);
  EXPECT_EQ(from_a["result"]["group"]["rewards"], json::array({0.0})) << from_a.dump();
  EXPECT_EQ(from_a["result"], from_b["result"]);
  ASSERT_TRUE(busy.Read(120000).is_object());
  const json stats = Stats(watch);
  EXPECT_EQ(stats["gradings"], 2) << stats.dump();
  EXPECT_EQ(stats["idempotent_replays"], 1);
}

TEST(Idempotency, AKeyReusedWithOtherParamsIsInvalidParamsNamingTheKey) {
  TestServer server;
  LineClient c(server.port());
  ASSERT_TRUE(c.Call("grade", Grade("T1", kAdd, "k-reused"), 1).contains("result"));
  const json reused = c.Call("grade", Grade("T1", kWrongAdd, "k-reused"), 2);
  EXPECT_EQ(reused["error"]["code"], -32602) << reused.dump();
  EXPECT_EQ(reused["error"]["data"]["param"], "idempotency_key");
  EXPECT_NE(reused["error"]["message"].get<std::string>().find("\"k-reused\""), std::string::npos)
      << reused.dump();
  HttpReply http = Http(server.http_port(), "POST", "/v1/grade",
                        Grade("T1", kWrongAdd, "k-reused").dump());
  EXPECT_EQ(http.status, 400) << http.body;
  EXPECT_EQ(Stats(c)["gradings"], 1) << "the reused key graded nothing";
  // A key must be a string of 1 to 200 bytes.
  for (const json& bad : {json(""), json(std::string(201, 'k')), json(42)}) {
    json p = Grade("T1", kAdd);
    p["idempotency_key"] = bad;
    const json r = c.Call("grade", p, 3);
    EXPECT_EQ(r["error"]["code"], -32602) << r.dump();
    EXPECT_EQ(r["error"]["data"]["param"], "idempotency_key");
  }
}

TEST(Idempotency, ARequestRejectedBeforeGradingTakesNoKey) {
  TestServer server({"--workers", "1", "--queue-limit", "2"});
  LineClient c(server.port());
  json too_big = Grade("T1", kAdd, "k-rejected");
  too_big["submissions"] = {{{"code", kAdd}}, {{"code", kWrongAdd}}, {{"code", kAdd + "#"}}};
  const json rejected = c.Call("grade", too_big, 1);
  ASSERT_EQ(rejected["error"]["code"], -32602) << rejected.dump();
  EXPECT_EQ(rejected["error"]["data"]["param"], "submissions");
  // The key is free: a corrected request with it is graded, not a reuse with other params.
  const json fixed = c.Call("grade", Grade("T1", kAdd, "k-rejected"), 2);
  ASSERT_TRUE(fixed.contains("result")) << fixed.dump();
  EXPECT_EQ(fixed["result"]["group"]["rewards"], json::array({1.0}));
}

TEST(Idempotency, AnOverloadErrorIsNotReplayed) {
  TestServer server({"--workers", "1", "--queue-limit", "1"});
  LineClient c(server.port());
  auto busy = std::make_unique<LineClient>(server.port());
  busy->Send(Rpc(1, "grade", Grade("T2", kSleepy)));
  ASSERT_TRUE(WaitForStats(c, [](const json& s) { return s["in_flight"] == 1; }));
  busy->Send(Rpc(2, "grade", Grade("T2", kSleepy + "# 2")));
  ASSERT_TRUE(WaitForStats(c, [](const json& s) { return s["queue_depth"] == 1; }));
  const json full = c.Call("grade", Grade("T1", kAdd, "k-overload"), 3);
  ASSERT_EQ(full["error"]["code"], -32000) << full.dump();
  busy.reset();  // its work is cancelled: the queue empties
  ASSERT_TRUE(WaitForStats(c, [](const json& s) {
    return s["in_flight"] == 0 && s["queue_depth"] == 0;
  }));
  const json retried = c.Call("grade", Grade("T1", kAdd, "k-overload"), 4);
  ASSERT_TRUE(retried.contains("result")) << "graded again: " << retried.dump();
  EXPECT_EQ(retried["result"]["group"]["rewards"], json::array({1.0})) << retried.dump();
  EXPECT_EQ(Stats(c)["idempotent_replays"], 0) << "the retry was graded, not replayed";
  // Its result is kept: the next retry is the replay.
  EXPECT_EQ(c.Call("grade", Grade("T1", kAdd, "k-overload"), 5)["result"], retried["result"]);
  EXPECT_EQ(Stats(c)["idempotent_replays"], 1);
}

TEST(Idempotency, OpenRlhfBatchesTakeAKeyToo) {
  TestServer server;
  const json body = {{"query", {kAdd}}, {"prompts", {""}}, {"labels", {"adversarial:T1"}},
                     {"idempotency_key", "batch-1"}};
  HttpReply first = Http(server.http_port(), "POST", "/v1/openrlhf/reward", body.dump());
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["rewards"], json::array({1.0}));
  HttpReply again = Http(server.http_port(), "POST", "/v1/openrlhf/reward", body.dump());
  EXPECT_EQ(again.Json(), first.Json());
  LineClient c(server.port());
  const json stats = Stats(c);
  EXPECT_EQ(stats["gradings"], 1) << stats.dump();
  EXPECT_EQ(stats["idempotent_replays"], 1);
}

}  // namespace
