// Float closeness and numeric-token parsing shared by the text and value comparators.
#pragma once

#include <optional>
#include <string_view>

#include "grader/compare/compare_result.h"

namespace proctor::grader::compare {

// True when `got` is accepted for `expected`. NaN is accepted only when both are NaN (an
// expected NaN demands a NaN; a NaN never matches a number); +inf and -inf only match the
// same infinity; otherwise the math.isclose rule with `tolerance`.
bool IsClose(double expected, double got, const FloatTolerance& tolerance);

// Exact equality of doubles with the same NaN rule: NaN == NaN here, and 0.0 == -0.0.
bool SameFloat(double expected, double got);

// Parses a whole token as a number ("12", "-3.5e2", "+1", ".5", "nan", "inf", "-Infinity").
// Returns nullopt when any character is left over or the token is not a number.
std::optional<double> ParseNumberToken(std::string_view token);

}  // namespace proctor::grader::compare
