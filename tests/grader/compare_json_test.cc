// Specification of grader/compare/json_compare.h: call compare `kind: json`, the equality of
// APPS' and TACO's harness (Python's == after tuples become lists, an optional unwrap of a
// one-element expected list). A wrong answer must never be accepted by the leniency.
#include <gtest/gtest.h>

#include "grader/compare/json_compare.h"
#include "grader/compare/value_compare.h"

namespace proctor::grader::compare {
namespace {

using Items = Value::Items;

bool Same(const Value& expected, const Value& got, const JsonCompareOptions& options = {}) {
  return CompareJsonLike(expected, got, options).equal;
}

JsonCompareOptions Unwrap() { return {.float_tolerance = std::nullopt, .unwrap_single = true}; }
JsonCompareOptions Tolerant(double rel_tol) {
  return {.float_tolerance = FloatTolerance{.abs_tol = 0, .rel_tol = rel_tol},
          .unwrap_single = false};
}

Value Ints(std::initializer_list<int64_t> values) {
  Items items;
  for (int64_t v : values) items.push_back(Value::Int(v));
  return Value::List(items);
}

TEST(JsonCompare, NumbersCompareByValueAsInPython) {
  EXPECT_TRUE(Same(Value::Int(1), Value::Float(1.0)));
  EXPECT_TRUE(Same(Value::Float(1.0), Value::Int(1)));
  EXPECT_TRUE(Same(Value::Int(1), Value::Bool(true)));  // True == 1 in Python
  EXPECT_TRUE(Same(Value::Int(0), Value::Bool(false)));
  EXPECT_FALSE(Same(Value::Int(2), Value::Bool(true)));
  EXPECT_FALSE(Same(Value::Int(1), Value::Float(1.5)));
  EXPECT_FALSE(Same(Value::Int(3), Value::Int(4)));
  EXPECT_FALSE(Same(Value::Float(0.5), Value::Float(0.5000001)));
  EXPECT_FALSE(Same(Value::Int(0), Value::None()));
  EXPECT_FALSE(Same(Value::Int(1), Value::Str("1")));
}

TEST(JsonCompare, BigIntsExactlyAndNeverByAFloat) {
  Value big = Value::Int("15511210043330985984000000");  // 25!
  EXPECT_TRUE(Same(big, Value::Int("15511210043330985984000000")));
  EXPECT_FALSE(Same(big, Value::Int("15511210043330985984000001")));
  // float(25!) is not 25! (Python: False), even with a tolerance: an expected int is exact.
  EXPECT_FALSE(Same(big, Value::Float(1.5511210043330986e25)));
  EXPECT_FALSE(Same(big, Value::Float(1.5511210043330986e25), Tolerant(1e-9)));
  EXPECT_TRUE(Same(Value::Int("9007199254740992"), Value::Float(9007199254740992.0)));
  EXPECT_FALSE(Same(Value::Int("9007199254740993"), Value::Float(9007199254740992.0)));
}

TEST(JsonCompare, ToleranceOnlyWhereAFloatIsExpected) {
  EXPECT_TRUE(Same(Value::Float(0.3), Value::Float(0.30000000000000004), Tolerant(1e-9)));
  EXPECT_TRUE(Same(Value::Float(2.0), Value::Int(2), Tolerant(1e-9)));
  EXPECT_FALSE(Same(Value::Float(0.3), Value::Float(0.31), Tolerant(1e-9)));
  EXPECT_FALSE(Same(Value::Int(1000000000), Value::Int(1000000001), Tolerant(1e-6)));
}

TEST(JsonCompare, TuplesAreListsAtAnyDepth) {
  Value expected = Value::List({Ints({1, 2}), Ints({3})});
  Value got = Value::Tuple({Value::Tuple({Value::Int(1), Value::Int(2)}), Ints({3})});
  EXPECT_TRUE(Same(expected, got));
  EXPECT_FALSE(Same(expected, Value::Tuple({Ints({1, 2})})));
  EXPECT_FALSE(Same(Ints({1, 2}), Ints({2, 1})));  // order counts
  EXPECT_FALSE(Same(Ints({1, 2}), Value::Set({Value::Int(1), Value::Int(2)})));
}

TEST(JsonCompare, UnwrapsOnlyAOneElementExpectedList) {
  // APPS stores many call results as [result].
  EXPECT_TRUE(
      Same(Value::List({Ints({1, 5})}), Value::Tuple({Value::Int(1), Value::Int(5)}), Unwrap()));
  EXPECT_TRUE(Same(Value::List({Value::Int(7)}), Value::Int(7), Unwrap()));
  EXPECT_TRUE(Same(Value::List({Value::Int(7)}), Ints({7}), Unwrap()));  // as written, too
  EXPECT_FALSE(Same(Value::List({Value::Int(7)}), Value::Int(7)));       // only when asked
  EXPECT_FALSE(Same(Value::List({Value::Int(7)}), Value::Int(8), Unwrap()));
  // APPS' own harness also accepts expected[0] of a longer list; that would accept wrong
  // answers, so a longer list is never unwrapped.
  EXPECT_FALSE(Same(Ints({1, 5}), Value::Int(1), Unwrap()));
  // Unwrapping happens once, at the top.
  EXPECT_FALSE(Same(Value::List({Value::List({Value::Int(7)})}), Value::Int(7), Unwrap()));
}

TEST(JsonCompare, DictsByKeyWithNumericKeysByValue) {
  Value expected = Value::Dict({{Value::Int(1), Value::Str("a")}, {Value::Int(2), Ints({3})}});
  Value got = Value::Dict(
      {{Value::Int(2), Value::Tuple({Value::Int(3)})}, {Value::Float(1.0), Value::Str("a")}});
  EXPECT_TRUE(Same(expected, got));
  EXPECT_FALSE(Same(expected, Value::Dict({{Value::Int(1), Value::Str("a")}})));
  EXPECT_FALSE(Same(expected,
                    Value::Dict({{Value::Str("1"), Value::Str("a")}, {Value::Int(2), Ints({3})}})));
  EXPECT_EQ(CompareJsonLike(expected, Value::Dict({{Value::Int(1), Value::Str("b")},
                                                   {Value::Int(2), Ints({3})}}))
                .reason,
            "at [1]: expected 'a' (str), got 'b' (str)");
}

TEST(JsonCompare, RicherKindsAsPythonsEquality) {
  Value dict = Value::Dict({{Value::Str("a"), Value::Int(2)}});
  EXPECT_TRUE(Same(dict, Value::Counter({{Value::Str("a"), Value::Int(2)}})));
  EXPECT_TRUE(Same(dict, Value::OrderedDict({{Value::Str("a"), Value::Int(2)}})));
  EXPECT_FALSE(Same(dict, Value::Counter({{Value::Str("a"), Value::Int(3)}})));
  Value set = Value::Set({Value::Int(1), Value::Int(2)});
  EXPECT_TRUE(Same(set, Value::FrozenSet({Value::Int(2), Value::Int(1)})));
  EXPECT_FALSE(Same(set, Value::FrozenSet({Value::Int(1)})));
  auto point = Value::NamedTuple("Point", {"x", "y"}, {Value::Int(1), Value::Int(2)});
  ASSERT_TRUE(point.has_value());
  EXPECT_TRUE(Same(Ints({1, 2}), *point));
  EXPECT_FALSE(Same(Ints({1, 2}), Value::Deque({Value::Int(1), Value::Int(2)})));  // as Python
}

TEST(JsonCompare, ReasonsNameThePath) {
  EXPECT_EQ(CompareJsonLike(Ints({1, 2}), Ints({1, 3})).reason,
            "at [1]: expected 2 (int), got 3 (int)");
  EXPECT_EQ(CompareJsonLike(Ints({1, 2}), Ints({1})).reason, "expected 2 items, got 1");
}

TEST(JsonCompare, SelectedThroughValueCompareOptions) {
  ValueCompareOptions options;
  options.json = true;
  options.json_unwrap_single = true;
  EXPECT_TRUE(CompareValues(Value::List({Value::Int(7)}), Value::Float(7.0), options).equal);
  EXPECT_FALSE(CompareValues(Value::List({Value::Int(7)}), Value::Float(7.0)).equal);
}

}  // namespace
}  // namespace proctor::grader::compare
