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

// --- The richer kinds: type_strict as docs/wire-format.md defines it -------------------

Value Pair(std::string key, int64_t count) {
  return Value::Dict({{Value::Str(std::move(key)), Value::Int(count)}});
}

Value::Entries Entries(std::initializer_list<std::pair<const char*, int64_t>> items) {
  Value::Entries out;
  for (const auto& [k, v] : items) out.emplace_back(Value::Str(k), Value::Int(v));
  return out;
}

Value Point(int64_t x, int64_t y, std::string name = "Point") {
  return *Value::NamedTuple(std::move(name), {"x", "y"}, {Value::Int(x), Value::Int(y)});
}

TEST(RichTypeStrict, CounterEqualsCounterWithZerosAsMissing) {
  Value expected = Value::Counter(Entries({{"a", 2}, {"b", 1}}));
  EXPECT_TRUE(Same(expected, Value::Counter(Entries({{"b", 1}, {"a", 2}}))));
  EXPECT_TRUE(Same(expected, Value::Counter(Entries({{"a", 2}, {"b", 1}, {"c", 0}}))));
  EXPECT_TRUE(Same(Value::Counter(Entries({{"a", 2}, {"z", 0}})),
                   Value::Counter(Entries({{"a", 2}}))));
  EXPECT_FALSE(Same(expected, Value::Counter(Entries({{"a", 2}}))));
  EXPECT_FALSE(Same(expected, Value::Counter(Entries({{"a", 2}, {"b", 1}, {"c", 1}}))));
  EXPECT_EQ(CompareValues(expected, Value::Counter(Entries({{"a", 2}, {"b", 1}, {"c", 3}}))).reason,
            "unexpected key 'c' with count 3");
  // An expected Counter needs a Counter; an expected dict takes a Counter as a dict.
  EXPECT_FALSE(Same(expected, Value::Dict(Entries({{"a", 2}, {"b", 1}}))));
  EXPECT_TRUE(Same(Value::Dict(Entries({{"a", 2}, {"b", 1}})), expected));
  EXPECT_FALSE(Same(Value::Dict(Entries({{"a", 2}})),
                    Value::Counter(Entries({{"a", 2}, {"b", 0}}))));  // dict ==: exact items
}

TEST(RichTypeStrict, DictFamily) {
  Value::Entries ab = Entries({{"a", 1}, {"b", 2}}), ba = Entries({{"b", 2}, {"a", 1}});
  EXPECT_TRUE(Same(Value::OrderedDict(ab), Value::OrderedDict(ab)));
  EXPECT_FALSE(Same(Value::OrderedDict(ab), Value::OrderedDict(ba)));  // in order
  EXPECT_NE(CompareValues(Value::OrderedDict(ab), Value::OrderedDict(ba)).reason.find("in order"),
            std::string::npos);
  EXPECT_TRUE(Same(Value::Dict(ab), Value::OrderedDict(ba)));  // as a dict: any order
  EXPECT_FALSE(Same(Value::OrderedDict(ab), Value::Dict(ab)));
  Value dd_int = *Value::DefaultDict("int", ab), dd_list = *Value::DefaultDict("list", ba);
  EXPECT_TRUE(Same(dd_int, dd_list));  // Python's == ignores the factory
  EXPECT_TRUE(Same(Value::Dict(ab), dd_int));
  EXPECT_FALSE(Same(dd_int, Value::Dict(ab)));
}

TEST(RichTypeStrict, SequencesAndSets) {
  Value::Items one_two = {Value::Int(1), Value::Int(2)};
  EXPECT_TRUE(Same(Value::Deque(one_two), Value::Deque(one_two, 5)));  // maxlen ignored
  EXPECT_FALSE(Same(Value::Deque(one_two), Value::List(one_two)));
  EXPECT_FALSE(Same(Value::List(one_two), Value::Deque(one_two)));
  EXPECT_TRUE(Same(Value::Set(one_two), Value::FrozenSet({Value::Int(2), Value::Int(1)})));
  EXPECT_TRUE(Same(Value::FrozenSet(one_two), Value::Set(one_two)));
  EXPECT_TRUE(Same(Value::Bytes("ab"), Value::ByteArray("ab")));
  EXPECT_TRUE(Same(Value::ByteArray("ab"), Value::Bytes("ab")));
  EXPECT_FALSE(Same(Value::Bytes("ab"), Value::ByteArray("ba")));
}

TEST(RichTypeStrict, NamedTupleIsATupleOfItsClass) {
  EXPECT_TRUE(Same(Point(1, 2), Point(1, 2)));
  EXPECT_FALSE(Same(Point(1, 2), Point(2, 1)));
  EXPECT_FALSE(Same(Point(1, 2), Point(1, 2, "Vector")));
  EXPECT_NE(CompareValues(Point(1, 2), Point(1, 2, "Vector")).reason.find("another namedtuple"),
            std::string::npos);
  EXPECT_TRUE(Same(Value::Tuple({Value::Int(1), Value::Int(2)}), Point(1, 2)));
  EXPECT_FALSE(Same(Point(1, 2), Value::Tuple({Value::Int(1), Value::Int(2)})));
  // Unordered lists and dict keys find a namedtuple where a tuple is expected.
  ValueCompareOptions unordered{.float_tolerance = std::nullopt, .unordered = true};
  Value tuples = Value::List({Value::Tuple({Value::Int(3), Value::Int(4)}),
                              Value::Tuple({Value::Int(1), Value::Int(2)})});
  EXPECT_TRUE(Same(tuples, Value::List({Point(1, 2), Point(3, 4)}), unordered));
  EXPECT_FALSE(Same(tuples, Value::List({Point(1, 2), Point(3, 5)}), unordered));
  Value keyed = Value::Dict({{Value::Tuple({Value::Int(1), Value::Int(2)}), Value::Str("p")}});
  EXPECT_TRUE(Same(keyed, Value::Dict({{Point(1, 2), Value::Str("p")}})));
}

TEST(RichTypeStrict, DataclassIsItsClassAndItsFields) {
  auto person = [](std::string name, int64_t age, std::string cls = "Person") {
    return *Value::Dataclass(std::move(cls), {"name", "age"}, {Value::Str(std::move(name)),
                                                               Value::Int(age)});
  };
  EXPECT_TRUE(Same(person("Ada", 36), person("Ada", 36)));
  EXPECT_FALSE(Same(person("Ada", 36), person("Ada", 37)));
  EXPECT_FALSE(Same(person("Ada", 36), person("Ada", 36, "Employee")));
  EXPECT_FALSE(Same(person("Ada", 36), Point(1, 2)));
  EXPECT_FALSE(Same(person("Ada", 36),
                    *Value::NamedTuple("Person", {"name", "age"},
                                       {Value::Str("Ada"), Value::Int(36)})));
  EXPECT_NE(CanonicalKey(person("Ada", 36)),
            CanonicalKey(*Value::NamedTuple("Person", {"name", "age"},
                                            {Value::Str("Ada"), Value::Int(36)})));
  ValueCompareOptions unordered{.float_tolerance = std::nullopt, .unordered = true};
  EXPECT_TRUE(Same(Value::List({person("B", 2), person("A", 1)}),
                   Value::List({person("A", 1), person("B", 2)}), unordered));
}

TEST(RichTypeStrict, Numbers) {
  EXPECT_TRUE(Same(Value::Complex(1, 2), Value::Complex(1, 2)));
  EXPECT_FALSE(Same(Value::Complex(1, 2), Value::Complex(1, 2.0000001)));
  EXPECT_TRUE(Same(Value::Complex(1, 2), Value::Complex(1, 2.0000001), Tolerant(1e-6)));
  EXPECT_TRUE(Same(Value::Complex(kNan, 0), Value::Complex(kNan, -0.0)));
  EXPECT_FALSE(Same(Value::Complex(1, 0), Value::Float(1)));  // no cross-kind numbers
  Value half = *Value::Fraction("1", "2");
  EXPECT_TRUE(Same(half, *Value::Fraction("2", "4")));
  EXPECT_FALSE(Same(half, *Value::Fraction("1", "3")));
  EXPECT_FALSE(Same(half, Value::Float(0.5)));
  Value price = *Value::Decimal("1.10");
  EXPECT_TRUE(Same(price, *Value::Decimal("1.1")));
  EXPECT_TRUE(Same(*Value::Decimal("0"), *Value::Decimal("-0E-3")));
  EXPECT_FALSE(Same(price, *Value::Decimal("1.11")));
  EXPECT_TRUE(Same(*Value::Decimal("NaN"), *Value::Decimal("NaN")));  // as for floats
  EXPECT_FALSE(Same(*Value::Decimal("Infinity"), *Value::Decimal("-Infinity")));
  EXPECT_FALSE(Same(price, Value::Float(1.1)));
}

TEST(RichTypeStrict, TypesByName) {
  EXPECT_TRUE(Same(*Value::Type("int"), *Value::Type("int")));
  EXPECT_FALSE(Same(*Value::Type("int"), *Value::Type("float")));
  EXPECT_FALSE(Same(*Value::Type("int"), Value::Str("int")));
}

TEST(RichTypeStrict, AHandleNeverEqualsAValue) {
  Value node = Value::Handle("h1", "Counter");  // a class of the solution named Counter
  for (const Value& expected : {Value::Counter(Entries({{"a", 1}})), Value::Int(1),
                                Value::None(), Value::Dict({})}) {
    CompareResult cmp = CompareValues(expected, node);
    EXPECT_FALSE(cmp.equal);
    EXPECT_NE(cmp.reason.find("object of the solution's class Counter"), std::string::npos)
        << cmp.reason;
  }
  ValueCompareOptions unordered{.float_tolerance = std::nullopt, .unordered = true};
  EXPECT_FALSE(Same(Value::List({Value::Int(1)}), Value::List({node}), unordered));
  EXPECT_FALSE(Same(Value::List({Value::Int(1)}), Value::List({node}), Tolerant(1)));
  EXPECT_FALSE(Same(Pair("a", 1), Value::Dict({{Value::Str("a"), node}})));
}

TEST(CanonicalKey, EqualKeysMeanEqualValuesForRichKinds) {
  // Kinds that type_strict tells apart have different keys...
  EXPECT_NE(CanonicalKey(Value::Tuple({Value::Int(1), Value::Int(2)})), CanonicalKey(Point(1, 2)));
  EXPECT_NE(CanonicalKey(Point(1, 2)), CanonicalKey(Point(1, 2, "Vector")));
  EXPECT_NE(CanonicalKey(Value::Dict({})), CanonicalKey(Value::Counter({})));
  EXPECT_NE(CanonicalKey(Value::Dict({})), CanonicalKey(*Value::DefaultDict("", {})));
  EXPECT_NE(CanonicalKey(Value::List({})), CanonicalKey(Value::Deque({})));
  EXPECT_NE(CanonicalKey(Value::OrderedDict(Entries({{"a", 1}, {"b", 2}}))),
            CanonicalKey(Value::OrderedDict(Entries({{"b", 2}, {"a", 1}}))));
  // ...values that type_strict calls equal within a kind share one.
  EXPECT_EQ(CanonicalKey(Value::Counter(Entries({{"a", 1}, {"b", 0}}))),
            CanonicalKey(Value::Counter(Entries({{"a", 1}}))));
  EXPECT_EQ(CanonicalKey(*Value::Decimal("1.10")), CanonicalKey(*Value::Decimal("1.1")));
  EXPECT_EQ(CanonicalKey(Value::Complex(-0.0, 1)), CanonicalKey(Value::Complex(0.0, 1)));
}

}  // namespace
}  // namespace proctor::grader::compare
