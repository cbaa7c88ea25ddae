// The outcome of comparing what a program produced with what a test expected.
// Comparators are pure functions: (expected, got, options) -> CompareResult.
#pragma once

#include <string>

namespace proctor::grader::compare {

struct CompareResult {
  bool equal = false;  // the output is accepted
  std::string reason;  // when not equal: the first difference, for feedback; else empty
};

inline CompareResult Equal() { return {true, ""}; }
inline CompareResult Differ(std::string reason) { return {false, std::move(reason)}; }

// Tolerances for floats, with the meaning of Python's math.isclose:
//   |got - expected| <= max(rel_tol * max(|got|, |expected|), abs_tol).
// NaN is close only to an expected NaN; an infinity only to the same infinity.
struct FloatTolerance {
  double abs_tol = 0.0;   // absolute tolerance, >= 0
  double rel_tol = 1e-9;  // relative tolerance, >= 0 (isclose's default)
};

}  // namespace proctor::grader::compare
