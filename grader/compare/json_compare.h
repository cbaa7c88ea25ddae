// Call-result comparison with the semantics of APPS' and TACO's own harness (call compare
// `kind: json`, docs/task-format.md): the expected values come from JSON, which has no tuples
// and no int/float distinction, and upstream compares with Python's `==`.
//
//   - bool, int and float compare by numeric value, as Python's == does (1 == 1.0 == True);
//     ints exactly at any size (an expected int is never matched by a float that is not
//     exactly it); where the expected value is a float, within the tolerance when one is given;
//   - lists, tuples and namedtuples are the same sequence type, at any depth; a Counter,
//     OrderedDict or defaultdict equals a dict, a frozenset a set (Python's ==);
//   - str, bytes and None only equal themselves; sets and dicts regardless of order, their
//     keys and items exactly (numeric keys by value);
//   - with `unwrap_single`, an expected one-element list [x] also accepts x itself (APPS stores
//     many call results wrapped in a list); a longer expected list is never unwrapped.
// Any other value kind compares as in CompareValues (type-strict).
#pragma once

#include <optional>

#include "grader/compare/compare_result.h"
#include "grader/value.h"

namespace proctor::grader::compare {

struct JsonCompareOptions {
  std::optional<FloatTolerance> float_tolerance;  // unset: numbers must be exactly equal
  bool unwrap_single = false;
};

[[nodiscard]] CompareResult CompareJsonLike(const Value& expected, const Value& got,
                                            const JsonCompareOptions& options = {});

}  // namespace proctor::grader::compare
