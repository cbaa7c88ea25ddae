// libFuzzer target: the HTTP request path (harness/http_session.cc ServeHttp) up to where a
// request is handed to the service: the bytes of a connection parsed by Boost.Beast's request
// parser with the server's body limit, the target split into path and query, the query read by
// ParseQuery (harness/http_query.h), a POST body parsed as JSON, and for an OpenRLHF body
// (harness/openrlhf.h) each label read by ParseRewardLabel and each response cut from its query by
// ResponseOf. Never a crash, a sanitizer report, a hang or an exception other than the RpcError
// ServeHttp answers.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "harness/http_query.h"
#include "harness/openrlhf.h"

namespace {

namespace harness = proctor::harness;
namespace http = boost::beast::http;
using nlohmann::json;

constexpr size_t kBodyLimit = 64 * 1024;  // the fuzzer's inputs stay far below the default

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "http_request_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void CheckOpenRlhfBody(const json& body) {
  const std::vector<std::string> packs = {"basics", "humaneval"};
  for (const char* key : {"query", "prompts", "labels"})
    if (!body.contains(key) || !body[key].is_array()) return;
  const json& queries = body["query"];
  const json& prompts = body["prompts"];
  const json& labels = body["labels"];
  for (size_t i = 0; i < labels.size(); ++i) {
    if (!labels[i].is_string()) continue;
    std::string error;
    std::optional<harness::RewardLabel> label =
        harness::ParseRewardLabel(labels[i].get<std::string>(), packs, &error);
    if (!label && error.empty()) Fail("a label refused without a reason", labels[i].dump());
    if (label && label->task_id.empty() && label->pack)
      Fail("a label naming a pack but no task", labels[i].dump());
  }
  for (size_t i = 0; i < queries.size() && i < prompts.size(); ++i) {
    if (!queries[i].is_string() || !prompts[i].is_string()) continue;
    const std::string query = queries[i], prompt = prompts[i];
    const std::string response = harness::ResponseOf(query, prompt);
    if (response.size() > query.size() ||
        query.compare(query.size() - response.size(), response.size(), response) != 0)
      Fail("a response that is not the end of its query", query);
  }
}

// One request as ServeHttp takes it apart.
void HandleRequest(http::request<http::string_body> req) {
  const std::string target(req.target());
  const size_t question = target.find('?');
  const std::string path = target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : target.substr(question + 1);
  (void)path;
  try {
    const json params = harness::ParseQuery(query);
    if (!params.is_object()) Fail("query params that are not an object", target);
    (void)params.dump(-1, ' ', false, json::error_handler_t::replace);
  } catch (const harness::RpcError& e) {
    if (e.code != harness::rpc_error::kInvalidParams)
      Fail("a query error that is not -32602", target);
  }
  const json body = json::parse(req.body(), nullptr, false);
  if (body.is_object()) CheckOpenRlhfBody(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A connection may carry several requests (keep-alive): parse until the bytes run out.
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int requests = 0; requests < 16 && !rest.empty(); ++requests) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
      const size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec == http::error::need_more) ec = {};
      if (ec) break;
      if (used == 0) {  // nothing more to parse in what is left: the connection ends here
        parser.put_eof(ec);
        break;
      }
    }
    if (ec == http::error::body_limit) {
      // ServeHttp answers 413 from the head alone and closes the connection.
      http::request<http::string_body> head = parser.release();
      head.keep_alive(false);
      return 0;
    }
    if (ec || !parser.is_done()) return 0;
    const bool keep_alive = parser.keep_alive();
    HandleRequest(parser.release());
    if (!keep_alive) return 0;
  }
  return 0;
}
