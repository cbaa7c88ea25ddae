#include "grader/compare/float_close.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace proctor::grader::compare {

// Every branch is a positive statement of acceptance. A form like `!(diff > tol)` would accept
// NaN, since every comparison with NaN is false; so NaN and infinities are settled first and
// the tolerance test below only ever sees finite numbers.
bool IsClose(double expected, double got, const FloatTolerance& tolerance) {
  if (std::isnan(expected) || std::isnan(got)) return std::isnan(expected) && std::isnan(got);
  if (expected == got) return true;  // also the same infinity
  if (std::isinf(expected) || std::isinf(got)) return false;
  double diff = std::fabs(got - expected);
  double scale = std::max(std::fabs(got), std::fabs(expected));
  return diff <= tolerance.rel_tol * scale || diff <= tolerance.abs_tol;
}

bool SameFloat(double expected, double got) {
  if (std::isnan(expected) || std::isnan(got)) return std::isnan(expected) && std::isnan(got);
  return expected == got;
}

std::optional<double> ParseNumberToken(std::string_view token) {
  if (!token.empty() && token[0] == '+') {
    token.remove_prefix(1);
    if (!token.empty() && (token[0] == '-' || token[0] == '+')) return std::nullopt;
  }
  if (token.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] =
      std::from_chars(token.data(), token.data() + token.size(), value, std::chars_format::general);
  // Out of range ("1e999") still names a number: from_chars leaves value untouched, so
  // map it to the infinity or zero that strtod would give.
  if (ec == std::errc::result_out_of_range && end == token.data() + token.size()) {
    size_t e = token.find_first_of("eE");
    bool negative_exponent =
        e != std::string_view::npos && e + 1 < token.size() && token[e + 1] == '-';
    double magnitude = negative_exponent ? 0.0 : HUGE_VAL;
    return token[0] == '-' ? -magnitude : magnitude;
  }
  if (ec != std::errc() || end != token.data() + token.size()) return std::nullopt;
  return value;
}

}  // namespace proctor::grader::compare
