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

TEST(Base64, MatchesRfc4648AndStaysStrict) {
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},       {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
      {std::string("\x00\xff\xfe", 3), "AP/+"}};
  for (const auto& [raw, text] : vectors) {
    EXPECT_EQ(ToWire(Value::Bytes(raw)), "{\"bytes\":\"" + text + "\"}");
    EXPECT_EQ(MustParse("{\"bytes\":\"" + text + "\"}").bytes(), raw);
  }
  // What OpenSSL's decoder alone would let through: whitespace, missing or misplaced padding.
  for (const char* bad : {"Zm9v\\n", " Zm9v", "Zm9v ", "Zm 9v", "Zg", "Zg=", "Z===", "Zg==Zg==",
                          "Zm9-", "Zm9_", "Zm\u00e99"}) {
    EXPECT_NE(ParseError(std::string("{\"bytes\":\"") + bad + "\"}").find("base64"),
              std::string::npos)
        << bad;
  }
}

// --- The richer standard types (docs/wire-format.md) ------------------------------------

TEST(RichWire, EveryKindRoundTripsThroughItsDocumentedForm) {
  const std::vector<std::string> forms = {
      R"({"frozenset":[{"int":"1"}]})",
      R"({"bytearray":"AP8="})",
      R"({"complex":["1.0","-2.5"]})",
      R"({"complex":["nan","inf"]})",
      R"({"fraction":["-1","3"]})",
      R"({"decimal":"1.10"})",
      R"({"decimal":"-1E+5"})",
      R"({"decimal":"sNaN"})",
      R"({"counter":[["a",{"int":"2"}]]})",
      R"({"ordereddict":[["b",null],["a",null]]})",
      R"({"defaultdict":{"factory":"list","items":[["k",{"list":[]}]]}})",
      R"({"defaultdict":{"factory":null,"items":[]}})",
      R"({"deque":{"maxlen":{"int":"3"},"items":[{"int":"1"}]}})",
      R"({"deque":{"maxlen":null,"items":[]}})",
      R"({"namedtuple":{"name":"Point","fields":["x","y"],"values":[{"int":"1"},"a"]}})",
      R"({"dataclass":{"name":"P","fields":["x"],"frozen":true,"order":false,"values":[null]}})",
      R"({"type":"int"})",
      R"({"type":"collections.Counter"})",
      R"({"handle":{"id":"h3","class":"Node"}})",
  };
  for (const std::string& form : forms) {
    // The same JSON (an object's keys come out sorted; no decoder minds their order).
    EXPECT_EQ(nlohmann::json::parse(ToWire(MustParse(form))), nlohmann::json::parse(form));
  }
}

TEST(RichWire, DecodesToTheirKinds) {
  Value v = MustParse(
      R"({"list":[{"frozenset":[]},{"complex":["0.0","1.0"]},{"namedtuple":{"name":"P",)"
      R"("fields":["x"],"values":[{"int":"1"}]}},{"handle":{"id":"h1","class":"Node"}}]})");
  ASSERT_EQ(v.items().size(), 4u);
  EXPECT_EQ(v.items()[0].kind(), ValueKind::kFrozenSet);
  EXPECT_EQ(v.items()[1].complex_imag(), 1.0);
  EXPECT_EQ(v.items()[2].type_name(), "P");
  EXPECT_EQ(v.items()[2].field_names(), std::vector<std::string>{"x"});
  EXPECT_EQ(v.items()[3].handle_id(), "h1");
  EXPECT_EQ(v.items()[3].type_name(), "Node");
}

TEST(RichWire, RejectsWhatPythonsDecoderRejects) {
  EXPECT_NE(ParseError(R"({"fraction":["2","4"]})").find("lowest terms"), std::string::npos);
  EXPECT_NE(ParseError(R"({"fraction":["1","-2"]})").find("lowest terms"), std::string::npos);
  EXPECT_NE(ParseError(R"({"fraction":["1","0"]})").find("denominator is 0"), std::string::npos);
  EXPECT_NE(ParseError(R"({"decimal":"1.1e5"})").find("str() form"), std::string::npos);
  EXPECT_NE(ParseError(R"({"decimal":"x"})").find("not a Decimal"), std::string::npos);
  EXPECT_NE(ParseError(R"({"decimal":"1E+12345678901234567890"})").find("10**18"),
            std::string::npos);
  EXPECT_EQ(MustParse(R"({"decimal":"1.1E-1999999999999999968"})").decimal_text(),
            "1.1E-1999999999999999968");  // Decimal's own range reaches this far
  EXPECT_EQ(MustParse(R"({"deque":{"maxlen":{"int":"9223372036854775807"},"items":[]}})")
                .maxlen(),
            INT64_MAX);
  EXPECT_NE(ParseError(R"({"type":"os.system"})").find("not one the wire carries"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"defaultdict":{"factory":"print","items":[]}})").find("factory"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"defaultdict":{"items":[]}})").find("exactly the keys"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"deque":{"maxlen":{"int":"1"},"items":[null,null]}})").find("maxlen"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"namedtuple":{"name":"P","fields":["_x"],"values":[null]}})")
                .find("leading _"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"namedtuple":{"name":"class","fields":[],"values":[]}})")
                .find("identifier"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"namedtuple":{"name":"P","fields":["x"],"values":[]}})")
                .find("1 fields but 0 values"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"complex":["1.0"]})").find("two strings"), std::string::npos);
  EXPECT_NE(ParseError(R"({"dataclass":{"name":"P","fields":["x"],"values":[null]}})")
                .find("exactly the keys"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"dataclass":{"name":"P","fields":["x"],"frozen":1,"order":false,)"
                       R"("values":[null]}})")
                .find("booleans"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"dataclass":{"name":"P","fields":["_x"],"frozen":false,)"
                       R"("order":false,"values":[null]}})")
                .find("dataclass: field"),
            std::string::npos);
  EXPECT_EQ(MustParse(R"({"namedtuple":{"name":"Maß","fields":["größe"],"values":[null]}})")
                .field_names()[0],
            "größe");  // Python allows such identifiers
  EXPECT_NE(ParseError(R"({"namedtuple":{"name":"a-b","fields":[],"values":[]}})")
                .find("not an identifier"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"bytearray":"A"})").find("base64"), std::string::npos);
}

TEST(RichWire, SixtyFourNestedDefaultdictsAreWithinTheCaps) {
  std::string text = "null";
  for (int i = 0; i < kMaxWireDepth; ++i) {
    text = R"({"defaultdict":{"factory":null,"items":[["k",)" + text + "]]}}";
  }
  EXPECT_EQ(Depth(MustParse(text)), kMaxWireDepth);
  text = R"({"defaultdict":{"factory":null,"items":[["k",)" + text + "]]}}";
  EXPECT_NE(ParseError(text).find("nested deeper than 64"), std::string::npos);
}

TEST(Fraction, IsNormalizedAtAnySize) {
  Value f = *Value::Fraction("-6", "4");
  EXPECT_EQ(f.numerator(), "-3");
  EXPECT_EQ(f.denominator(), "2");
  f = *Value::Fraction("3", "-6");
  EXPECT_EQ(f.numerator(), "-1");
  EXPECT_EQ(f.denominator(), "2");
  f = *Value::Fraction("0", "-5");
  EXPECT_EQ(f.numerator(), "0");
  EXPECT_EQ(f.denominator(), "1");
  std::string big = PowerOfTwo(300);
  f = *Value::Fraction(big, PowerOfTwo(301));
  EXPECT_EQ(f.numerator(), "1");
  EXPECT_EQ(f.denominator(), "2");
  f = *ParseFraction("1/3");
  EXPECT_EQ(f.denominator(), "3");
  EXPECT_EQ(ParseFraction("7")->denominator(), "1");
  EXPECT_FALSE(ParseFraction("1/x").has_value());
  EXPECT_FALSE(ParseFraction("1/0").has_value());
}

TEST(Decimal, KeepsPythonsStrAndComparesByValue) {
  const std::vector<std::pair<std::string, std::string>> str_of = {
      {"1.10", "1.10"}, {"-1e5", "-1E+5"}, {".5", "0.5"},       {"5.", "5"},
      {"+0.000001", "0.000001"}, {"1e-7", "1E-7"}, {"123.456E+10", "1.23456E+12"},
      {"0E-7", "0E-7"}, {"-0", "-0"},           {"inf", "Infinity"}, {"-Infinity", "-Infinity"},
      {"nan", "NaN"},   {"NaN012", "NaN12"},    {"sNaN", "sNaN"},    {"007", "7"},
      {"1000", "1000"}, {"1.0E+3", "1.0E+3"},
  };
  for (const auto& [text, shown] : str_of) {
    auto d = Value::Decimal(text);
    ASSERT_TRUE(d.has_value()) << text << ": " << d.error().message;
    EXPECT_EQ(d->decimal_text(), shown) << text;
  }
  auto key = [](std::string_view t) { return DecimalEqualityKey(*Value::Decimal(t)); };
  EXPECT_EQ(key("1.10"), key("1.1"));
  EXPECT_EQ(key("1E+3"), key("1000"));
  EXPECT_EQ(key("0"), key("-0.00"));
  EXPECT_NE(key("1.1"), key("1.01"));
  EXPECT_NE(key("1"), key("-1"));
  EXPECT_EQ(key("NaN"), key("-sNaN1"));
  for (const char* bad : {"", "1.2.3", "e5", "1e", "0x10", "1_0", " 1", "infinit"}) {
    EXPECT_FALSE(Value::Decimal(bad).has_value()) << bad;
  }
}

TEST(WireTypes, AreTheAllowListOnly) {
  EXPECT_TRUE(IsWireTypeName("int"));
  EXPECT_TRUE(IsWireTypeName("ValueError"));
  EXPECT_TRUE(IsWireTypeName("fractions.Fraction"));
  EXPECT_FALSE(IsWireTypeName("eval"));
  EXPECT_FALSE(IsWireTypeName("Counter"));  // only as collections.Counter
  EXPECT_FALSE(Value::Type("os.system").has_value());
}

TEST(JsonLiteral, RichTags) {
  auto v = ParseJsonLiteral(R"([{"$counter": {"a": 2}}, {"$fraction": "2/4"},
      {"$decimal": "1.10"}, {"$complex": [1, "-inf"]}, {"$frozenset": [1]},
      {"$deque": {"items": [1], "maxlen": 2}}, {"$deque": []}, {"$type": "KeyError"},
      {"$defaultdict": {"factory": "int", "items": [[{"$tuple": [1]}, 2]]}},
      {"$ordereddict": [["b", 1], ["a", 2]]}, {"$bytearray": "AA=="},
      {"$namedtuple": {"name": "P", "fields": ["x"], "values": [1]}},
      {"$dataclass": {"name": "D", "fields": ["a", "b"], "values": [1, "x"], "frozen": true}}])");
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(Repr(*v, 1000),
            "[Counter({'a': 2}), Fraction(1, 2), Decimal('1.10'), (1-infj), frozenset({1}), "
            "deque([1], maxlen=2), deque([]), <class 'KeyError'>, "
            "defaultdict(<class 'int'>, {(1,): 2}), OrderedDict([('b', 1), ('a', 2)]), "
            "bytearray(b'\\x00'), P(x=1), D(a=1, b='x')]");
}

TEST(JsonLiteral, RichTagErrorsSayWhat) {
  auto error = [](std::string_view text) {
    auto v = ParseJsonLiteral(text);
    return v ? std::string("accepted") : v.error().message;
  };
  EXPECT_NE(error(R"({"$type": "Node"})").find("not one the wire carries"), std::string::npos);
  EXPECT_NE(error(R"({"$decimal": 1.5})").find("expected a string"), std::string::npos);
  EXPECT_NE(error(R"({"$deque": {"items": [1, 2], "maxlen": 1}})").find("maxlen"),
            std::string::npos);
  EXPECT_NE(error(R"({"$namedtuple": {"name": "P"}})").find("fields"), std::string::npos);
  EXPECT_NE(error(R"({"$nope": 1})").find("$namedtuple"), std::string::npos);
}

TEST(Repr, RichKindsLookLikePython) {
  EXPECT_EQ(Repr(Value::Complex(0, 1)), "1j");
  EXPECT_EQ(Repr(Value::Complex(1, -2)), "(1-2j)");
  EXPECT_EQ(Repr(Value::Complex(-0.0, 2)), "(-0+2j)");
  EXPECT_EQ(Repr(Value::Complex(1.5, std::nan(""))), "(1.5+nanj)");
  EXPECT_EQ(Repr(Value::FrozenSet({})), "frozenset()");
  EXPECT_EQ(Repr(Value::Counter({})), "Counter()");
  EXPECT_EQ(Repr(*Value::DefaultDict("", {})), "defaultdict(None, {})");
  EXPECT_EQ(Repr(Value::Handle("h1", "Node")), "<Node object of the solution>");
}

}  // namespace
}  // namespace proctor::grader
