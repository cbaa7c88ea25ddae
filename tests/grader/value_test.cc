// Specification of grader/value.h: the wire format of docs/wire-format.md, its caps, the
// literals of task files, and Repr for feedback.
#include "grader/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace proctor::grader {
namespace {

// 2**exponent in decimal (base 10**9 limbs, multiplied by 2 up to 2**29 at a time).
std::string PowerOfTwo(int exponent) {
  std::vector<uint64_t> limbs = {1};
  while (exponent > 0) {
    int step = std::min(exponent, 29);
    exponent -= step;
    uint64_t carry = 0;
    for (uint64_t& limb : limbs) {
      uint64_t t = (limb << step) + carry;
      limb = t % 1000000000;
      carry = t / 1000000000;
    }
    while (carry > 0) {
      limbs.push_back(carry % 1000000000);
      carry /= 1000000000;
    }
  }
  std::string out = std::to_string(limbs.back());
  for (size_t i = limbs.size() - 1; i-- > 0;) {
    std::string part = std::to_string(limbs[i]);
    out += std::string(9 - part.size(), '0') + part;
  }
  return out;
}

std::string Nested(int depth) {  // `depth` lists around an int
  std::string text = "{\"int\": \"1\"}";
  for (int i = 0; i < depth; ++i) text = "{\"list\": [" + text + "]}";
  return text;
}

Value MustParse(std::string_view text) {
  auto value = ParseWire(text);
  EXPECT_TRUE(value.has_value()) << text << " -> " << value.error().message;
  return value ? *value : Value();
}

std::string ParseError(std::string_view text) {
  auto value = ParseWire(text);
  EXPECT_FALSE(value.has_value()) << text << " was accepted";
  return value ? "" : value.error().message;
}

TEST(WireFormat, EveryKindRoundTripsThroughItsDocumentedForm) {
  const std::vector<std::string> forms = {
      "null",
      "true",
      "false",
      R"({"int":"-12"})",
      R"({"int":"100000000000000000001"})",
      R"({"float":"0.30000000000000004"})",
      R"({"float":"nan"})",
      R"({"float":"-inf"})",
      R"("héllo\n")",
      R"({"bytes":"AAH/"})",
      R"({"list":[{"int":"1"},"a",null]})",
      R"({"tuple":[]})",
      R"({"set":[{"int":"3"},{"int":"1"}]})",
      R"({"dict":[["b",{"int":"1"}],["a",{"tuple":[true]}]]})",
  };
  for (const std::string& form : forms) {
    EXPECT_EQ(ToWire(MustParse(form)), form);
  }
}

TEST(WireFormat, DecodesToPlainValuesOfTheRightKind) {
  Value v = MustParse(R"({"list":[true,{"int":"1"},{"float":"1.0"},{"bytes":"AAH/"}]})");
  ASSERT_EQ(v.kind(), ValueKind::kList);
  ASSERT_EQ(v.items().size(), 4u);
  EXPECT_EQ(v.items()[0].kind(), ValueKind::kBool);  // a bool is never an int
  EXPECT_EQ(v.items()[1].kind(), ValueKind::kInt);
  EXPECT_EQ(v.items()[2].kind(), ValueKind::kFloat);  // an int is never a float
  EXPECT_EQ(v.items()[3].bytes(), std::string("\x00\x01\xff", 3));
}

TEST(WireFormat, DictKeepsInsertionOrder) {
  Value v = MustParse(R"({"dict":[["z",null],["a",null]]})");
  EXPECT_EQ(v.entries()[0].first.str(), "z");
  EXPECT_EQ(v.entries()[1].first.str(), "a");
}

TEST(WireFormat, IntsAreNormalized) {
  EXPECT_EQ(MustParse(R"({"int":"007"})").int_decimal(), "7");
  EXPECT_EQ(MustParse(R"({"int":"-0"})").int_decimal(), "0");
  EXPECT_EQ(MustParse(R"({"int":"+5"})").int_decimal(), "5");
  EXPECT_NE(ParseError(R"({"int":"1e3"})").find("not a decimal"), std::string::npos);
  EXPECT_NE(ParseError(R"({"int":""})").find("empty"), std::string::npos);
}

TEST(WireFormat, RejectsWhatIsNotTheFormat) {
  EXPECT_NE(ParseError("3").find("bare JSON number"), std::string::npos);
  EXPECT_NE(ParseError("1.5").find("bare JSON number"), std::string::npos);
  EXPECT_NE(ParseError(R"({"object":{}})").find("unknown tag \"object\""), std::string::npos);
  EXPECT_NE(ParseError(R"({"int":"1","float":"2"})").find("exactly one key"), std::string::npos);
  EXPECT_NE(ParseError(R"({"int":1})").find("must hold a string"), std::string::npos);
  EXPECT_NE(ParseError(R"({"bytes":"AAH"})").find("base64"), std::string::npos);
  EXPECT_NE(ParseError(R"({"bytes":"A=AA"})").find("base64"), std::string::npos);
  EXPECT_NE(ParseError(R"({"float":"Infinity"})").find("not a float"), std::string::npos);
  EXPECT_NE(ParseError(R"({"float":"1e999"})").find("not a float"), std::string::npos);
  EXPECT_NE(ParseError(R"({"dict":[["a"]]})").find("[key, value]"), std::string::npos);
  EXPECT_NE(ParseError("[1, 2").find("not valid JSON"), std::string::npos);
  EXPECT_NE(ParseError("[]").find("unexpected JSON array"), std::string::npos);
}

TEST(WireFormat, ErrorsSayWhereInTheValue) {
  EXPECT_EQ(ParseError(R"({"list":[null,{"tuple":[{"int":"x"}]}]})"),
            "at [1][0]: int: \"x\" is not a decimal");
}

TEST(WireCaps, IntOfExactly100000BitsIsTheLargestAccepted) {
  std::string limit = PowerOfTwo(100000);  // 100001 bits
  ASSERT_EQ(limit.size(), kMaxIntDigits);
  ASSERT_EQ(limit.back(), '6');
  std::string largest = limit;
  largest.back() = '5';  // 2**100000 - 1: exactly 100000 bits
  EXPECT_EQ(MustParse(R"({"int":"-)" + largest + "\"}").int_decimal(), "-" + largest);
  EXPECT_EQ(ParseError(R"({"int":")" + limit + "\"}"), "at top level: int: more than 100000 bits");
  EXPECT_FALSE(NormalizeInt(std::string(kMaxIntDigits + 1, '1')).has_value());
  // Leading zeros do not count.
  EXPECT_TRUE(NormalizeInt(std::string(50, '0') + largest).has_value());
}

TEST(WireCaps, DepthOf64IsAcceptedAnd65Rejected) {
  EXPECT_EQ(Depth(MustParse(Nested(64))), 64);
  EXPECT_NE(ParseError(Nested(65)).find("nested deeper than 64"), std::string::npos);
  // Dicts count one level each too.
  std::string dicts = "null";
  for (int i = 0; i < 65; ++i) dicts = R"({"dict":[["k",)" + dicts + "]]}";
  EXPECT_NE(ParseError(dicts).find("nested deeper than 64"), std::string::npos);
}

TEST(WireCaps, HostileNestingIsRejectedBeforeParsing) {
  std::string deep(1000000, '[');
  EXPECT_EQ(ParseError(deep), "nested deeper than 64");
}

TEST(WireCaps, MessagesOver4MiBAreRejected) {
  std::string big = "\"" + std::string(kMaxWireBytes - 2, 'a') + "\"";
  EXPECT_EQ(MustParse(big).str().size(), kMaxWireBytes - 2);
  std::string too_big = "\"" + std::string(kMaxWireBytes - 1, 'a') + "\"";
  EXPECT_NE(ParseError(too_big).find("exceeds the cap"), std::string::npos);
}

TEST(FloatRepr, MatchesPythonRepr) {
  EXPECT_EQ(FloatRepr(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FloatRepr(1.0), "1.0");
  EXPECT_EQ(FloatRepr(-0.0), "-0.0");
  EXPECT_EQ(FloatRepr(2.75), "2.75");
  EXPECT_EQ(FloatRepr(1e16), "1e+16");
  EXPECT_EQ(FloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(FloatRepr(0.0001), "0.0001");
  EXPECT_EQ(FloatRepr(0.00001), "1e-05");
  EXPECT_EQ(FloatRepr(1.5e300), "1.5e+300");
  EXPECT_EQ(FloatRepr(123456789012345678.0), "1.2345678901234568e+17");
  EXPECT_EQ(FloatRepr(5e-324), "5e-324");
  EXPECT_EQ(FloatRepr(std::nan("")), "nan");
  EXPECT_EQ(FloatRepr(-HUGE_VAL), "-inf");
}

TEST(FloatRepr, RoundTripsEveryDouble) {
  for (double f : {0.1, 1.0 / 3, 1e-310, 1.7976931348623157e308, -2.5e-8, 4.35}) {
    Value v = MustParse(ToWire(Value::Float(f)));
    EXPECT_EQ(v.float_value(), f);
  }
}

TEST(JsonLiteral, PlainJsonMapsToTheNaturalTypes) {
  auto v = FromJsonLiteral(nlohmann::json::parse(R"([null, true, 3, 3.0, "s", [1], {"k": 2}])"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(ToWire(*v),
            R"({"list":[null,true,{"int":"3"},{"float":"3.0"},"s",{"list":[{"int":"1"}]},)"
            R"({"dict":[["k",{"int":"2"}]]}]})");
}

TEST(JsonLiteral, TaggedFormsGiveTuplesSetsBytesAndSpecialFloats) {
  auto v = FromJsonLiteral(nlohmann::json::parse(
      R"([{"$tuple": [1, 2]}, {"$set": []}, {"$bytes": "AAE="}, {"$float": "nan"},
          {"$int": "123456789012345678901234567890"}, {"$dict": [[[1, 2], "x"]]},
          {"$str": "$tuple"}])"));
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(Repr(*v, 1000),
            "[(1, 2), set(), b'\\x00\\x01', nan, 123456789012345678901234567890, "
            "{[1, 2]: 'x'}, '$tuple']");
}

TEST(JsonLiteral, UnknownDollarTagIsAnError) {
  auto v = FromJsonLiteral(nlohmann::json::parse(R"({"$tupel": [1]})"));
  ASSERT_FALSE(v.has_value());
  EXPECT_NE(v.error().message.find("unknown tag \"$tupel\""), std::string::npos);
}

TEST(JsonLiteral, TextKeepsBigIntegersExactAndKeyOrder) {
  auto v = ParseJsonLiteral(R"({"z": 100000000000000000001, "a": -9223372036854775809})");
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(Repr(*v), "{'z': 100000000000000000001, 'a': -9223372036854775809}");
  EXPECT_FALSE(ParseJsonLiteral("[1,").has_value());
}

TEST(Repr, LooksLikePython) {
  Value v = Value::List({Value::None(), Value::Bool(true), Value::Int(-3), Value::Float(1.5),
                         Value::Str("it's"), Value::Bytes("a\n"), Value::Tuple({Value::Int(1)}),
                         Value::Set({}), Value::Set({Value::Int(2)}),
                         Value::Dict({{Value::Str("k"), Value::Tuple({})}})});
  EXPECT_EQ(Repr(v), "[None, True, -3, 1.5, \"it's\", b'a\\n', (1,), set(), {2}, {'k': ()}]");
}

TEST(Repr, IsCapped) {
  Value long_list = Value::List(Value::Items(1000, Value::Int(12345)));
  std::string shown = Repr(long_list, 50);
  EXPECT_EQ(shown.size(), 50u);
  EXPECT_EQ(shown.substr(47), "...");
}

}  // namespace
}  // namespace proctor::grader
