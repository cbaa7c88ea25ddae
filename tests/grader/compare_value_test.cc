// Specification of grader/compare/value_compare.h: type-strict comparison of call results.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "grader/compare/value_compare.h"

namespace proctor::grader::compare {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

bool Same(const Value& expected, const Value& got, const ValueCompareOptions& options = {}) {
  return CompareValues(expected, got, options).equal;
}

ValueCompareOptions Tolerant(double rel_tol, double abs_tol = 0) {
  return {.float_tolerance = FloatTolerance{.abs_tol = abs_tol, .rel_tol = rel_tol}};
}

TEST(TypeStrict, IntIsNotBoolIsNotFloat) {
  EXPECT_TRUE(Same(Value::Int(1), Value::Int(1)));
  EXPECT_FALSE(Same(Value::Int(1), Value::Bool(true)));
  EXPECT_FALSE(Same(Value::Bool(true), Value::Int(1)));
  EXPECT_FALSE(Same(Value::Int(1), Value::Float(1.0)));
  EXPECT_FALSE(Same(Value::Float(1.0), Value::Int(1), Tolerant(1)));
  EXPECT_FALSE(Same(Value::Int(0), Value::None()));
  EXPECT_FALSE(Same(Value::Str("1"), Value::Int(1)));
  EXPECT_FALSE(Same(Value::Str("a"), Value::Bytes("a")));
  EXPECT_EQ(CompareValues(Value::Int(1), Value::Bool(true)).reason,
            "expected 1 (int), got True (bool)");
}

TEST(TypeStrict, ListIsNotTupleIsNotSet) {
  Value::Items items = {Value::Int(1), Value::Int(2)};
  EXPECT_FALSE(Same(Value::List(items), Value::Tuple(items)));
  EXPECT_FALSE(Same(Value::Tuple(items), Value::List(items)));
  EXPECT_FALSE(Same(Value::Set(items), Value::List(items)));
  EXPECT_TRUE(Same(Value::Tuple(items), Value::Tuple(items)));
}

TEST(TypeStrict, BigIntsCompareExactly) {
  Value big = Value::Int(std::string("100000000000000000001"));
  EXPECT_TRUE(Same(big, Value::Int(std::string("100000000000000000001"))));
  EXPECT_FALSE(Same(big, Value::Int(std::string("100000000000000000000"))));
  EXPECT_FALSE(Same(big, Value::Float(1e20), Tolerant(1)));
}

TEST(TypeStrict, FloatsAreExactUnlessTheTestGivesATolerance) {
  EXPECT_FALSE(Same(Value::Float(0.3), Value::Float(0.1 + 0.2)));
  EXPECT_TRUE(Same(Value::Float(0.3), Value::Float(0.1 + 0.2), Tolerant(1e-9, 1e-12)));
  EXPECT_TRUE(Same(Value::Float(0.0), Value::Float(-0.0)));
}

TEST(TypeStrict, NanEqualsOnlyAnExpectedNan) {
  EXPECT_TRUE(Same(Value::Float(kNan), Value::Float(kNan)));
  EXPECT_TRUE(Same(Value::Float(kNan), Value::Float(kNan), Tolerant(1)));
  EXPECT_FALSE(Same(Value::Float(1.0), Value::Float(kNan)));
  EXPECT_FALSE(Same(Value::Float(1.0), Value::Float(kNan), Tolerant(1e300, 1e300)));
  EXPECT_FALSE(Same(Value::Float(kNan), Value::Float(1.0), Tolerant(1e300, 1e300)));
}

TEST(TypeStrict, InfinityEqualsOnlyTheSameInfinity) {
  EXPECT_TRUE(Same(Value::Float(kInf), Value::Float(kInf), Tolerant(1e-9)));
  EXPECT_FALSE(Same(Value::Float(kInf), Value::Float(-kInf), Tolerant(1e300, 1e300)));
  EXPECT_FALSE(Same(Value::Float(1e308), Value::Float(kInf), Tolerant(1, 1e308)));
  EXPECT_FALSE(Same(Value::Float(kInf), Value::Float(1e308), Tolerant(1, 1e308)));
}

TEST(TypeStrict, RecursesIntoContainersAndSaysWhere) {
  Value expected = Value::List({Value::Int(1), Value::Tuple({Value::Float(2.5), Value::Int(3)})});
  Value got = Value::List({Value::Int(1), Value::Tuple({Value::Float(2.5), Value::Bool(true)})});
  EXPECT_EQ(CompareValues(expected, got).reason, "at [1][1]: expected 3 (int), got True (bool)");
  Value shorter = Value::List({Value::Int(1)});
  EXPECT_EQ(CompareValues(expected, shorter).reason, "expected 2 items, got 1");
}

TEST(TypeStrict, SetsIgnoreOrderButNotTypes) {
  Value expected = Value::Set({Value::Int(1), Value::Str("a"), Value::Float(kNan)});
  EXPECT_TRUE(Same(expected, Value::Set({Value::Float(kNan), Value::Str("a"), Value::Int(1)})));
  EXPECT_FALSE(
      Same(expected, Value::Set({Value::Float(kNan), Value::Str("a"), Value::Bool(true)})));
  EXPECT_TRUE(Same(Value::Set({Value::Float(1.0)}), Value::Set({Value::Float(1.0 + 1e-12)}),
                   Tolerant(1e-9)));
}

TEST(TypeStrict, DictsIgnoreOrderAndCompareKeysExactly) {
  Value expected = Value::Dict({{Value::Str("a"), Value::Int(1)}, {Value::Int(2), Value::None()}});
  EXPECT_TRUE(Same(
      expected, Value::Dict({{Value::Int(2), Value::None()}, {Value::Str("a"), Value::Int(1)}})));
  EXPECT_EQ(CompareValues(expected, Value::Dict({{Value::Str("a"), Value::Int(1)},
                                                 {Value::Float(2.0), Value::None()}}))
                .reason,
            "at [2]: key missing");
  EXPECT_EQ(CompareValues(expected, Value::Dict({{Value::Str("a"), Value::Int(7)},
                                                 {Value::Int(2), Value::None()}}))
                .reason,
            "at ['a']: expected 1 (int), got 7 (int)");
}

TEST(Unordered, TopLevelListIsAMultiset) {
  ValueCompareOptions unordered{.float_tolerance = std::nullopt, .unordered = true};
  Value expected = Value::List({Value::Int(1), Value::Int(2), Value::Int(2)});
  EXPECT_TRUE(
      Same(expected, Value::List({Value::Int(2), Value::Int(1), Value::Int(2)}), unordered));
  EXPECT_FALSE(
      Same(expected, Value::List({Value::Int(1), Value::Int(1), Value::Int(2)}), unordered));
  EXPECT_FALSE(
      Same(expected, Value::Tuple({Value::Int(1), Value::Int(2), Value::Int(2)}), unordered));
  EXPECT_FALSE(
      Same(expected, Value::List({Value::Int(2), Value::Int(1), Value::Bool(true)}), unordered));
}

TEST(Unordered, OnlyTheTopLevelIsUnordered) {
  ValueCompareOptions unordered{.float_tolerance = std::nullopt, .unordered = true};
  Value expected = Value::List({Value::List({Value::Int(1), Value::Int(2)}), Value::Int(3)});
  EXPECT_TRUE(Same(expected,
                   Value::List({Value::Int(3), Value::List({Value::Int(1), Value::Int(2)})}),
                   unordered));
  EXPECT_FALSE(Same(expected,
                    Value::List({Value::Int(3), Value::List({Value::Int(2), Value::Int(1)})}),
                    unordered));
}

TEST(CanonicalKey, DistinguishesWhatStrictEqualityDistinguishes) {
  EXPECT_NE(CanonicalKey(Value::Int(1)), CanonicalKey(Value::Bool(true)));
  EXPECT_NE(CanonicalKey(Value::Int(1)), CanonicalKey(Value::Float(1.0)));
  EXPECT_NE(CanonicalKey(Value::List({})), CanonicalKey(Value::Tuple({})));
  EXPECT_NE(CanonicalKey(Value::List({Value::Str("ab")})),
            CanonicalKey(Value::List({Value::Str("a"), Value::Str("b")})));
  EXPECT_EQ(CanonicalKey(Value::Float(0.0)), CanonicalKey(Value::Float(-0.0)));
  EXPECT_EQ(CanonicalKey(Value::Set({Value::Int(1), Value::Int(2)})),
            CanonicalKey(Value::Set({Value::Int(2), Value::Int(1)})));
}

}  // namespace
}  // namespace proctor::grader::compare
