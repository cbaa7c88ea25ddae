#include "grader/value.h"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <memory>
#include <regex>
#include <set>
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
    case ValueKind::kFrozenSet:
      return "frozenset";
    case ValueKind::kByteArray:
      return "bytearray";
    case ValueKind::kComplex:
      return "complex";
    case ValueKind::kFraction:
      return "fraction";
    case ValueKind::kDecimal:
      return "decimal";
    case ValueKind::kCounter:
      return "counter";
    case ValueKind::kOrderedDict:
      return "ordereddict";
    case ValueKind::kDefaultDict:
      return "defaultdict";
    case ValueKind::kDeque:
      return "deque";
    case ValueKind::kNamedTuple:
      return "namedtuple";
    case ValueKind::kDataclass:
      return "dataclass";
    case ValueKind::kType:
      return "type";
    case ValueKind::kHandle:
      return "handle";
  }
  return "?";
}

const std::vector<std::string_view>& WireTypeNames() {
  // The same list as TYPE_NAMES in grader/python/proctor_wire.py (tests/python checks it).
  static const std::vector<std::string_view> kTypeNames = {
      // kTypeNames begin
      "bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list",
      "object", "range", "set", "slice", "str", "tuple", "type",
      "ArithmeticError", "AssertionError", "AttributeError", "BaseException",
      "BaseExceptionGroup", "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning",
      "ChildProcessError", "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError",
      "ConnectionResetError", "DeprecationWarning", "EOFError", "EncodingWarning", "Exception",
      "ExceptionGroup", "FileExistsError", "FileNotFoundError", "FloatingPointError",
      "FutureWarning", "GeneratorExit", "ImportError", "ImportWarning", "IndentationError",
      "IndexError", "InterruptedError", "IsADirectoryError", "KeyError", "KeyboardInterrupt",
      "LookupError", "MemoryError", "ModuleNotFoundError", "NameError", "NotADirectoryError",
      "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning",
      "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError",
      "ResourceWarning", "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration",
      "SyntaxError", "SyntaxWarning", "SystemError", "SystemExit", "TabError", "TimeoutError",
      "TypeError", "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError",
      "UnicodeError", "UnicodeTranslateError", "UnicodeWarning", "UserWarning", "ValueError",
      "Warning", "ZeroDivisionError",
      "collections.Counter", "collections.OrderedDict", "collections.defaultdict",
      "collections.deque", "decimal.Decimal", "fractions.Fraction",
      // kTypeNames end
  };
  return kTypeNames;
}

bool IsWireTypeName(std::string_view name) {
  static const std::set<std::string_view> kSet(WireTypeNames().begin(), WireTypeNames().end());
  return kSet.count(name) > 0;
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

Value Value::FrozenSet(Items items) {
  Value v = List(std::move(items));
  v.kind_ = ValueKind::kFrozenSet;
  return v;
}

Value Value::ByteArray(std::string b) {
  Value v = Bytes(std::move(b));
  v.kind_ = ValueKind::kByteArray;
  return v;
}

Value Value::Complex(double real, double imag) {
  Value v;
  v.kind_ = ValueKind::kComplex;
  v.float_ = real;
  auto extra = std::make_shared<Extra>();
  extra->imag = imag;
  v.extra_ = std::move(extra);
  return v;
}

Value Value::Counter(Entries entries) {
  Value v = Dict(std::move(entries));
  v.kind_ = ValueKind::kCounter;
  return v;
}

Value Value::OrderedDict(Entries entries) {
  Value v = Dict(std::move(entries));
  v.kind_ = ValueKind::kOrderedDict;
  return v;
}

Value Value::Deque(Items items, std::optional<int64_t> maxlen) {
  Value v = List(std::move(items));
  v.kind_ = ValueKind::kDeque;
  if (maxlen) {
    auto extra = std::make_shared<Extra>();
    extra->maxlen = maxlen;
    v.extra_ = std::move(extra);
  }
  return v;
}

Value Value::Handle(std::string id, std::string class_name) {
  Value v;
  v.kind_ = ValueKind::kHandle;
  auto extra = std::make_shared<Extra>();
  extra->text2 = std::move(id);
  v.extra_ = std::move(extra);
  v.text_ = std::move(class_name);
  return v;
}

WireResult<Value> Value::DefaultDict(std::string factory, Entries entries) {
  if (!factory.empty() && !IsWireTypeName(factory)) {
    return WireError{"defaultdict: factory \"" + factory.substr(0, 40) +
                     "\" is not null or a type the wire carries"};
  }
  Value v = Dict(std::move(entries));
  v.kind_ = ValueKind::kDefaultDict;
  v.text_ = std::move(factory);
  return v;
}

WireResult<Value> Value::Type(std::string name) {
  if (!IsWireTypeName(name)) {
    return WireError{"type \"" + name.substr(0, 40) +
                     "\" is not one the wire carries (builtin types and exceptions, "
                     "collections.Counter, ... : docs/wire-format.md)"};
  }
  Value v;
  v.kind_ = ValueKind::kType;
  v.text_ = std::move(name);
  return v;
}

bool Value::is_container() const { return has_items() || has_entries(); }

bool Value::has_items() const {
  return kind_ == ValueKind::kList || kind_ == ValueKind::kTuple || kind_ == ValueKind::kSet ||
         kind_ == ValueKind::kFrozenSet || kind_ == ValueKind::kDeque ||
         kind_ == ValueKind::kNamedTuple || kind_ == ValueKind::kDataclass;
}

bool Value::has_entries() const {
  return kind_ == ValueKind::kDict || kind_ == ValueKind::kCounter ||
         kind_ == ValueKind::kOrderedDict || kind_ == ValueKind::kDefaultDict;
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
  assert(kind_ == ValueKind::kBytes || kind_ == ValueKind::kByteArray);
  return text_;
}
const Value::Items& Value::items() const {
  assert(has_items());
  return items_;
}
const Value::Entries& Value::entries() const {
  assert(has_entries());
  return entries_;
}
const Value::Extra& Value::extra() const {
  static const Extra kNone;
  return extra_ ? *extra_ : kNone;
}

double Value::complex_real() const {
  assert(kind_ == ValueKind::kComplex);
  return float_;
}
double Value::complex_imag() const {
  assert(kind_ == ValueKind::kComplex);
  return extra().imag;
}
const std::string& Value::numerator() const {
  assert(kind_ == ValueKind::kFraction);
  return text_;
}
const std::string& Value::denominator() const {
  assert(kind_ == ValueKind::kFraction);
  return extra().text2;
}
const std::string& Value::decimal_text() const {
  assert(kind_ == ValueKind::kDecimal);
  return text_;
}
const std::string& Value::default_factory() const {
  assert(kind_ == ValueKind::kDefaultDict);
  return text_;
}
std::optional<int64_t> Value::maxlen() const {
  assert(kind_ == ValueKind::kDeque);
  return extra().maxlen;
}
const std::string& Value::type_name() const {
  assert(kind_ == ValueKind::kNamedTuple || kind_ == ValueKind::kDataclass ||
         kind_ == ValueKind::kType ||
         kind_ == ValueKind::kHandle);
  return text_;
}
const std::vector<std::string>& Value::field_names() const {
  assert(kind_ == ValueKind::kNamedTuple || kind_ == ValueKind::kDataclass);
  return extra().fields;
}
bool Value::dataclass_frozen() const {
  assert(kind_ == ValueKind::kDataclass);
  return extra().frozen;
}
bool Value::dataclass_order() const {
  assert(kind_ == ValueKind::kDataclass);
  return extra().order;
}
const std::string& Value::handle_id() const {
  assert(kind_ == ValueKind::kHandle);
  return extra().text2;
}

int Depth(const Value& value) {
  int deepest = 0;
  if (value.has_items()) {
    for (const Value& item : value.items()) deepest = std::max(deepest, Depth(item));
    return deepest + 1;
  }
  if (value.has_entries()) {
    for (const auto& [k, v] : value.entries()) deepest = std::max({deepest, Depth(k), Depth(v)});
    return deepest + 1;
  }
  return 0;
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
// Fractions: normalized with OpenSSL's BIGNUM (both parts are within the int cap already)

namespace {

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn BnFromDecimal(const std::string& decimal) {
  BIGNUM* bn = nullptr;
  if (BN_dec2bn(&bn, decimal.c_str()) != static_cast<int>(decimal.size())) {
    BN_free(bn);
    return nullptr;
  }
  return Bn(bn);
}

std::string BnToDecimal(const BIGNUM* bn) {
  char* text = BN_bn2dec(bn);
  if (text == nullptr) return "";
  std::string out = std::strcmp(text, "-0") == 0 ? "0" : text;
  OPENSSL_free(text);
  return out;
}

}  // namespace

WireResult<Value> Value::Fraction(std::string_view numerator, std::string_view denominator) {
  auto num_text = NormalizeInt(numerator);
  if (!num_text) return WireError{"fraction numerator: " + num_text.error().message};
  auto den_text = NormalizeInt(denominator);
  if (!den_text) return WireError{"fraction denominator: " + den_text.error().message};
  if (*den_text == "0") return WireError{"fraction: the denominator is 0"};
  Bn num = BnFromDecimal(*num_text), den = BnFromDecimal(*den_text), gcd(BN_new());
  Bn num_out(BN_new()), den_out(BN_new());
  BN_CTX* ctx = BN_CTX_new();
  bool ok = num && den && gcd && num_out && den_out && ctx &&
            BN_gcd(gcd.get(), num.get(), den.get(), ctx) == 1 &&
            BN_div(num_out.get(), nullptr, num.get(), gcd.get(), ctx) == 1 &&
            BN_div(den_out.get(), nullptr, den.get(), gcd.get(), ctx) == 1;
  BN_CTX_free(ctx);
  if (!ok) return WireError{"fraction: cannot normalize (out of memory)"};
  if (BN_is_negative(den_out.get())) {  // the sign lives in the numerator, as in Python
    BN_set_negative(den_out.get(), 0);
    BN_set_negative(num_out.get(), !BN_is_negative(num_out.get()));
  }
  Value v;
  v.kind_ = ValueKind::kFraction;
  v.text_ = BnToDecimal(num_out.get());
  std::string denominator_text = BnToDecimal(den_out.get());
  if (v.text_.empty() || denominator_text.empty()) return WireError{"fraction: out of memory"};
  auto extra = std::make_shared<Extra>();
  extra->text2 = std::move(denominator_text);
  v.extra_ = std::move(extra);
  return v;
}

// ---------------------------------------------------------------------------------------
// Decimals

namespace {

// A Decimal as Python holds it: sign, then a coefficient and exponent, or a special.
struct DecimalParts {
  bool negative = false;
  enum class Special { kFinite, kInfinity, kNaN, kSignalingNaN } special = Special::kFinite;
  std::string digits;  // coefficient without leading zeros ("0" for zero); NaN: the payload
  int64_t exponent = 0;
};

// As proctor_wire: Decimal's exponents reach decimal.MIN_ETINY, -1999999999999999997.
constexpr size_t kMaxExponentDigits = 19;

WireResult<DecimalParts> ParseDecimalText(std::string_view text) {
  const WireError bad{"decimal: \"" + std::string(text.substr(0, 40)) +
                      "\" is not a Decimal (\"1.10\", \"-1E+5\", \"Infinity\", \"NaN\")"};
  if (text.size() > kMaxIntDigits + 40) return WireError{"decimal: longer than the cap"};
  DecimalParts d;
  std::string_view rest = text;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    d.negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  std::string lower;
  for (char c : rest) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto all_digits = [](std::string_view t) {
    return std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (lower == "inf" || lower == "infinity") {
    d.special = DecimalParts::Special::kInfinity;
    return d;
  }
  for (auto [prefix, special] : {std::pair{std::string_view("snan"), DecimalParts::Special::kSignalingNaN},
                                 std::pair{std::string_view("nan"), DecimalParts::Special::kNaN}}) {
    if (lower.rfind(prefix, 0) == 0) {
      std::string_view payload = std::string_view(lower).substr(prefix.size());
      if (!all_digits(payload) || payload.size() > kMaxIntDigits) return bad;
      size_t first = payload.find_first_not_of('0');
      d.special = special;
      d.digits = first == std::string_view::npos ? "" : std::string(payload.substr(first));
      return d;
    }
  }
  size_t e = lower.find('e');
  std::string_view mantissa = std::string_view(lower).substr(0, e);
  int64_t exponent = 0;
  if (e != std::string::npos) {
    std::string_view exp_text = std::string_view(lower).substr(e + 1);
    bool exp_negative = false;
    if (!exp_text.empty() && (exp_text[0] == '-' || exp_text[0] == '+')) {
      exp_negative = exp_text[0] == '-';
      exp_text.remove_prefix(1);
    }
    if (exp_text.empty() || !all_digits(exp_text)) return bad;
    size_t first = exp_text.find_first_not_of('0');
    exp_text = first == std::string_view::npos ? "0" : exp_text.substr(first);
    if (exp_text.size() > kMaxExponentDigits ||
        std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent).ec !=
            std::errc() ||
        exponent > 4 * int64_t{1000000000000000000}) {
      return WireError{"decimal: exponent beyond 4 * 10**18"};
    }
    if (exp_negative) exponent = -exponent;
  }
  size_t point = mantissa.find('.');
  std::string_view whole = mantissa.substr(0, point);
  std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : mantissa.substr(point + 1);
  if ((whole.empty() && fraction.empty()) || !all_digits(whole) || !all_digits(fraction)) {
    return bad;
  }
  std::string digits = std::string(whole) + std::string(fraction);
  size_t first = digits.find_first_not_of('0');
  d.digits = first == std::string::npos ? "0" : digits.substr(first);
  if (d.digits.size() > kMaxIntDigits) return WireError{"decimal: more digits than the cap"};
  d.exponent = exponent - static_cast<int64_t>(fraction.size());
  return d;
}

// Python's str() of a Decimal (to-scientific-string, _pydecimal's __str__).
std::string DecimalToText(const DecimalParts& d) {
  std::string sign = d.negative ? "-" : "";
  switch (d.special) {
    case DecimalParts::Special::kInfinity:
      return sign + "Infinity";
    case DecimalParts::Special::kNaN:
      return sign + "NaN" + d.digits;
    case DecimalParts::Special::kSignalingNaN:
      return sign + "sNaN" + d.digits;
    case DecimalParts::Special::kFinite:
      break;
  }
  const int64_t size = static_cast<int64_t>(d.digits.size());
  const int64_t left_digits = d.exponent + size;
  const int64_t dot = d.exponent <= 0 && left_digits > -6 ? left_digits : 1;
  std::string out = sign;
  if (dot <= 0) {
    out += "0." + std::string(static_cast<size_t>(-dot), '0') + d.digits;
  } else if (dot >= size) {
    out += d.digits + std::string(static_cast<size_t>(dot - size), '0');
  } else {
    out += d.digits.substr(0, static_cast<size_t>(dot)) + "." +
           d.digits.substr(static_cast<size_t>(dot));
  }
  if (left_digits != dot) {
    int64_t shown = left_digits - dot;
    out += std::string("E") + (shown < 0 ? "-" : "+") + std::to_string(shown < 0 ? -shown : shown);
  }
  return out;
}

}  // namespace

WireResult<Value> Value::Decimal(std::string_view text) {
  auto parts = ParseDecimalText(text);
  if (!parts) return parts.error();
  Value v;
  v.kind_ = ValueKind::kDecimal;
  v.text_ = DecimalToText(*parts);
  return v;
}

std::string DecimalEqualityKey(const Value& value) {
  DecimalParts d = *ParseDecimalText(value.decimal_text());
  switch (d.special) {
    case DecimalParts::Special::kInfinity:
      return d.negative ? "-inf" : "inf";
    case DecimalParts::Special::kNaN:
    case DecimalParts::Special::kSignalingNaN:
      return "nan";  // any NaN matches an expected NaN, as for floats
    case DecimalParts::Special::kFinite:
      break;
  }
  if (d.digits == "0") return "0";  // 0 == -0 == 0E-7
  size_t last = d.digits.find_last_not_of('0');
  int64_t exponent = d.exponent + static_cast<int64_t>(d.digits.size() - 1 - last);
  return (d.negative ? "-" : "") + d.digits.substr(0, last + 1) + "E" + std::to_string(exponent);
}

// ---------------------------------------------------------------------------------------
// Named tuples

namespace {

bool IsPythonIdentifier(std::string_view name) {
  static const std::set<std::string_view> kKeywords = {
      "False", "None",   "True",     "and",   "as",     "assert", "async",
      "await", "break",  "class",    "continue", "def", "del",    "elif",
      "else",  "except", "finally",  "for",   "from",   "global", "if",
      "import", "in",    "is",       "lambda", "nonlocal", "not", "or",
      "pass",  "raise",  "return",   "try",   "while",  "with",   "yield"};
  if (name.empty() || name.size() > 200 || kKeywords.count(name)) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    // Bytes of non-ASCII letters pass (Python allows identifiers like "größe"; its own
    // decoder checks them exactly): the name is only shown and compared here.
    bool ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

}  // namespace

WireResult<Value> Value::NamedTuple(std::string name, std::vector<std::string> fields,
                                    Items values) {
  if (!IsPythonIdentifier(name)) {
    return WireError{"namedtuple: name \"" + name.substr(0, 40) + "\" is not an identifier"};
  }
  if (fields.size() > 255) return WireError{"namedtuple: more than 255 fields"};
  std::set<std::string> seen;
  for (const std::string& f : fields) {
    if (!IsPythonIdentifier(f) || f[0] == '_') {
      return WireError{"namedtuple: field \"" + f.substr(0, 40) +
                       "\" is not an identifier without a leading _"};
    }
    if (!seen.insert(f).second) return WireError{"namedtuple: field \"" + f + "\" repeated"};
  }
  if (values.size() != fields.size()) {
    return WireError{"namedtuple: " + std::to_string(fields.size()) + " fields but " +
                     std::to_string(values.size()) + " values"};
  }
  Value v = List(std::move(values));
  v.kind_ = ValueKind::kNamedTuple;
  v.text_ = std::move(name);
  auto extra = std::make_shared<Extra>();
  extra->fields = std::move(fields);
  v.extra_ = std::move(extra);
  return v;
}

WireResult<Value> Value::Dataclass(std::string name, std::vector<std::string> fields,
                                   Items values, bool frozen, bool order) {
  auto shaped = NamedTuple(std::move(name), std::move(fields), std::move(values));
  if (!shaped) {
    std::string message = shaped.error().message;
    return WireError{"dataclass" + message.substr(std::string("namedtuple").size())};
  }
  Value v = std::move(*shaped);
  v.kind_ = ValueKind::kDataclass;
  auto extra = std::make_shared<Extra>(*v.extra_);
  extra->frozen = frozen;
  extra->order = order;
  v.extra_ = std::move(extra);
  return v;
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
// Base64 (RFC 4648, with padding), by OpenSSL's EVP block coder. Decoding is strict: OpenSSL
// skips surrounding whitespace and reports pad bytes as zeros, so the text is checked first.

std::string Base64Encode(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

WireResult<std::string> Base64Decode(std::string_view in) {
  const WireError bad{"bytes: not valid base64"};
  if (in.size() % 4 != 0) return bad;
  size_t pad = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '=') {
      // Padding only in the last quantum, only in its last two places, only trailing.
      if (i + 2 < in.size()) return bad;
      ++pad;
    } else if (pad > 0 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '+' || c == '/')) {
      return bad;
    }
  }
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) return bad;
  out.resize(out.size() - pad);
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

// A defaultdict level is four JSON levels ({"defaultdict": {"items": [[k, v]]}}), a dict
// three; a scalar may add two ({"handle": {"id": ..}}, {"deque": {"maxlen": {"int": ..}}}).
constexpr int kMaxJsonNesting = 4 * kMaxWireDepth + 2;

std::string PathText(const std::string& path) { return path.empty() ? "top level" : path; }

WireError At(const std::string& path, const std::string& message) {
  return WireError{"at " + PathText(path) + ": " + message};
}

WireResult<Value> FromWire(const json& j, const std::string& path, int depth);
WireResult<Value> FromRichWire(const std::string& tag, const json& body, const std::string& path,
                               int depth);

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
  // Through the object's own iterator: `*j.items().begin()` would bind to a temporary that
  // is gone by the next line (found by fuzz/wire_decode_fuzz.cc: stack-use-after-scope).
  const json::const_iterator entry = j.begin();
  const std::string& tag = entry.key();
  const json& body = entry.value();
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
  return FromRichWire(tag, body, path, depth);
}

// Checks that a tagged value's JSON-object body has exactly `keys`.
std::optional<WireError> BodyKeys(const json& body, const std::string& tag,
                                  std::initializer_list<std::string_view> keys,
                                  const std::string& path) {
  if (!body.is_object() || body.size() != keys.size()) {
    return At(path, "\"" + tag + "\" must hold an object with exactly the keys " +
                        [&] {
                          std::string all;
                          for (std::string_view k : keys) all += (all.empty() ? "" : ", ") + std::string(k);
                          return all;
                        }());
  }
  for (std::string_view k : keys) {
    if (!body.contains(std::string(k))) return At(path, "\"" + tag + "\" needs \"" + std::string(k) + "\"");
  }
  return std::nullopt;
}

WireResult<Value::Entries> WireEntries(const json& body, const std::string& path, int depth,
                                       const std::string& tag) {
  if (!body.is_array()) return At(path, "\"" + tag + "\" must hold an array of [key, value]");
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
  return entries;
}

WireResult<Value> Located(WireResult<Value> value, const std::string& path) {
  if (!value) return At(path, value.error().message);
  return value;
}

WireResult<Value> FromRichWire(const std::string& tag, const json& body, const std::string& path,
                               int depth) {
  if (tag == "frozenset" || tag == "deque" || tag == "namedtuple" || tag == "dataclass") {
    const json* items_json = &body;
    std::optional<int64_t> maxlen;
    if (tag == "deque") {
      if (auto bad = BodyKeys(body, tag, {"maxlen", "items"}, path)) return *bad;
      const json& m = body["maxlen"];
      if (!m.is_null()) {
        auto n = FromWire(m, path + ".maxlen", depth + 1);
        if (!n) return n.error();
        int64_t value = -1;
        if (n->kind() == ValueKind::kInt) {
          const std::string& d = n->int_decimal();
          std::from_chars(d.data(), d.data() + d.size(), value);
        }
        if (value < 0) return At(path, "deque maxlen out of range");
        maxlen = value;
      }
      items_json = &body["items"];
    } else if (tag == "namedtuple") {
      if (auto bad = BodyKeys(body, tag, {"name", "fields", "values"}, path)) return *bad;
      items_json = &body["values"];
    } else if (tag == "dataclass") {
      if (auto bad = BodyKeys(body, tag, {"name", "fields", "frozen", "order", "values"}, path)) {
        return *bad;
      }
      if (!body["frozen"].is_boolean() || !body["order"].is_boolean()) {
        return At(path, "dataclass frozen and order must be booleans");
      }
      items_json = &body["values"];
    }
    auto items = WireItems(*items_json, path, depth, tag);
    if (!items) return items.error();
    if (tag == "frozenset") return Value::FrozenSet(std::move(*items));
    if (tag == "deque") {
      if (maxlen && static_cast<int64_t>(items->size()) > *maxlen) {
        return At(path, "deque holds more items than its maxlen");
      }
      return Value::Deque(std::move(*items), maxlen);
    }
    const json& name = body["name"];
    const json& fields = body["fields"];
    if (!name.is_string() || !fields.is_array()) {
      return At(path, tag + " name must be a string and fields an array of strings");
    }
    std::vector<std::string> field_names;
    for (const json& f : fields) {
      if (!f.is_string()) return At(path, tag + " fields must be strings");
      field_names.push_back(f.get<std::string>());
    }
    if (tag == "dataclass") {
      return Located(Value::Dataclass(name.get<std::string>(), std::move(field_names),
                                      std::move(*items), body["frozen"].get<bool>(),
                                      body["order"].get<bool>()),
                     path);
    }
    return Located(Value::NamedTuple(name.get<std::string>(), std::move(field_names),
                                     std::move(*items)),
                   path);
  }
  if (tag == "counter" || tag == "ordereddict" || tag == "defaultdict") {
    const json* items_json = &body;
    std::string factory;
    if (tag == "defaultdict") {
      if (auto bad = BodyKeys(body, tag, {"factory", "items"}, path)) return *bad;
      const json& f = body["factory"];
      if (!f.is_null() && !f.is_string()) return At(path, "defaultdict factory must be null or a name");
      if (f.is_string()) factory = f.get<std::string>();
      items_json = &body["items"];
    }
    auto entries = WireEntries(*items_json, path, depth, tag);
    if (!entries) return entries.error();
    if (tag == "counter") return Value::Counter(std::move(*entries));
    if (tag == "ordereddict") return Value::OrderedDict(std::move(*entries));
    return Located(Value::DefaultDict(std::move(factory), std::move(*entries)), path);
  }
  if (tag == "bytearray" || tag == "decimal" || tag == "type") {
    if (!body.is_string()) return At(path, "\"" + tag + "\" must hold a string");
    const auto& text = body.template get_ref<const std::string&>();
    if (tag == "bytearray") {
      auto raw = Base64Decode(text);
      if (!raw) return At(path, raw.error().message);
      return Value::ByteArray(std::move(*raw));
    }
    if (tag == "type") return Located(Value::Type(text), path);
    auto d = Value::Decimal(text);
    // The wire carries exactly Python's str() of the Decimal.
    if (d && d->decimal_text() != text) return At(path, "decimal \"" + text.substr(0, 40) + "\" is not in str() form");
    return Located(std::move(d), path);
  }
  if (tag == "complex" || tag == "fraction") {
    if (!body.is_array() || body.size() != 2 || !body[0].is_string() || !body[1].is_string()) {
      return At(path, "\"" + tag + "\" must hold two strings");
    }
    const auto& a = body[0].template get_ref<const std::string&>();
    const auto& b = body[1].template get_ref<const std::string&>();
    if (tag == "complex") {
      auto re = ParseFloatText(a);
      if (!re) return At(path, re.error().message);
      auto im = ParseFloatText(b);
      if (!im) return At(path, im.error().message);
      return Value::Complex(*re, *im);
    }
    auto f = Value::Fraction(a, b);
    if (f && (f->numerator() != a || f->denominator() != b)) {
      return At(path, "fraction not in lowest terms with a positive denominator");
    }
    return Located(std::move(f), path);
  }
  if (tag == "handle") {
    if (auto bad = BodyKeys(body, tag, {"id", "class"}, path)) return *bad;
    if (!body["id"].is_string() || !body["class"].is_string()) {
      return At(path, "handle id and class must be strings");
    }
    return Value::Handle(body["id"].get<std::string>(), body["class"].get<std::string>());
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
    case ValueKind::kDict:
    case ValueKind::kCounter:
    case ValueKind::kOrderedDict:
    case ValueKind::kDefaultDict: {
      json pairs = json::array();
      for (const auto& [k, v] : value.entries()) {
        pairs.push_back(json::array({ValueToWireJson(k), ValueToWireJson(v)}));
      }
      if (value.kind() == ValueKind::kDefaultDict) {
        json factory = value.default_factory().empty() ? json(nullptr)
                                                       : json(value.default_factory());
        return {{"defaultdict", {{"factory", factory}, {"items", std::move(pairs)}}}};
      }
      return {{std::string(KindName(value.kind())), std::move(pairs)}};
    }
    case ValueKind::kFrozenSet:
      return {{"frozenset", sequence(value.items())}};
    case ValueKind::kByteArray:
      return {{"bytearray", Base64Encode(value.bytes())}};
    case ValueKind::kComplex:
      return {{"complex",
               json::array({FloatRepr(value.complex_real()), FloatRepr(value.complex_imag())})}};
    case ValueKind::kFraction:
      return {{"fraction", json::array({value.numerator(), value.denominator()})}};
    case ValueKind::kDecimal:
      return {{"decimal", value.decimal_text()}};
    case ValueKind::kDeque: {
      json maxlen = value.maxlen() ? json{{"int", std::to_string(*value.maxlen())}}
                                   : json(nullptr);
      return {{"deque", {{"maxlen", maxlen}, {"items", sequence(value.items())}}}};
    }
    case ValueKind::kNamedTuple:
      return {{"namedtuple", {{"name", value.type_name()},
                              {"fields", value.field_names()},
                              {"values", sequence(value.items())}}}};
    case ValueKind::kDataclass:
      return {{"dataclass", {{"name", value.type_name()},
                             {"fields", value.field_names()},
                             {"frozen", value.dataclass_frozen()},
                             {"order", value.dataclass_order()},
                             {"values", sequence(value.items())}}}};
    case ValueKind::kType:
      return {{"type", value.type_name()}};
    case ValueKind::kHandle:
      return {{"handle", {{"id", value.handle_id()}, {"class", value.type_name()}}}};
  }
  return nullptr;
}

std::string ToWire(const Value& value) {
  return ValueToWireJson(value).dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---------------------------------------------------------------------------------------
// Literals in task files

WireResult<Value> ParseFraction(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return Value::Fraction(text, "1");
  return Value::Fraction(text.substr(0, slash), text.substr(slash + 1));
}

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

// Entries of $counter, $ordereddict and $defaultdict: an object (str keys, in order) or an
// array of [key, value] pairs (any keys).
template <typename J>
WireResult<Value::Entries> LiteralEntries(const J& body, const std::string& path, int depth) {
  if (depth + 1 > kMaxWireDepth) {
    return At(path, "nested deeper than " + std::to_string(kMaxWireDepth));
  }
  Value::Entries entries;
  if (body.is_object()) {
    for (const auto& [key, item] : body.items()) {
      auto value = FromLiteral(item, path + "." + key, depth + 1);
      if (!value) return value.error();
      entries.emplace_back(Value::Str(key), std::move(*value));
    }
    return entries;
  }
  if (!body.is_array()) return At(path, "expected an object or an array of [key, value] pairs");
  for (size_t i = 0; i < body.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    if (!body[i].is_array() || body[i].size() != 2) return At(item_path, "not a [key, value] pair");
    auto key = FromLiteral(body[i][0], item_path, depth + 1);
    if (!key) return key.error();
    auto value = FromLiteral(body[i][1], item_path, depth + 1);
    if (!value) return value.error();
    entries.emplace_back(std::move(*key), std::move(*value));
  }
  return entries;
}

template <typename J>
WireResult<double> LiteralFloat(const J& j, const std::string& path) {
  if (j.is_number()) return j.template get<double>();
  if (j.is_object() && j.size() == 1 && j.contains("$int")) {  // a big integer from the SAX
    double f = 0;
    const auto& t = j["$int"].template get_ref<const std::string&>();
    std::from_chars(t.data(), t.data() + t.size(), f);
    return f;
  }
  if (!j.is_string()) return At(path, "expected a number or \"nan\", \"inf\", \"-inf\"");
  auto f = ParseFloatText(j.template get_ref<const std::string&>());
  if (!f) return At(path, f.error().message);
  return *f;
}

template <typename J>
WireResult<Value> RichLiteral(const std::string& tag, const J& body, const std::string& tag_path,
                              const std::string& path, int depth) {
  if (tag == "$frozenset") {
    auto items = LiteralItems(body, tag_path, depth);
    if (!items) return items.error();
    return Value::FrozenSet(std::move(*items));
  }
  if (tag == "$bytearray" || tag == "$type" || tag == "$decimal" || tag == "$fraction") {
    std::string text;
    if (body.is_string()) {
      text = body.template get<std::string>();
    } else if (body.is_number_integer() && (tag == "$fraction" || tag == "$decimal")) {
      text = body.dump();
    } else if (body.is_object() && body.size() == 1 && body.contains("$int") &&
               (tag == "$fraction" || tag == "$decimal")) {
      text = body["$int"].template get<std::string>();
    } else {
      return At(tag_path, "expected a string");
    }
    if (tag == "$bytearray") {
      auto raw = Base64Decode(text);
      if (!raw) return At(tag_path, raw.error().message);
      return Value::ByteArray(std::move(*raw));
    }
    if (tag == "$type") return Located(Value::Type(text), tag_path);
    if (tag == "$decimal") return Located(Value::Decimal(text), tag_path);
    return Located(ParseFraction(text), tag_path);
  }
  if (tag == "$complex") {
    if (!body.is_array() || body.size() != 2) return At(tag_path, "expected [real, imag]");
    auto re = LiteralFloat(body[0], tag_path + "[0]");
    if (!re) return re.error();
    auto im = LiteralFloat(body[1], tag_path + "[1]");
    if (!im) return im.error();
    return Value::Complex(*re, *im);
  }
  if (tag == "$counter" || tag == "$ordereddict") {
    auto entries = LiteralEntries(body, tag_path, depth);
    if (!entries) return entries.error();
    if (tag == "$counter") return Value::Counter(std::move(*entries));
    return Value::OrderedDict(std::move(*entries));
  }
  if (tag == "$defaultdict") {
    if (!body.is_object() || !body.contains("items") ||
        body.size() != (body.contains("factory") ? 2u : 1u)) {
      return At(tag_path, "expected {factory: NAME | null, items: {..} | [[k, v], ..]}");
    }
    std::string factory;
    if (body.contains("factory") && !body["factory"].is_null()) {
      if (!body["factory"].is_string()) return At(tag_path, "factory must be a type name or null");
      factory = body["factory"].template get<std::string>();
    }
    auto entries = LiteralEntries(body["items"], tag_path + ".items", depth);
    if (!entries) return entries.error();
    return Located(Value::DefaultDict(std::move(factory), std::move(*entries)), tag_path);
  }
  if (tag == "$deque") {
    std::optional<int64_t> maxlen;
    const J* items_json = &body;
    if (body.is_object()) {
      if (!body.contains("items") || body.size() != (body.contains("maxlen") ? 2u : 1u)) {
        return At(tag_path, "expected [..] or {items: [..], maxlen: n}");
      }
      if (body.contains("maxlen") && !body["maxlen"].is_null()) {
        if (!body["maxlen"].is_number_integer() || body["maxlen"].template get<int64_t>() < 0) {
          return At(tag_path, "maxlen must be an integer >= 0 or null");
        }
        maxlen = body["maxlen"].template get<int64_t>();
      }
      items_json = &body["items"];
    }
    auto items = LiteralItems(*items_json, tag_path, depth);
    if (!items) return items.error();
    if (maxlen && static_cast<int64_t>(items->size()) > *maxlen) {
      return At(tag_path, "more items than maxlen");
    }
    return Value::Deque(std::move(*items), maxlen);
  }
  if (tag == "$namedtuple" || tag == "$dataclass") {
    const bool dataclass = tag == "$dataclass";
    size_t flags = dataclass ? body.contains("frozen") + body.contains("order") : 0;
    if (!body.is_object() || body.size() != 3 + flags || !body.contains("name") ||
        !body.contains("fields") || !body.contains("values") || !body["name"].is_string() ||
        !body["fields"].is_array() ||
        (body.contains("frozen") && !body["frozen"].is_boolean()) ||
        (body.contains("order") && !body["order"].is_boolean())) {
      return At(tag_path, dataclass ? "expected {name: N, fields: [..], values: [..], frozen: B, "
                                      "order: B} (frozen and order optional)"
                                    : "expected {name: N, fields: [..], values: [..]}");
    }
    std::vector<std::string> fields;
    for (const auto& f : body["fields"]) {
      if (!f.is_string()) return At(tag_path, "fields must be strings");
      fields.push_back(f.template get<std::string>());
    }
    auto items = LiteralItems(body["values"], tag_path + ".values", depth);
    if (!items) return items.error();
    if (dataclass) {
      return Located(
          Value::Dataclass(body["name"].template get<std::string>(), std::move(fields),
                           std::move(*items),
                           body.contains("frozen") && body["frozen"].template get<bool>(),
                           body.contains("order") && body["order"].template get<bool>()),
          tag_path);
    }
    return Located(Value::NamedTuple(body["name"].template get<std::string>(), std::move(fields),
                                     std::move(*items)),
                   tag_path);
  }
  return At(path, "unknown tag \"" + tag + "\" (expected one of " + std::string(kLiteralTags) +
                      "; write a dict with such a key as {\"$dict\": [[k, v]]})");
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
    return RichLiteral(tag, body, tag_path, path, depth);
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
      case ValueKind::kDict:
        return Entries(v.entries());
      case ValueKind::kFrozenSet:
        if (v.items().empty()) return Put("frozenset()");
        Put("frozenset(");
        Items(v.items(), "{", "}");
        return Put(")");
      case ValueKind::kByteArray:
        Put("bytearray(");
        Quoted(v.bytes(), true);
        return Put(")");
      case ValueKind::kComplex:
        return Complex(v.complex_real(), v.complex_imag());
      case ValueKind::kFraction:
        return Put("Fraction(" + v.numerator() + ", " + v.denominator() + ")");
      case ValueKind::kDecimal:
        return Put("Decimal('" + v.decimal_text() + "')");
      case ValueKind::kCounter:
        if (v.entries().empty()) return Put("Counter()");
        Put("Counter(");
        Entries(v.entries());
        return Put(")");
      case ValueKind::kOrderedDict:
        if (v.entries().empty()) return Put("OrderedDict()");
        Put("OrderedDict([");  // as Python 3.11 writes it
        for (size_t i = 0; i < v.entries().size() && !full(); ++i) {
          if (i > 0) Put(", ");
          Put("(");
          Write(v.entries()[i].first);
          Put(", ");
          Write(v.entries()[i].second);
          Put(")");
        }
        return Put("])");
      case ValueKind::kDefaultDict:
        Put("defaultdict(" +
            (v.default_factory().empty() ? std::string("None")
                                         : "<class '" + v.default_factory() + "'>") +
            ", ");
        Entries(v.entries());
        return Put(")");
      case ValueKind::kDeque:
        Put("deque(");
        Items(v.items(), "[", "]");
        if (v.maxlen()) Put(", maxlen=" + std::to_string(*v.maxlen()));
        return Put(")");
      case ValueKind::kNamedTuple:
      case ValueKind::kDataclass: {
        Put(v.type_name() + "(");
        for (size_t i = 0; i < v.items().size() && !full(); ++i) {
          if (i > 0) Put(", ");
          Put(v.field_names()[i] + "=");
          Write(v.items()[i]);
        }
        return Put(")");
      }
      case ValueKind::kType:
        return Put("<class '" + v.type_name() + "'>");
      case ValueKind::kHandle:
        Put("<");
        Put(v.type_name().substr(0, 80));
        return Put(" object of the solution>");
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

  void Entries(const Value::Entries& entries) {
    Put("{");
    bool first = true;
    for (const auto& [key, value] : entries) {
      if (full()) return;
      if (!first) Put(", ");
      first = false;
      Write(key);
      Put(": ");
      Write(value);
    }
    Put("}");
  }

  // Python: (1+2j), 2j, (-0-1j), (nan+infj); a real part of exactly 0.0 is left out.
  void Complex(double re, double im) {
    auto part = [](double f) {
      std::string t = FloatRepr(f);
      if (t.size() > 2 && t.compare(t.size() - 2, 2, ".0") == 0) t.resize(t.size() - 2);
      return t;
    };
    std::string imag = part(im);
    if (re == 0 && !std::signbit(re)) return Put(imag + "j");
    std::string sign = std::signbit(im) || std::isnan(im) ? "" : "+";
    if (std::isnan(im)) sign = "+";
    Put("(" + part(re) + sign + imag + "j)");
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
