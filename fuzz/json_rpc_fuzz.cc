// libFuzzer target: one line of the JSON-RPC transport (docs/protocol.md) as the server reads
// it before any grading: harness/json_rpc.h (ParseLine, a single request or a batch;
// ParseRequest for each; the -32602 of non-object params), and the params checks of `grade`
// that need no pack (harness/idempotency.h ReadIdempotencyKey, grader/grading/
// submission_json.h for each submission and the extract mode). Every answer the server would
// send for the line goes through Frame and must be one line of valid JSON (nothing a client
// sends can break the framing of what it gets back). Never a crash, a sanitizer report, a hang
// or an exception other than the RpcError the dispatcher turns into an answer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "grader/grading/submission_json.h"
#include "harness/idempotency.h"
#include "harness/json_rpc.h"

namespace {

namespace harness = proctor::harness;
namespace grader = proctor::grader;
using nlohmann::json;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "json_rpc_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// What the connection writes for `message`: exactly one newline, at the end, and JSON before.
void CheckFramed(const json& message) {
  const std::string line = harness::Frame(message);
  if (line.empty() || line.back() != '\n' || line.find('\n') != line.size() - 1)
    Fail("a framed message is not one line", line);
  if (json::parse(line, nullptr, false).is_discarded()) Fail("a framed message is not JSON", line);
}

void CheckErrorResponse(const json& response) {
  if (!response.is_object() || !response.contains("error") || !response["error"].contains("code") ||
      !response["error"]["code"].is_number_integer())
    Fail("an error response without an error code", response.dump());
  CheckFramed(response);
}

// The checks of `grade` params that come before a pack is looked at (harness/service.cc
// Service::Grade), each failure an RpcError.
void CheckGradeParams(const json& params) {
  (void)harness::ReadIdempotencyKey(params);
  grader::ExtractMode extract = grader::kDefaultExtractMode;
  if (params.contains("extract")) {
    std::string error;
    std::optional<grader::ExtractMode> mode = grader::ReadExtractMode(params["extract"], &error);
    if (!mode) {
      if (error.empty()) Fail("a bad extract mode without a message", params.dump());
      return;
    }
    extract = *mode;
  }
  if (!params.contains("submissions") || !params["submissions"].is_array()) return;
  for (const json& s : params["submissions"]) {
    if (!s.is_object()) continue;
    grader::Submission submission;
    if (auto e = grader::ReadSubmissionBody(s, extract, &submission)) {
      if (e->message.empty()) Fail("a BodyError without a message", s.dump());
      continue;
    }
    const int bodies = submission.code.has_value() + submission.completion.has_value() +
                       submission.messages.has_value();
    if (bodies != 1) Fail("a submission read with other than one body", s.dump());
    (void)grader::SubmissionKey(submission);
    json carried = json::object();
    if (!grader::ReadCarriedKeys(s, &carried)) CheckFramed(carried);
  }
}

void HandleRequest(const json& element) {
  json error;
  std::optional<harness::Request> request = harness::ParseRequest(element, &error);
  if (!request) return CheckErrorResponse(error);
  if (!request->id.is_null() && !request->id.is_string() && !request->id.is_number_integer())
    Fail("a request id that is not a string, an integer or null", request->id.dump());
  if (!request->params.is_object())
    return CheckErrorResponse(
        harness::MakeError(request->id, harness::ParamsNotAnObject(request->params)));
  try {
    CheckGradeParams(request->params);
  } catch (const harness::RpcError& e) {
    CheckErrorResponse(harness::MakeError(request->id, e));
    return;
  }
  CheckFramed(harness::MakeResult(request->id, request->params));
  CheckFramed(harness::MakeNotification(request->method, request->params));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  json error;
  harness::Line line = harness::ParseLine(text, &error);
  switch (line.kind) {
    case harness::Line::Kind::kParseError:
      CheckErrorResponse(error);
      break;
    case harness::Line::Kind::kSingle:
      HandleRequest(line.value);
      break;
    case harness::Line::Kind::kBatch:
      if (line.value.empty() || line.value.size() > harness::kMaxBatch)
        Fail("a batch outside 1..kMaxBatch was accepted", text);
      for (const json& element : line.value) HandleRequest(element);
      break;
  }
  return 0;
}
