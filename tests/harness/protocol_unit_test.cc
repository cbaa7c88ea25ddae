// The protocol pieces that need no server: JSON-RPC line parsing, the HTTP status of each
// error, OpenRLHF labels and answers, and the Prometheus text of the metrics.
#include <gtest/gtest.h>

#include "harness/http_session.h"
#include "harness/json_rpc.h"
#include "harness/metrics.h"
#include "harness/openrlhf.h"

namespace proctor::harness {
namespace {

using nlohmann::json;
namespace http = boost::beast::http;

TEST(JsonRpcParse, SingleBatchEmptyAndTooLargeBatches) {
  json error;
  EXPECT_EQ(ParseLine(R"({"jsonrpc": "2.0", "id": 1, "method": "health"})", &error).kind,
            Line::Kind::kSingle);
  EXPECT_EQ(ParseLine(R"([{"jsonrpc": "2.0", "method": "health"}])", &error).kind,
            Line::Kind::kBatch);
  EXPECT_EQ(ParseLine("[]", &error).kind, Line::Kind::kParseError);
  EXPECT_EQ(error["error"]["code"], rpc_error::kInvalidRequest);
  EXPECT_TRUE(error["id"].is_null());
  EXPECT_EQ(ParseLine("{nope", &error).kind, Line::Kind::kParseError);
  EXPECT_EQ(error["error"]["code"], rpc_error::kParseError);
  json big = json::array();
  for (size_t i = 0; i <= kMaxBatch; ++i) big.push_back(1);
  EXPECT_EQ(ParseLine(big.dump(), &error).kind, Line::Kind::kParseError);
  EXPECT_EQ(error["error"]["code"], rpc_error::kInvalidRequest);
}

TEST(JsonRpcParse, ParamsAreKeptForTheServiceToJudge) {
  json error;
  auto r = ParseRequest(json::parse(R"({"jsonrpc": "2.0", "id": 2, "method": "m",
                                        "params": [1, 2]})"), &error);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->params.is_array());
  const RpcError e = ParamsNotAnObject(r->params);
  EXPECT_EQ(e.code, rpc_error::kInvalidParams);
  EXPECT_NE(e.message.find("params must be an object (named parameters)"), std::string::npos);
  EXPECT_FALSE(ParseRequest(json::parse(R"({"jsonrpc": "2.0", "id": 3, "method": "m",
                                            "params": "x"})"), &error));
  EXPECT_EQ(error["error"]["code"], rpc_error::kInvalidRequest);
  EXPECT_EQ(error["id"], 3);
  EXPECT_FALSE(ParseRequest(json(5), &error));
  EXPECT_TRUE(error["id"].is_null());
}

TEST(HttpStatus, EachErrorCodeHasTheStatusItsKindMeans) {
  EXPECT_EQ(HttpStatusOf(rpc_error::kOverloaded), http::status::service_unavailable);
  EXPECT_EQ(HttpStatusOf(rpc_error::kShuttingDown), http::status::service_unavailable);
  EXPECT_EQ(HttpStatusOf(rpc_error::kUngradeable), http::status::service_unavailable);
  EXPECT_EQ(HttpStatusOf(rpc_error::kDeadlineExceeded), http::status::gateway_timeout);
  EXPECT_EQ(HttpStatusOf(rpc_error::kInvalidParams), http::status::bad_request);
  EXPECT_EQ(HttpStatusOf(rpc_error::kParseError), http::status::bad_request);
  EXPECT_EQ(HttpStatusOf(rpc_error::kMethodNotFound), http::status::not_found);
  EXPECT_EQ(HttpStatusOf(rpc_error::kTooLarge), http::status::payload_too_large);
  EXPECT_EQ(HttpStatusOf(rpc_error::kInternal), http::status::internal_server_error);
}

TEST(HttpOpenRlhfLabel, TaskIdPackColonTaskIdAndJsonObject) {
  const std::vector<std::string> packs = {"humaneval", "basics"};
  std::string error;
  auto plain = ParseRewardLabel("HumanEval/0", packs, &error);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->pack);
  EXPECT_EQ(plain->task_id, "HumanEval/0");
  auto colon = ParseRewardLabel("basics:gcd", packs, &error);
  ASSERT_TRUE(colon);
  EXPECT_EQ(colon->pack, "basics");
  EXPECT_EQ(colon->task_id, "gcd");
  // A colon whose prefix is no loaded pack is part of the task id.
  auto not_pack = ParseRewardLabel("lc:two-sum", packs, &error);
  ASSERT_TRUE(not_pack);
  EXPECT_FALSE(not_pack->pack);
  EXPECT_EQ(not_pack->task_id, "lc:two-sum");
  auto object = ParseRewardLabel(R"({"pack": "humaneval", "task_id": "HumanEval/3"})", packs,
                                 &error);
  ASSERT_TRUE(object);
  EXPECT_EQ(object->pack, "humaneval");
  EXPECT_EQ(object->task_id, "HumanEval/3");
  EXPECT_FALSE(ParseRewardLabel(R"({"pack": "humaneval"})", packs, &error));
  EXPECT_NE(error.find("task_id"), std::string::npos);
  EXPECT_FALSE(ParseRewardLabel(R"({"task_id": "a", "id": 1})", packs, &error));
  EXPECT_NE(error.find("\"id\""), std::string::npos);
  EXPECT_FALSE(ParseRewardLabel("{broken", packs, &error));
  EXPECT_FALSE(ParseRewardLabel("", packs, &error));
}

TEST(HttpOpenRlhfLabel, TheResponseIsTheQueryWithoutItsPrompt) {
  EXPECT_EQ(ResponseOf("PROMPT: write f\ndef f(): pass", "PROMPT: write f\n"), "def f(): pass");
  EXPECT_EQ(ResponseOf("def f(): pass", "PROMPT: write f\n"), "def f(): pass");
  EXPECT_EQ(ResponseOf("abc", ""), "abc");
}

grader::SubmissionReport Report(std::optional<double> reward, int passed, int total) {
  grader::SubmissionReport r;
  r.reward = reward;
  for (int i = 0; i < total; ++i) {
    grader::TestOutcome t;
    t.verdict = i < passed ? grader::Verdict::kPassed : grader::Verdict::kWrongAnswer;
    r.tests.push_back(t);
  }
  return r;
}

TEST(HttpOpenRlhfAnswer, RewardsScoresAndNumericExtraLogs) {
  json out;
  auto error = RewardResponse({"a", "b"}, {Report(1.0, 3, 3), Report(0.5, 1, 2)}, &out);
  ASSERT_FALSE(error);
  EXPECT_EQ(out["rewards"], json::array({1.0, 0.5}));
  EXPECT_EQ(out["scores"], out["rewards"]);
  EXPECT_EQ(out["extra_logs"]["tests_passed"], json::array({3.0, 1.0}));
  EXPECT_EQ(out["extra_logs"]["tests_total"], json::array({3.0, 2.0}));
  EXPECT_EQ(out["extra_logs"]["compiled"], json::array({1.0, 1.0}));
}

TEST(HttpOpenRlhfAnswer, AnUngradeableSampleFailsTheBatchNeverZero) {
  json out;
  grader::SubmissionReport broken = Report(std::nullopt, 0, 1);
  broken.ungradeable_reason = "sandbox_error: keeper died";
  auto error = RewardResponse({"T1", "HumanEval/7"}, {Report(1.0, 1, 1), broken}, &out);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, rpc_error::kUngradeable);
  EXPECT_EQ(HttpStatusOf(error->code), http::status::service_unavailable);
  EXPECT_NE(error->message.find("sample 1"), std::string::npos) << error->message;
  EXPECT_NE(error->message.find("HumanEval/7"), std::string::npos);
  EXPECT_NE(error->message.find("keeper died"), std::string::npos);
  EXPECT_EQ(error->data["index"], 1);
  EXPECT_TRUE(out.is_null()) << "no rewards are sent with it";
}

TEST(MetricsText, TransportIsALabelAndErrorsAndLatencyAreByMethod) {
  Metrics m;
  m.CountRequest("grade", Transport::kJsonRpc, 0.02, 0);
  m.CountRequest("grade", Transport::kHttp, 0.2, rpc_error::kOverloaded);
  grader::SubmissionReport cpp = Report(1.0, 2, 2);
  cpp.language = "cpp";
  m.CountGrading(cpp, 0.1);
  const std::string text = m.ToPrometheus({.workers = 3, .queue_limit = 9, .warm_slots = 5});
  auto has = [&](const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has("proctor_requests_total{method=\"grade\",transport=\"jsonrpc\"} 1")) << text;
  EXPECT_TRUE(has("proctor_requests_total{method=\"grade\",transport=\"http\"} 1"));
  EXPECT_TRUE(has("proctor_request_errors_total{method=\"grade\",code=\"-32000\"} 1"));
  EXPECT_TRUE(has("proctor_overloaded_total 1"));
  EXPECT_TRUE(has("proctor_request_seconds_bucket{method=\"grade\",le=\"0.025\"} 1"));
  EXPECT_TRUE(has("proctor_request_seconds_bucket{method=\"grade\",le=\"0.25\"} 2"));
  EXPECT_TRUE(has("proctor_request_seconds_count{method=\"grade\"} 2"));
  EXPECT_TRUE(has("proctor_test_verdicts_total{language=\"cpp\",verdict=\"passed\"} 2"));
  EXPECT_TRUE(has("proctor_language_gradings_total{language=\"cpp\",outcome=\"full\"} 1"));
  EXPECT_TRUE(has("proctor_workers 3"));
  EXPECT_TRUE(has("proctor_queue_limit 9"));
  EXPECT_TRUE(has("proctor_warm_slots 5"));
  EXPECT_TRUE(has("proctor_build_info{version=\"" PROCTOR_VERSION "\"} 1"));
}

}  // namespace
}  // namespace proctor::harness
