// The protocols as specified (docs/protocol.md), against the real `proctor serve`:
// JSON-RPC 2.0 batches and params, HTTP statuses and listings, task ids without a pack,
// OpenRLHF's remote reward model, and the metrics for autoscaling.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/harness/test_server.h"

namespace fs = std::filesystem;
using nlohmann::json;
using proctor::testing::Http;
using proctor::testing::HttpReply;
using proctor::testing::kTasks;
using proctor::testing::LineClient;
using proctor::testing::TestServer;

namespace {

const std::string kAdd = "def add(a, b):\n    return a + b\n";
const std::string kWrongAdd = "def add(a, b):\n    return a - b\n";
const std::string kGcd =
    "def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
    "    return a\n";
const std::string kSleepy = "import time\ntime.sleep(60)\n";

json Rpc(json id, const std::string& method, json params) {
  json m = {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
  if (!id.is_null()) m["id"] = std::move(id);
  return m;
}
json Notification(const std::string& method, json params) {
  return Rpc(nullptr, method, std::move(params));
}

json GradeParams(const std::string& task_id, std::vector<std::string> codes) {
  json subs = json::array();
  for (const std::string& c : codes) subs.push_back({{"code", c}});
  return {{"task_id", task_id}, {"submissions", subs}};
}

// Polls `stats` until `ok(stats)` holds (bounded): the wait for a condition, not a sleep.
template <typename Ok>
bool WaitForStats(LineClient& c, Ok ok) {
  for (int i = 0; i < 1000; ++i) {
    json s = c.Call("stats", json::object(), 990001)["result"];
    if (ok(s)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// --- JSON-RPC 2.0 -----------------------------------------------------------------------

TEST(JsonRpc, ABatchIsAnsweredByOneArrayWithoutItsNotifications) {
  TestServer server;
  LineClient c(server.port());
  c.Send(json::array({Rpc(1, "health", json::object()),
                      Notification("stats", json::object()),
                      json(5),  // not a request: its own error object, id null
                      Rpc("t", "tasks.list", {{"pack", "adversarial"}}),
                      Rpc(3, "grade", {{"pack", "adversarial"}, {"task_id", "T1"},
                                       {"submissions", {{{"code", kAdd}}}}}),
                      Rpc(4, "no.such.method", json::object())}));
  json batch = c.Read();
  ASSERT_TRUE(batch.is_array()) << batch.dump();
  ASSERT_EQ(batch.size(), 5u) << "one response per non-notification element: " << batch.dump();
  std::map<std::string, json> by_id;
  for (const json& r : batch) {
    EXPECT_EQ(r["jsonrpc"], "2.0");
    by_id[r["id"].dump()] = r;
  }
  EXPECT_EQ(by_id["1"]["result"]["status"], "ok");
  EXPECT_EQ(by_id["\"t\""]["result"]["tasks"].size(), 4u);
  EXPECT_EQ(by_id["3"]["result"]["group"]["rewards"], json::array({1.0}));
  EXPECT_EQ(by_id["4"]["error"]["code"], -32601);
  EXPECT_EQ(by_id["null"]["error"]["code"], -32600);
  // Nothing else came with it: the next message answers the next request.
  EXPECT_EQ(c.Call("health", json::object(), 9)["id"], 9);
}

TEST(JsonRpc, EmptyAndAllNotificationBatches) {
  TestServer server;
  LineClient c(server.port());
  c.SendLine("[]");
  json empty = c.Read();
  ASSERT_TRUE(empty.is_object()) << "an empty batch is one error, not an array: " << empty.dump();
  EXPECT_EQ(empty["error"]["code"], -32600);
  EXPECT_TRUE(empty["id"].is_null());
  // A batch of notifications gets no response at all: the first message after it answers
  // the request sent after it.
  c.Send(json::array({Notification("health", json::object()),
                      Notification("grade", {{"pack", "adversarial"}, {"task_id", "T1"},
                                             {"submissions", {{{"code", kAdd}}}}})}));
  c.Send(Rpc(11, "health", json::object()));
  json next = c.Read();
  ASSERT_TRUE(next.is_object()) << next.dump();
  EXPECT_EQ(next["id"], 11);
  // Invalid elements are answered even when every valid one was a notification.
  c.Send(json::array({Notification("health", json::object()), json::array({1})}));
  json invalid = c.Read();
  ASSERT_TRUE(invalid.is_array()) << invalid.dump();
  ASSERT_EQ(invalid.size(), 1u);
  EXPECT_EQ(invalid[0]["error"]["code"], -32600);
}

TEST(JsonRpc, PositionalParamsAreInvalidParamsWithAClearMessage) {
  TestServer server;
  LineClient c(server.port());
  json r = c.Call("tasks.list", json::array({"adversarial"}), 21);
  EXPECT_EQ(r["error"]["code"], -32602) << r.dump();
  EXPECT_NE(r["error"]["message"].get<std::string>().find(
                "params must be an object (named parameters)"),
            std::string::npos)
      << r.dump();
  EXPECT_EQ(r["error"]["data"]["param"], "params");
  // As a notification it is answered with nothing, like every notification.
  c.Send(Notification("tasks.list", json::array({1})));
  EXPECT_EQ(c.Call("health", json::object(), 22)["id"], 22);
  // params that are not structured at all are not a request.
  c.SendLine(R"({"jsonrpc": "2.0", "id": 23, "method": "health", "params": 5})");
  EXPECT_EQ(c.Read()["error"]["code"], -32600);
}

TEST(JsonRpc, AGroupLargerThanTheQueueLimitIsInvalidParamsNotOverload) {
  TestServer server({"--workers", "1", "--queue-limit", "2"});
  LineClient c(server.port());
  json big = c.Call("grade", GradeParams("T1", {"a=1", "a=2", "a=3"}), 31);
  EXPECT_EQ(big["error"]["code"], -32602) << big.dump();
  EXPECT_EQ(big["error"]["data"]["param"], "submissions");
  EXPECT_FALSE(big["error"]["data"].contains("retry_after_ms")) << "retrying cannot help";
  EXPECT_NE(big["error"]["message"].get<std::string>().find("queue_limit 2"), std::string::npos);
  // Identical submissions are one grading: three of them fit.
  json same = c.Call("grade", GradeParams("T1", {kAdd, kAdd, kAdd}), 32);
  EXPECT_EQ(same["result"]["group"]["rewards"], json::array({1.0, 1.0, 1.0})) << same.dump();
}

TEST(JsonRpc, UnknownGradeParamsAreRejectedByName) {
  TestServer server;
  LineClient c(server.port());
  json params = GradeParams("T1", {kAdd});
  params["submision"] = json::array();
  json r = c.Call("grade", params, 41);
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_EQ(r["error"]["data"]["param"], "submision");
  EXPECT_NE(r["error"]["message"].get<std::string>().find("unknown key \"submision\""),
            std::string::npos)
      << r.dump();
}

// --- Task ids without a pack --------------------------------------------------------------

// tasks/basics copied under another pack name: every task id of basics is then ambiguous.
class TwinPack {
 public:
  TwinPack() : dir_(fs::temp_directory_path() / ("proctor-twin-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::copy(kTasks + "/basics", dir_, fs::copy_options::recursive);
    std::ifstream in(dir_ / "pack.yaml");
    std::stringstream yaml;
    yaml << in.rdbuf();
    std::string text = std::regex_replace(yaml.str(), std::regex("^name: basics"), "name: twin");
    std::ofstream(dir_ / "pack.yaml") << text;
  }
  ~TwinPack() { fs::remove_all(dir_); }
  std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
};

TEST(Server, ATaskIdUniqueAcrossPacksResolvesWithoutAPack) {
  TestServer server;  // adversarial and basics
  LineClient c(server.port());
  json gcd = c.Call("grade", GradeParams("gcd", {kGcd}), 51);  // basics only: not the first pack
  ASSERT_TRUE(gcd.contains("result")) << gcd.dump();
  EXPECT_EQ(gcd["result"]["group"]["rewards"], json::array({1.0}));
  EXPECT_EQ(gcd["result"]["results"][0]["pack"]["name"], "basics") << gcd.dump();
  json t1 = c.Call("grade", GradeParams("T1", {kAdd}), 52);
  EXPECT_EQ(t1["result"]["group"]["rewards"], json::array({1.0})) << t1.dump();
  json none = c.Call("grade", GradeParams("no-such-task", {kAdd}), 53);
  EXPECT_EQ(none["error"]["code"], -32602);
  EXPECT_EQ(none["error"]["data"]["param"], "task_id");
  // An env made without a pack takes a reset's task id from the pack that has it.
  json made = c.Call("env.make", {{"env_id", "proctor/codegen-v0"}}, 54);
  const std::string sid = made["result"]["session_id"];
  json reset = c.Call("env.reset", {{"session_id", sid}, {"options", {{"task_id", "gcd"}}}}, 55);
  ASSERT_TRUE(reset.contains("result")) << reset.dump();
  EXPECT_EQ(reset["result"]["observation"]["pack"], "basics");
  json step = c.Call("env.step", {{"session_id", sid}, {"action", kGcd}}, 56);
  EXPECT_EQ(step["result"]["reward"], 1.0) << step.dump();
  // HTTP resolves the same way.
  HttpReply http = Http(server.http_port(), "POST", "/v1/grade", GradeParams("gcd", {kGcd}).dump());
  EXPECT_EQ(http.status, 200) << http.body;
  EXPECT_EQ(http.Json()["group"]["rewards"], json::array({1.0})) << http.body;
}

TEST(Server, AnAmbiguousTaskIdIsAnErrorNamingThePacks) {
  TwinPack twin;
  TestServer server({}, {kTasks + "/adversarial", kTasks + "/basics", twin.path()});
  LineClient c(server.port());
  json r = c.Call("grade", GradeParams("gcd", {kGcd}), 61);
  EXPECT_EQ(r["error"]["code"], -32602) << r.dump();
  EXPECT_EQ(r["error"]["data"]["param"], "task_id");
  EXPECT_EQ(r["error"]["data"]["packs"], json::array({"basics", "twin"}));
  EXPECT_NE(r["error"]["message"].get<std::string>().find("basics, twin"), std::string::npos);
  // Naming the pack settles it.
  json params = GradeParams("gcd", {kGcd});
  params["pack"] = "twin";
  EXPECT_EQ(c.Call("grade", params, 62)["result"]["group"]["rewards"], json::array({1.0}));
  json made = c.Call("env.make", {{"env_id", "proctor/codegen-v0"}}, 63);
  json reset = c.Call("env.reset", {{"session_id", made["result"]["session_id"]},
                                    {"options", {{"task_id", "gcd"}}}}, 64);
  EXPECT_EQ(reset["error"]["data"]["packs"], json::array({"basics", "twin"})) << reset.dump();
  HttpReply http = Http(server.http_port(), "POST", "/v1/grade", GradeParams("gcd", {kGcd}).dump());
  EXPECT_EQ(http.status, 400) << http.body;
  EXPECT_EQ(http.Json()["error"]["data"]["packs"], json::array({"basics", "twin"})) << http.body;
}

// --- HTTP -------------------------------------------------------------------------------------

TEST(Http, WrongMethodIs405WithAllowAndUnknownPathIs404) {
  TestServer server;
  HttpReply get_grade = Http(server.http_port(), "GET", "/v1/grade");
  EXPECT_EQ(get_grade.status, 405) << get_grade.body;
  EXPECT_EQ(get_grade.headers["allow"], "POST");
  HttpReply post_health = Http(server.http_port(), "POST", "/healthz", "{}");
  EXPECT_EQ(post_health.status, 405);
  EXPECT_EQ(post_health.headers["allow"], "GET");
  HttpReply put_reward = Http(server.http_port(), "PUT", "/v1/openrlhf/reward", "{}");
  EXPECT_EQ(put_reward.status, 405);
  EXPECT_EQ(put_reward.headers["allow"], "POST");
  HttpReply missing = Http(server.http_port(), "GET", "/v2/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json()["error"]["code"], -32601);
}

TEST(Http, BadBodiesAre400NamingTheKey) {
  TestServer server;
  json body = GradeParams("T1", {kAdd});
  body["pak"] = "adversarial";
  HttpReply unknown = Http(server.http_port(), "POST", "/v1/grade", body.dump());
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.Json()["error"]["data"]["param"], "pak");
  EXPECT_NE(unknown.body.find("unknown key \\\"pak\\\""), std::string::npos) << unknown.body;
  HttpReply not_json = Http(server.http_port(), "POST", "/v1/grade", "[1, 2");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.Json()["error"]["code"], -32700);
}

TEST(Http, ABodyOverTheMessageLimitIs413) {
  fs::path config = fs::temp_directory_path() / ("proctor-413-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(config) << "max_message_bytes: 4096\n";
  TestServer server({"--config", config.string()});
  HttpReply big = Http(server.http_port(), "POST", "/v1/grade",
                       GradeParams("T1", {std::string(8192, '#')}).dump());
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(big.Json()["error"]["code"], -32003);
  EXPECT_EQ(big.Json()["error"]["data"]["max_bytes"], 4096);
  fs::remove(config);
}

TEST(Http, AMissedDeadlineIs504) {
  TestServer server;
  json body = GradeParams("T2", {kSleepy});
  body["deadline_ms"] = 300;
  HttpReply late = Http(server.http_port(), "POST", "/v1/grade", body.dump());
  EXPECT_EQ(late.status, 504) << late.body;
  EXPECT_EQ(late.Json()["error"]["code"], -32001);
}

TEST(Http, OverloadIs503WithRetryAfterFromTheRetryHint) {
  TestServer server({"--workers", "1", "--queue-limit", "1"});
  LineClient c(server.port());
  LineClient busy(server.port());
  busy.Send(Rpc(1, "grade", GradeParams("T2", {kSleepy})));
  ASSERT_TRUE(WaitForStats(c, [](const json& s) { return s["in_flight"] == 1; }));
  busy.Send(Rpc(2, "grade", GradeParams("T2", {kSleepy + "# 2"})));
  ASSERT_TRUE(WaitForStats(c, [](const json& s) { return s["queue_depth"] == 1; }));
  HttpReply full = Http(server.http_port(), "POST", "/v1/grade", GradeParams("T1", {kAdd}).dump());
  EXPECT_EQ(full.status, 503) << full.body;
  const json error = full.Json()["error"];
  EXPECT_EQ(error["code"], -32000);
  const int retry_ms = error["data"]["retry_after_ms"];
  ASSERT_TRUE(full.headers.count("retry-after"));
  EXPECT_EQ(std::stoi(full.headers["retry-after"]), std::max(1, (retry_ms + 999) / 1000));
  // The same request over JSON-RPC carries the same hint.
  json rpc = c.Call("grade", GradeParams("T1", {kAdd}), 3);
  EXPECT_EQ(rpc["error"]["code"], -32000);
  EXPECT_EQ(rpc["error"]["data"]["retry_after_ms"], retry_ms);
}

TEST(Http, TasksAndEnvsAreListedAsTheJsonRpcMethodsList) {
  TestServer server;
  LineClient c(server.port());
  HttpReply tasks = Http(server.http_port(), "GET", "/v1/tasks");
  EXPECT_EQ(tasks.status, 200);
  EXPECT_EQ(tasks.Json(), c.Call("tasks.list", json::object(), 71)["result"]);
  HttpReply basics = Http(server.http_port(), "GET", "/v1/tasks?pack=basics");
  EXPECT_EQ(basics.Json(), c.Call("tasks.list", {{"pack", "basics"}}, 72)["result"]);
  for (const json& t : basics.Json()["tasks"]) EXPECT_EQ(t["pack"], "basics");
  EXPECT_GT(basics.Json()["tasks"].size(), 0u);
  HttpReply envs = Http(server.http_port(), "GET", "/v1/envs");
  EXPECT_EQ(envs.status, 200);
  EXPECT_EQ(envs.Json(), c.Call("envs.list", json::object(), 73)["result"]);
  HttpReply nope = Http(server.http_port(), "GET", "/v1/tasks?pack=nope");
  EXPECT_EQ(nope.status, 400);
  EXPECT_EQ(nope.Json()["error"]["data"]["param"], "pack");
  HttpReply odd = Http(server.http_port(), "GET", "/v1/tasks?paack=basics");
  EXPECT_EQ(odd.status, 400);
  EXPECT_EQ(odd.Json()["error"]["data"]["param"], "paack");
}

// --- OpenRLHF remote reward model ------------------------------------------------------------

TEST(HttpOpenRlhf, ABatchOfQueriesIsGradedIntoRewardsScoresAndExtraLogs) {
  TestServer server;
  const std::string prompt = "Write gcd(a, b).\n";
  const json body = {
      {"query", {prompt + "```python\n" + kGcd + "```\n",  // prompt + response
                 "def add(a, b):\n    return a - b\n",    // does not start with its prompt
                 prompt + kGcd,
                 "Q: add\n" + kAdd}},
      {"prompts", {prompt, "Q: add\n", prompt, "Q: add\n"}},
      {"labels", {"gcd", "adversarial:T1", R"({"pack": "basics", "task_id": "gcd"})",
                  R"({"task_id": "T1"})"}}};
  HttpReply r = Http(server.http_port(), "POST", "/v1/openrlhf/reward", body.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  const json out = r.Json();
  EXPECT_EQ(out["rewards"], json::array({1.0, 0.0, 1.0, 1.0})) << r.body;
  EXPECT_EQ(out["scores"], out["rewards"]);
  const json& logs = out["extra_logs"];
  for (const char* key : {"tests_passed", "tests_total", "compiled"}) {
    ASSERT_TRUE(logs.contains(key)) << r.body;
    ASSERT_EQ(logs[key].size(), 4u);
    for (const json& v : logs[key]) EXPECT_TRUE(v.is_number_float()) << key << ": " << r.body;
  }
  EXPECT_LT(logs["tests_passed"][1].get<double>(), logs["tests_total"][1].get<double>());
  EXPECT_EQ(logs["tests_passed"][0], logs["tests_total"][0]);
}

TEST(HttpOpenRlhf, BadLabelsAndShapesAre400NamingTheSample) {
  TwinPack twin;
  TestServer server({}, {kTasks + "/adversarial", kTasks + "/basics", twin.path()});
  auto post = [&](json labels, size_t n) {
    json query = json::array(), prompts = json::array();
    for (size_t i = 0; i < n; ++i) {
      query.push_back(kAdd);
      prompts.push_back("");
    }
    return Http(server.http_port(), "POST", "/v1/openrlhf/reward",
                json{{"query", query}, {"prompts", prompts}, {"labels", labels}}.dump());
  };
  HttpReply unknown = post({"T1", "no-such-task"}, 2);
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(unknown.Json()["error"]["data"]["param"], "labels[1]") << unknown.body;
  EXPECT_NE(unknown.body.find("no-such-task"), std::string::npos);
  HttpReply ambiguous = post({"gcd"}, 1);
  EXPECT_EQ(ambiguous.status, 400);
  EXPECT_EQ(ambiguous.Json()["error"]["data"]["packs"], json::array({"basics", "twin"}));
  HttpReply malformed = post({R"({"task": "T1"})"}, 1);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.Json()["error"]["data"]["param"], "labels[0]");
  HttpReply shape = post({"T1"}, 2);
  EXPECT_EQ(shape.status, 400) << shape.body;
  HttpReply extra = Http(server.http_port(), "POST", "/v1/openrlhf/reward",
                         json{{"query", {kAdd}}, {"prompts", {""}}, {"labels", {"T1"}},
                              {"reward_model", "x"}}.dump());
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(extra.Json()["error"]["data"]["param"], "reward_model");
}

// --- Metrics -------------------------------------------------------------------------------

TEST(Metrics, CapacityBuildInfoLatencyErrorsAndVerdictsByLanguage) {
  TestServer server({"--workers", "2", "--queue-limit", "64"});
  LineClient c(server.port());
  ASSERT_EQ(c.Call("grade", GradeParams("T1", {kAdd, kWrongAdd}), 81)["result"]["group"]["n"], 2);
  EXPECT_EQ(c.Call("grade", GradeParams("T1", {}), 82)["error"]["code"], -32602);
  ASSERT_EQ(Http(server.http_port(), "POST", "/v1/grade", GradeParams("T1", {kAdd}).dump()).status,
            200);
  const std::string text = Http(server.http_port(), "GET", "/metrics").body;
  auto has = [&](const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has("proctor_workers 2")) << text;
  EXPECT_TRUE(has("proctor_queue_limit 64")) << text;
  EXPECT_NE(text.find("\nproctor_warm_slots "), std::string::npos) << text;
  EXPECT_TRUE(has("proctor_build_info{version=\"" PROCTOR_VERSION "\"} 1")) << text;
  // The method label is the method; the transport is a label of its own.
  EXPECT_TRUE(has("proctor_requests_total{method=\"grade\",transport=\"jsonrpc\"} 2")) << text;
  EXPECT_TRUE(has("proctor_requests_total{method=\"grade\",transport=\"http\"} 1")) << text;
  EXPECT_EQ(text.find("http.grade"), std::string::npos) << text;
  EXPECT_TRUE(has("proctor_request_seconds_count{method=\"grade\"} 3")) << text;
  EXPECT_NE(text.find("proctor_request_seconds_bucket{method=\"grade\",le=\"+Inf\"} 3"),
            std::string::npos);
  EXPECT_TRUE(has("proctor_request_errors_total{method=\"grade\",code=\"-32602\"} 1")) << text;
  // kAdd twice (one request each), kWrongAdd once.
  EXPECT_TRUE(has("proctor_language_gradings_total{language=\"python\",outcome=\"full\"} 2"))
      << text;
  EXPECT_TRUE(has("proctor_language_gradings_total{language=\"python\",outcome=\"zero\"} 1"))
      << text;
  EXPECT_NE(text.find("proctor_test_verdicts_total{language=\"python\",verdict=\"passed\"}"),
            std::string::npos)
      << text;
  json stats = c.Call("stats", json::object(), 83)["result"];
  EXPECT_EQ(stats["workers"], 2);
  EXPECT_EQ(stats["queue_limit"], 64);
  EXPECT_EQ(stats["errors_by_code"]["-32602"], 1);
  EXPECT_EQ(stats["requests_by_transport"]["http"], 2) << "the grade and the /metrics scrape";
}

}  // namespace
