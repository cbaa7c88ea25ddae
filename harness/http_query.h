// The query string of an HTTP request target, as the params of a GET endpoint
// (harness/http_session.cc; fuzzed by fuzz/http_request_fuzz.cc).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace proctor::harness {

// "a=1&b=x%20y" -> {"a": "1", "b": "x y"}: '+' is a space, a key without '=' has the value "",
// a later key wins. Throws RpcError (-32602, a 400) for a malformed %-escape.
nlohmann::json ParseQuery(const std::string& query);

}  // namespace proctor::harness
