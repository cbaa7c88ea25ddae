#include "grader/value.h"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace proctor::grader {

using nlohmann::json;

void throw_exception_from_error(const WireError& error, const boost::source_location&) {
  throw std::runtime_error(error.message);
}

std::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNone:
      return "none";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kFloat:
      return "float";
    case ValueKind::kStr:
      return "str";
    case ValueKind::kBytes:
      return "bytes";
    case ValueKind::kList:
      return "list";
    case ValueKind::kTuple:
      return "tuple";
    case ValueKind::kSet:
      return "set";
    case ValueKind::kDict:
      return "dict";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------
// Value

Value Value::Bool(bool b) {
  Value v;
  v.kind_ = ValueKind::kBool;
  v.bool_ = b;
  return v;
}

Value Value::Int(std::string decimal) {
  assert(NormalizeInt(decimal).has_value() && *NormalizeInt(decimal) == decimal);
  Value v;
  v.kind_ = ValueKind::kInt;
  v.text_ = std::move(decimal);
  return v;
}

Value Value::Int(int64_t i) { return Int(std::to_string(i)); }

Value Value::Float(double f) {
  Value v;
  v.kind_ = ValueKind::kFloat;
  v.float_ = f;
  return v;
}

Value Value::Str(std::string s) {
  Value v;
  v.kind_ = ValueKind::kStr;
  v.text_ = std::move(s);
  return v;
}

Value Value::Bytes(std::string b) {
  Value v;
  v.kind_ = ValueKind::kBytes;
  v.text_ = std::move(b);
  return v;
}

Value Value::List(Items items) {
  Value v;
  v.kind_ = ValueKind::kList;
  v.items_ = std::move(items);
  return v;
}

Value Value::Tuple(Items items) {
  Value v = List(std::move(items));
  v.kind_ = ValueKind::kTuple;
  return v;
}

Value Value::Set(Items items) {
  Value v = List(std::move(items));
  v.kind_ = ValueKind::kSet;
  return v;
}

Value Value::Dict(Entries entries) {
  Value v;
  v.kind_ = ValueKind::kDict;
  v.entries_ = std::move(entries);
  return v;
}

bool Value::is_container() const {
  return kind_ == ValueKind::kList || kind_ == ValueKind::kTuple || kind_ == ValueKind::kSet ||
         kind_ == ValueKind::kDict;
}

bool Value::bool_value() const {
  assert(kind_ == ValueKind::kBool);
  return bool_;
}
const std::string& Value::int_decimal() const {
  assert(kind_ == ValueKind::kInt);
  return text_;
}
double Value::float_value() const {
  assert(kind_ == ValueKind::kFloat);
  return float_;
}
const std::string& Value::str() const {
  assert(kind_ == ValueKind::kStr);
  return text_;
}
const std::string& Value::bytes() const {
  assert(kind_ == ValueKind::kBytes);
  return text_;
}
const Value::Items& Value::items() const {
  assert(kind_ == ValueKind::kList || kind_ == ValueKind::kTuple || kind_ == ValueKind::kSet);
  return items_;
}
const Value::Entries& Value::entries() const {
  assert(kind_ == ValueKind::kDict);
  return entries_;
}

int Depth(const Value& value) {
  int deepest = 0;
  switch (value.kind()) {
    case ValueKind::kList:
    case ValueKind::kTuple:
    case ValueKind::kSet:
      for (const Value& item : value.items()) deepest = std::max(deepest, Depth(item));
      return deepest + 1;
    case ValueKind::kDict:
      for (const auto& [k, v] : value.entries()) {
        deepest = std::max({deepest, Depth(k), Depth(v)});
      }
      return deepest + 1;
    default:
      return 0;
  }
}

// ---------------------------------------------------------------------------------------
// Ints

namespace {

// Bit length of a non-negative decimal digit string, by conversion to base 2**32. Only used
// for numbers near the cap (exactly kMaxIntDigits digits), so the quadratic cost is bounded.
int DecimalBitLength(std::string_view digits) {
  std::vector<uint32_t> limbs;  // little-endian
  size_t pos = 0;
  while (pos < digits.size()) {
    size_t chunk = (digits.size() - pos) % 9;
    if (chunk == 0 || pos > 0) chunk = 9;
    uint32_t add = 0, mul = 1;
    for (size_t i = 0; i < chunk; ++i) {
      add = add * 10 + static_cast<uint32_t>(digits[pos + i] - '0');
      mul *= 10;
    }
    pos += chunk;
    uint64_t carry = add;
    for (uint32_t& limb : limbs) {
      uint64_t t = static_cast<uint64_t>(limb) * mul + carry;
      limb = static_cast<uint32_t>(t);
      carry = t >> 32;
    }
    if (carry != 0) limbs.push_back(static_cast<uint32_t>(carry));
  }
  while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  if (limbs.empty()) return 0;
  return static_cast<int>(32 * (limbs.size() - 1)) + (32 - __builtin_clz(limbs.back()));
}

}  // namespace

WireResult<std::string> NormalizeInt(std::string_view text) {
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return WireError{"int: empty decimal"};
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return WireError{"int: \"" + std::string(text.substr(0, 40)) + "\" is not a decimal"};
    }
  }
  size_t first = digits.find_first_not_of('0');
  // WireError is constructible from a string, so string results are built in place.
  if (first == std::string_view::npos) {
    return WireResult<std::string>(boost::system::in_place_value, "0");
  }
  digits.remove_prefix(first);
  // IMPORTANT: the size check comes before any arithmetic on the digits.
  if (digits.size() > kMaxIntDigits ||
      (digits.size() == kMaxIntDigits && DecimalBitLength(digits) > kMaxIntBits)) {
    return WireError{"int: more than " + std::to_string(kMaxIntBits) + " bits"};
  }
  std::string out;
  out.reserve(digits.size() + 1);
  if (negative) out.push_back('-');
  out.append(digits);
  return WireResult<std::string>(boost::system::in_place_value, std::move(out));
}

// ---------------------------------------------------------------------------------------
// Floats

std::string FloatRepr(double f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  std::array<char, 64> buf;
  auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), f, std::chars_format::scientific);
  assert(ec == std::errc());
  std::string_view sci(buf.data(), static_cast<size_t>(end - buf.data()));
  std::string out;
  if (sci[0] == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = std::stoi(std::string(sci.substr(e_pos + 1)));
  int decpt = exponent + 1;  // digits d1 d2 ... mean 0.d1d2... * 10**decpt
  int ndigits = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {  // Python's repr switches to exponent notation here
    out += digits.substr(0, 1);
    if (ndigits > 1) out += "." + digits.substr(1);
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp_buf;
  } else if (decpt <= 0) {
    out += "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
  } else if (decpt >= ndigits) {
    out += digits + std::string(static_cast<size_t>(decpt - ndigits), '0') + ".0";
  } else {
    out += digits.substr(0, static_cast<size_t>(decpt)) + "." +
           digits.substr(static_cast<size_t>(decpt));
  }
  return out;
}

namespace {

WireResult<double> ParseFloatText(std::string_view text) {
  if (text == "nan") return std::nan("");
  if (text == "inf") return HUGE_VAL;
  if (text == "-inf") return -HUGE_VAL;
  double f = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), f, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || !std::isfinite(f)) {
    return WireError{"float: \"" + std::string(text.substr(0, 40)) +
                     "\" is not a float repr (or \"nan\", \"inf\", \"-inf\")"};
  }
  return f;
}

// ---------------------------------------------------------------------------------------
// Base64 (RFC 4648, with padding; decoding is strict)

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += kBase64Alphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

WireResult<std::string> Base64Decode(std::string_view in) {
  const WireError bad{"bytes: not valid base64"};
  if (in.size() % 4 != 0) return bad;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    uint32_t n = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = in[i + j];
      int d;
      if (c == '=') {
        // Padding only in the last quantum, only in its last two places, only trailing.
        if (i + 4 != in.size() || j < 2) return bad;
        ++pad;
        d = 0;
      } else {
        if (pad > 0) return bad;
        const char* p = std::strchr(kBase64Alphabet, c);
        if (c == '\0' || p == nullptr) return bad;
        d = static_cast<int>(p - kBase64Alphabet);
      }
      n = (n << 6) | static_cast<uint32_t>(d);
    }
    out += static_cast<char>((n >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return WireResult<std::string>(boost::system::in_place_value, std::move(out));
}

// ---------------------------------------------------------------------------------------
// Wire decoding

// Deepest [ / { nesting of a JSON text, strings skipped. Checked before nlohmann builds a DOM
// so that a hostile 4 MiB of "[" costs one linear scan and no allocation.
int JsonNesting(std::string_view text, int stop_above) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > stop_above) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// A dict level is three JSON levels ({"dict": [[k, v]]}); a scalar may add one ({"int": ..}).
constexpr int kMaxJsonNesting = 3 * kMaxWireDepth + 1;

std::string PathText(const std::string& path) { return path.empty() ? "top level" : path; }

WireError At(const std::string& path, const std::string& message) {
  return WireError{"at " + PathText(path) + ": " + message};
}

WireResult<Value> FromWire(const json& j, const std::string& path, int depth);

WireResult<Value::Items> WireItems(const json& j, const std::string& path, int depth,
                                   std::string_view tag) {
  if (!j.is_array()) return At(path, "\"" + std::string(tag) + "\" must hold an array");
  if (depth + 1 > kMaxWireDepth) {
    return At(path, "nested deeper than " + std::to_string(kMaxWireDepth));
  }
  Value::Items items;
  items.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    auto item = FromWire(j[i], path + "[" + std::to_string(i) + "]", depth + 1);
    if (!item) return item.error();
    items.push_back(std::move(*item));
  }
  return items;
}

WireResult<Value> FromWire(const json& j, const std::string& path, int depth) {
  switch (j.type()) {
    case json::value_t::null:
      return Value::None();
    case json::value_t::boolean:
      return Value::Bool(j.template get<bool>());
    case json::value_t::string:
      return Value::Str(j.template get<std::string>());
    case json::value_t::object:
      break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return At(path, "bare JSON number (ints are {\"int\": \"..\"}, floats {\"float\": \"..\"})");
    default:
      return At(path, std::string("unexpected JSON ") + j.type_name());
  }
  if (j.size() != 1) return At(path, "a tagged object must have exactly one key");
  const auto& [tag, body] = *j.items().begin();
  if (tag == "int" || tag == "float" || tag == "bytes") {
    if (!body.is_string()) return At(path, "\"" + tag + "\" must hold a string");
    const auto& text = body.template get_ref<const std::string&>();
    if (tag == "int") {
      auto decimal = NormalizeInt(text);
      if (!decimal) return At(path, decimal.error().message);
      return Value::Int(std::move(*decimal));
    }
    if (tag == "float") {
      auto f = ParseFloatText(text);
      if (!f) return At(path, f.error().message);
      return Value::Float(*f);
    }
    auto raw = Base64Decode(text);
    if (!raw) return At(path, raw.error().message);
    return Value::Bytes(std::move(*raw));
  }
  if (tag == "list" || tag == "tuple" || tag == "set") {
    auto items = WireItems(body, path, depth, tag);
    if (!items) return items.error();
    if (tag == "list") return Value::List(std::move(*items));
    if (tag == "tuple") return Value::Tuple(std::move(*items));
    return Value::Set(std::move(*items));
  }
  if (tag == "dict") {
    if (!body.is_array()) return At(path, "\"dict\" must hold an array of [key, value]");
    if (depth + 1 > kMaxWireDepth) {
      return At(path, "nested deeper than " + std::to_string(kMaxWireDepth));
    }
    Value::Entries entries;
    entries.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
      std::string item_path = path + "[" + std::to_string(i) + "]";
      const json& pair = body[i];
      if (!pair.is_array() || pair.size() != 2) return At(item_path, "not a [key, value] pair");
      auto key = FromWire(pair[0], item_path + ".key", depth + 1);
      if (!key) return key.error();
      auto value = FromWire(pair[1], item_path + ".value", depth + 1);
      if (!value) return value.error();
      entries.emplace_back(std::move(*key), std::move(*value));
    }
    return Value::Dict(std::move(entries));
  }
  return At(path, "unknown tag \"" + tag.substr(0, 40) + "\"");
}

}  // namespace

WireResult<Value> ValueFromWireJson(const json& j) { return FromWire(j, "", 0); }

WireResult<Value> ParseWire(std::string_view text) {
  if (text.size() > kMaxWireBytes) {
    return WireError{"message of " + std::to_string(text.size()) + " bytes exceeds the cap of " +
                     std::to_string(kMaxWireBytes)};
  }
  if (JsonNesting(text, kMaxJsonNesting) > kMaxJsonNesting) {
    return WireError{"nested deeper than " + std::to_string(kMaxWireDepth)};
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return WireError{"not valid JSON"};
  return FromWire(j, "", 0);
}

// ---------------------------------------------------------------------------------------
// Wire encoding

json ValueToWireJson(const Value& value) {
  auto sequence = [](const Value::Items& items) {
    json array = json::array();
    for (const Value& item : items) array.push_back(ValueToWireJson(item));
    return array;
  };
  switch (value.kind()) {
    case ValueKind::kNone:
      return nullptr;
    case ValueKind::kBool:
      return value.bool_value();
    case ValueKind::kInt:
      return {{"int", value.int_decimal()}};
    case ValueKind::kFloat:
      return {{"float", FloatRepr(value.float_value())}};
    case ValueKind::kStr:
      return value.str();
    case ValueKind::kBytes:
      return {{"bytes", Base64Encode(value.bytes())}};
    case ValueKind::kList:
      return {{"list", sequence(value.items())}};
    case ValueKind::kTuple:
      return {{"tuple", sequence(value.items())}};
    case ValueKind::kSet:
      return {{"set", sequence(value.items())}};
    case ValueKind::kDict: {
      json pairs = json::array();
      for (const auto& [k, v] : value.entries()) {
        pairs.push_back(json::array({ValueToWireJson(k), ValueToWireJson(v)}));
      }
      return {{"dict", std::move(pairs)}};
    }
  }
  return nullptr;
}

std::string ToWire(const Value& value) {
  return ValueToWireJson(value).dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------------------
// Literals in task files

namespace {

template <typename J>
WireResult<Value> FromLiteral(const J& j, const std::string& path, int depth);

template <typename J>
WireResult<Value::Items> LiteralItems(const J& j, const std::string& path, int depth) {
  if (!j.is_array()) return At(path, "expected an array");
  if (depth + 1 > kMaxWireDepth) {
    return At(path, "nested deeper than " + std::to_string(kMaxWireDepth));
  }
  Value::Items items;
  for (size_t i = 0; i < j.size(); ++i) {
    auto item = FromLiteral(j[i], path + "[" + std::to_string(i) + "]", depth + 1);
    if (!item) return item.error();
    items.push_back(std::move(*item));
  }
  return items;
}

template <typename J>
WireResult<Value> FromLiteral(const J& j, const std::string& path, int depth) {
  switch (j.type()) {
    case json::value_t::null:
      return Value::None();
    case json::value_t::boolean:
      return Value::Bool(j.template get<bool>());
    case json::value_t::number_integer:
      return Value::Int(j.template get<int64_t>());
    case json::value_t::number_unsigned:
      return Value::Int(std::to_string(j.template get<uint64_t>()));
    case json::value_t::number_float:
      return Value::Float(j.template get<double>());
    case json::value_t::string:
      return Value::Str(j.template get<std::string>());
    case json::value_t::array: {
      auto items = LiteralItems(j, path, depth);
      if (!items) return items.error();
      return Value::List(std::move(*items));
    }
    case json::value_t::object:
      break;
    default:
      return At(path, std::string("unexpected JSON ") + j.type_name());
  }
  if (j.size() == 1 && !j.begin().key().empty() && j.begin().key()[0] == '$') {
    const std::string& tag = j.begin().key();
    const J& body = j.begin().value();
    std::string tag_path = path + "." + tag;
    if (tag == "$list" || tag == "$tuple" || tag == "$set") {
      auto items = LiteralItems(body, tag_path, depth);
      if (!items) return items.error();
      if (tag == "$list") return Value::List(std::move(*items));
      if (tag == "$tuple") return Value::Tuple(std::move(*items));
      return Value::Set(std::move(*items));
    }
    if (tag == "$dict") {
      if (!body.is_array()) return At(tag_path, "expected an array of [key, value] pairs");
      if (depth + 1 > kMaxWireDepth) {
        return At(path, "nested deeper than " + std::to_string(kMaxWireDepth));
      }
      Value::Entries entries;
      for (size_t i = 0; i < body.size(); ++i) {
        std::string item_path = tag_path + "[" + std::to_string(i) + "]";
        if (!body[i].is_array() || body[i].size() != 2) {
          return At(item_path, "not a [key, value] pair");
        }
        auto key = FromLiteral(body[i][0], item_path, depth + 1);
        if (!key) return key.error();
        auto value = FromLiteral(body[i][1], item_path, depth + 1);
        if (!value) return value.error();
        entries.emplace_back(std::move(*key), std::move(*value));
      }
      return Value::Dict(std::move(entries));
    }
    if (tag == "$int") {
      if (body.is_number_integer()) return FromLiteral(body, tag_path, depth);
      if (!body.is_string()) return At(tag_path, "expected a decimal string");
      auto decimal = NormalizeInt(body.template get_ref<const std::string&>());
      if (!decimal) return At(tag_path, decimal.error().message);
      return Value::Int(std::move(*decimal));
    }
    if (tag == "$float") {
      if (body.is_number()) return Value::Float(body.template get<double>());
      if (!body.is_string()) return At(tag_path, "expected a number or \"nan\", \"inf\", \"-inf\"");
      auto f = ParseFloatText(body.template get_ref<const std::string&>());
      if (!f) return At(tag_path, f.error().message);
      return Value::Float(*f);
    }
    if (tag == "$bytes") {
      if (!body.is_string()) return At(tag_path, "expected a base64 string");
      auto raw = Base64Decode(body.template get_ref<const std::string&>());
      if (!raw) return At(tag_path, raw.error().message);
      return Value::Bytes(std::move(*raw));
    }
    if (tag == "$str") {
      if (!body.is_string()) return At(tag_path, "expected a string");
      return Value::Str(body.template get<std::string>());
    }
    return At(path, "unknown tag \"" + tag +
                        "\" (expected one of $list, $tuple, $set, $dict, $int, $float, $bytes, "
                        "$str; write a dict with such a key as {\"$dict\": [[k, v]]})");
  }
  if (depth + 1 > kMaxWireDepth) {
    return At(path, "nested deeper than " + std::to_string(kMaxWireDepth));
  }
  Value::Entries entries;
  for (const auto& [key, body] : j.items()) {
    auto value = FromLiteral(body, path + "." + key, depth + 1);
    if (!value) return value.error();
    entries.emplace_back(Value::Str(key), std::move(*value));
  }
  return Value::Dict(std::move(entries));
}

// Builds a DOM like nlohmann's own parser, but keeps integers too large for 64 bits exact by
// storing them as {"$int": "<digits>"}, and keeps object keys in written order (ordered_json),
// since a dict argument's insertion order is visible to the solution.
class LiteralSax : public nlohmann::json_sax<nlohmann::ordered_json> {
 public:
  using J = nlohmann::ordered_json;
  bool null() override { return Put(J(nullptr)); }
  bool boolean(bool b) override { return Put(J(b)); }
  bool number_integer(number_integer_t i) override { return Put(J(i)); }
  bool number_unsigned(number_unsigned_t u) override { return Put(J(u)); }
  bool number_float(number_float_t f, const string_t& text) override {
    if (text.find_first_of(".eE") == string_t::npos) return Put(J{{"$int", text}});
    return Put(J(f));
  }
  bool string(string_t& s) override { return Put(J(std::move(s))); }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override { return Open(J::object()); }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(J::array()); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    error_ = e.what();
    return false;
  }

  J root;
  std::string error_;
  bool too_deep = false;

 private:
  bool Put(J value) {
    Insert(std::move(value));
    return true;
  }
  J* Insert(J value) {
    if (stack_.empty()) {
      root = std::move(value);
      return &root;
    }
    J& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      return &top.back();
    }
    top[key_] = std::move(value);
    return &top[key_];
  }
  bool Open(J value) {
    if (stack_.size() >= static_cast<size_t>(kMaxJsonNesting)) {
      too_deep = true;
      return false;
    }
    stack_.push_back(Insert(std::move(value)));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  std::vector<J*> stack_;
  std::string key_;
};

}  // namespace

WireResult<Value> FromJsonLiteral(const json& j) { return FromLiteral(j, "", 0); }

WireResult<Value> ParseJsonLiteral(std::string_view text) {
  LiteralSax sax;
  bool ok = nlohmann::ordered_json::sax_parse(text, &sax);
  if (sax.too_deep) return WireError{"nested deeper than " + std::to_string(kMaxWireDepth)};
  if (!ok) return WireError{"not valid JSON: " + sax.error_};
  return FromLiteral(sax.root, "", 0);
}

// ---------------------------------------------------------------------------------------
// Repr

namespace {

class ReprWriter {
 public:
  explicit ReprWriter(size_t max_chars) : max_(max_chars) {}

  bool full() const { return out_.size() > max_; }

  void Put(std::string_view s) {
    if (!full()) out_.append(s);
  }

  void Quoted(std::string_view s, bool is_bytes) {
    bool has_single = s.find('\'') != std::string_view::npos;
    bool has_double = s.find('"') != std::string_view::npos;
    char quote = has_single && !has_double ? '"' : '\'';
    if (is_bytes) Put("b");
    Put(std::string_view(&quote, 1));
    for (unsigned char c : s) {
      if (full()) return;
      char buf[8];
      if (c == '\\' || c == static_cast<unsigned char>(quote)) {
        buf[0] = '\\';
        buf[1] = static_cast<char>(c);
        Put(std::string_view(buf, 2));
      } else if (c == '\n') {
        Put("\\n");
      } else if (c == '\r') {
        Put("\\r");
      } else if (c == '\t') {
        Put("\\t");
      } else if (c < 0x20 || c == 0x7f || (is_bytes && c >= 0x80)) {
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        Put(buf);
      } else {
        char ch = static_cast<char>(c);
        Put(std::string_view(&ch, 1));
      }
    }
    Put(std::string_view(&quote, 1));
  }

  void Write(const Value& v) {
    if (full()) return;
    switch (v.kind()) {
      case ValueKind::kNone:
        return Put("None");
      case ValueKind::kBool:
        return Put(v.bool_value() ? "True" : "False");
      case ValueKind::kInt:
        return Put(v.int_decimal());
      case ValueKind::kFloat:
        return Put(FloatRepr(v.float_value()));
      case ValueKind::kStr:
        return Quoted(v.str(), false);
      case ValueKind::kBytes:
        return Quoted(v.bytes(), true);
      case ValueKind::kList:
        return Items(v.items(), "[", "]");
      case ValueKind::kTuple:
        Items(v.items(), "(", v.items().size() == 1 ? ",)" : ")");
        return;
      case ValueKind::kSet:
        if (v.items().empty()) return Put("set()");
        return Items(v.items(), "{", "}");
      case ValueKind::kDict: {
        Put("{");
        bool first = true;
        for (const auto& [key, value] : v.entries()) {
          if (full()) return;
          if (!first) Put(", ");
          first = false;
          Write(key);
          Put(": ");
          Write(value);
        }
        return Put("}");
      }
    }
  }

  std::string Finish() {
    if (out_.size() > max_) {
      size_t keep = max_ >= 3 ? max_ - 3 : 0;
      out_.resize(keep);
      out_ += "...";
    }
    return std::move(out_);
  }

 private:
  void Items(const Value::Items& items, std::string_view open, std::string_view close) {
    Put(open);
    for (size_t i = 0; i < items.size() && !full(); ++i) {
      if (i > 0) Put(", ");
      Write(items[i]);
    }
    Put(close);
  }

  size_t max_;
  std::string out_;
};

}  // namespace

std::string Repr(const Value& value, size_t max_chars) {
  ReprWriter writer(max_chars);
  writer.Write(value);
  return writer.Finish();
}

}  // namespace proctor::grader
