#include "harness/http_query.h"

#include "harness/json_rpc.h"

namespace proctor::harness {
using nlohmann::json;

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

json ParseQuery(const std::string& query) {
  json out = json::object();
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto decode = [](const std::string& s) {
      std::string d;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
          d += ' ';
        } else if (s[i] == '%') {
          if (i + 2 >= s.size() || HexValue(s[i + 1]) < 0 || HexValue(s[i + 2]) < 0)
            throw RpcError{rpc_error::kInvalidParams, "invalid params: bad %-escape in the query",
                           {}};
          d += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
          i += 2;
        } else {
          d += s[i];
        }
      }
      return d;
    };
    out[decode(pair.substr(0, eq))] = eq == std::string::npos ? "" : decode(pair.substr(eq + 1));
  }
  return out;
}

}  // namespace proctor::harness
