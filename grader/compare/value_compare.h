// Type-strict comparison of a call's result with the expected Value.
//
// Strict means the Python types must match exactly: an int is never a bool or a float, a list
// is never a tuple, a set is never a list. Ints compare by value (any size); floats exactly,
// or within tolerance when the test asks; NaN equals only an expected NaN; an infinity only
// the same infinity; 0.0 equals -0.0. Containers compare recursively: lists and tuples in
// order, sets and dicts regardless of order (dict keys compare exactly, values with options).
// The richer kinds (docs/wire-format.md, "type_strict"): set ~ frozenset and bytes ~
// bytearray both ways; an expected dict accepts a Counter, OrderedDict or defaultdict and
// an expected tuple a namedtuple, never the reverse; within a kind, Python's == (Counter:
// a missing key counts 0; OrderedDict: in order; defaultdict: factory ignored; Decimal:
// by value, "1.10" == "1.1"; complex: both parts as floats; namedtuple: same class name and
// fields, then as a tuple). A handle (an object that stayed in the solution) equals nothing.
#pragma once

#include <optional>

#include "grader/compare/compare_result.h"
#include "grader/value.h"

namespace proctor::grader::compare {

struct ValueCompareOptions {
  std::optional<FloatTolerance> float_tolerance;  // unset: floats must be exactly equal
  bool unordered = false;  // a top-level list/tuple compares as a multiset of its items
  // kind json (APPS/TACO's Python ==, grader/compare/json_compare.h): CompareValues hands
  // the values to CompareJsonLike with float_tolerance; `unordered` does not apply.
  bool json = false;
  bool json_unwrap_single = false;  // json only: expected [x] also accepts x
};

[[nodiscard]] CompareResult CompareValues(const Value& expected, const Value& got,
                                          const ValueCompareOptions& options = {});

// A canonical text of a value under exact equality: two values are exactly equal (as above,
// no tolerance) if and only if their keys are equal. Sets and dicts are sorted.
std::string CanonicalKey(const Value& value);

}  // namespace proctor::grader::compare
