// A plain C++ mirror of the values that cross the sandbox boundary (docs/wire-format.md):
// arguments and return values of call tests, and expected values written in task files.
//
// Decoding builds only these plain types, so nothing defined by a submission reaches the
// grader. Every decoder enforces the caps of the wire format (depth, size, int bits).
//
// Usage:
//   auto value = ParseWire(line_from_sandbox);          // result<Value, WireError>
//   if (!value) return Report(value.error().message);
//   std::string text = ToWire(*value);                   // one line of JSON, no newline
//   std::string shown = Repr(*value);                    // Python-like, capped, for feedback
#pragma once

#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace proctor::grader {

// Caps of the wire format, enforced by every decoder here.
inline constexpr std::size_t kMaxWireBytes = 4 * 1024 * 1024;  // one encoded message
inline constexpr int kMaxWireDepth = 64;             // nested containers; a scalar has depth 0
inline constexpr int kMaxIntBits = 100000;           // Python's int.bit_length() of an Int
inline constexpr std::size_t kMaxIntDigits = 30103;  // decimal digits of 2**100000 - 1

// Why a wire message or literal could not be turned into a Value. Our own error channel: a
// submission's bad output becomes a "malformed" result in the pipeline, never a crash.
struct WireError {
  std::string message;  // what is wrong and where ("at [2][\"dict\"]: ...")
};

// Lets boost::system::result<T, WireError>::value() throw on error (found by ADL).
[[noreturn]] void throw_exception_from_error(const WireError& error,
                                             const boost::source_location& location);

template <typename T>
using WireResult = boost::system::result<T, WireError>;

enum class ValueKind {
  kNone,
  kBool,
  kInt,
  kFloat,
  kStr,
  kBytes,
  kList,
  kTuple,
  kSet,
  kDict,
  // The richer standard types (docs/wire-format.md):
  kFrozenSet,    // items
  kByteArray,    // bytes
  kComplex,      // complex_real(), complex_imag()
  kFraction,     // numerator(), denominator(): in lowest terms, denominator > 0
  kDecimal,      // decimal_text(): exactly str() of the Python Decimal ("1.10", "-Infinity")
  kCounter,      // entries
  kOrderedDict,  // entries
  kDefaultDict,  // entries, default_factory() ("" = None)
  kDeque,        // items, maxlen()
  kNamedTuple,   // items (the values), type_name() and field_names()
  kDataclass,    // as kNamedTuple, and dataclass_frozen(), dataclass_order()
  kType,         // type_name(): one of WireTypeNames() ("int", "collections.Counter")
  kHandle,       // handle_id(), type_name(): an object that stayed in the solution process
};

// "none", "bool", "int", ..., "frozenset", "counter", "namedtuple", "type", "handle".
std::string_view KindName(ValueKind kind);

// The classes a {"type": NAME} value may name, in the wire's spelling: builtins by their
// name ("int", "ValueError"), the others with their module ("collections.Counter").
// The same list as TYPE_NAMES in grader/python/proctor_wire.py.
const std::vector<std::string_view>& WireTypeNames();
bool IsWireTypeName(std::string_view name);

// One Python value. Build with the static factories; read with the accessors that match
// kind() (a mismatch is a bug and asserts). Copyable, comparable only through compare/.
class Value {
 public:
  using Items = std::vector<Value>;
  using Entries = std::vector<std::pair<Value, Value>>;

  Value() = default;  // None

  static Value None() { return Value(); }
  static Value Bool(bool b);
  // `decimal` must already be normalized (see NormalizeInt); asserts otherwise.
  static Value Int(std::string decimal);
  static Value Int(int64_t i);
  static Value Float(double f);
  static Value Str(std::string s);    // UTF-8 text
  static Value Bytes(std::string b);  // raw bytes
  static Value List(Items items);
  static Value Tuple(Items items);
  static Value Set(Items items);       // order kept as given; comparisons ignore it
  static Value Dict(Entries entries);  // insertion order kept
  static Value FrozenSet(Items items);
  static Value ByteArray(std::string b);
  static Value Complex(double real, double imag);
  static Value Counter(Entries entries);
  static Value OrderedDict(Entries entries);
  static Value Deque(Items items, std::optional<int64_t> maxlen = std::nullopt);
  static Value Handle(std::string id, std::string class_name);
  // The kinds whose parts have rules of their own; each says what is wrong.
  // Fraction of two decimal ints ("-2", "4" -> -1/2); the denominator must not be 0.
  [[nodiscard]] static WireResult<Value> Fraction(std::string_view numerator,
                                                  std::string_view denominator);
  // Decimal from Python's Decimal() syntax ("1.10", "-1e5", ".5", "inf", "NaN"); kept as
  // Python's str() of it ("1.10", "-1E+5", "0.5", "Infinity", "NaN").
  [[nodiscard]] static WireResult<Value> Decimal(std::string_view text);
  // factory: "" (None) or a name of WireTypeNames().
  [[nodiscard]] static WireResult<Value> DefaultDict(std::string factory, Entries entries);
  // name and fields: identifiers (fields not starting with "_", distinct), one value each.
  [[nodiscard]] static WireResult<Value> NamedTuple(std::string name,
                                                    std::vector<std::string> fields,
                                                    Items values);
  // A plain dataclass instance: the same rules as NamedTuple.
  [[nodiscard]] static WireResult<Value> Dataclass(std::string name,
                                                   std::vector<std::string> fields, Items values,
                                                   bool frozen = false, bool order = false);
  [[nodiscard]] static WireResult<Value> Type(std::string name);  // of WireTypeNames()

  ValueKind kind() const { return kind_; }
  bool is_container() const;
  bool has_items() const;  // kList, kTuple, kSet, kFrozenSet, kDeque, kNamedTuple, kDataclass
  bool has_entries() const;  // kDict, kCounter, kOrderedDict, kDefaultDict

  bool bool_value() const;                 // kBool
  const std::string& int_decimal() const;  // kInt: normalized decimal ("0", "-12")
  double float_value() const;              // kFloat
  const std::string& str() const;          // kStr
  const std::string& bytes() const;        // kBytes, kByteArray
  const Items& items() const;              // has_items()
  const Entries& entries() const;          // has_entries()
  double complex_real() const;             // kComplex
  double complex_imag() const;             // kComplex
  const std::string& numerator() const;    // kFraction: normalized decimal, any sign
  const std::string& denominator() const;  // kFraction: normalized decimal, > 0
  const std::string& decimal_text() const;     // kDecimal
  const std::string& default_factory() const;  // kDefaultDict: "" for None
  std::optional<int64_t> maxlen() const;       // kDeque
  const std::string& type_name() const;  // kNamedTuple, kDataclass, kType; kHandle: its class
  const std::vector<std::string>& field_names() const;  // kNamedTuple, kDataclass
  bool dataclass_frozen() const;                        // kDataclass
  bool dataclass_order() const;                         // kDataclass
  const std::string& handle_id() const;                 // kHandle

 private:
  // The parts only the rarer kinds have, shared between copies (never changed once made),
  // so that the many ints and strings of a large value stay small.
  struct Extra {
    double imag = 0;                  // Complex
    std::optional<int64_t> maxlen;    // Deque
    std::string text2;                // Fraction denominator, Handle id
    std::vector<std::string> fields;  // NamedTuple, Dataclass
    bool frozen = false, order = false;  // Dataclass
  };
  const Extra& extra() const;

  ValueKind kind_ = ValueKind::kNone;
  bool bool_ = false;
  double float_ = 0;  // Float; Complex: real part
  std::string text_;  // Int decimal, Str, Bytes, Fraction numerator, Decimal, factory, name
  Items items_;
  Entries entries_;
  std::shared_ptr<const Extra> extra_;
};

// Normalizes an integer written in decimal: optional sign, digits only, no leading zeros,
// "-0" -> "0". Returns an error for anything else or beyond kMaxIntBits.
[[nodiscard]] WireResult<std::string> NormalizeInt(std::string_view text);

// A fraction written "n/d" or "n" (decimal ints, optional sign), normalized.
[[nodiscard]] WireResult<Value> ParseFraction(std::string_view text);

// A text that two kDecimal values share exactly when Python's == says they are equal
// ("1.10" and "1.1", "0" and "-0E-7"), except that every NaN shares the key "nan".
std::string DecimalEqualityKey(const Value& decimal);

// The $ tags of FromJsonLiteral and of task files, for error messages.
inline constexpr char kLiteralTags[] =
    "$list, $tuple, $set, $frozenset, $dict, $int, $float, $complex, $fraction, $decimal, "
    "$bytes, $bytearray, $str, $counter, $ordereddict, $defaultdict, $deque, $namedtuple, "
    "$dataclass, $type";

// Python's repr() of a float: shortest round-trip digits, "1.0", "1e+16", "nan", "-inf".
std::string FloatRepr(double f);

// Decodes one wire message (a JSON text, optionally ending in whitespace). Enforces every cap.
[[nodiscard]] WireResult<Value> ParseWire(std::string_view text);
// Converts already-parsed wire JSON (e.g. the "value" of a call response) into a Value.
// Enforces depth and int caps; the caller owns the byte cap of the text it parsed.
[[nodiscard]] WireResult<Value> ValueFromWireJson(const nlohmann::json& json);

// Encodes a Value as one line of wire JSON (no trailing newline). Strings that are not
// valid UTF-8 have the bad bytes replaced by U+FFFD.
std::string ToWire(const Value& value);
nlohmann::json ValueToWireJson(const Value& value);

// Depth of nesting as the caps count it: scalars 0, a container 1 + its deepest item.
int Depth(const Value& value);

// Expected values written in task files (JSON or YAML converted to JSON):
//   null -> None, true/false -> Bool, integer -> Int, other number -> Float,
//   string -> Str, array -> List, object -> Dict with Str keys,
// plus tagged forms, an object with exactly one "$" key:
//   {"$tuple": [..]}, {"$set": [..]}, {"$list": [..]}, {"$bytes": "<base64>"},
//   {"$int": "<decimal>"}, {"$float": "nan" | "inf" | "-inf" | "<decimal>"},
//   {"$str": "<text>"}, {"$dict": [[k, v], ...]} (any key types),
//   {"$frozenset": [..]}, {"$bytearray": "<base64>"}, {"$complex": [re, im]},
//   {"$fraction": "n/d" | n}, {"$decimal": "1.10"}, {"$counter": {..} | [[k, v]..]},
//   {"$ordereddict": {..} | [[k, v]..]}, {"$defaultdict": {"factory": NAME | null,
//   "items": {..} | [[k, v]..]}}, {"$deque": [..] | {"items": [..], "maxlen": n}},
//   {"$namedtuple": {"name": N, "fields": [..], "values": [..]}}, {"$type": NAME},
//   {"$dataclass": {"name": N, "fields": [..], "values": [..], "frozen": B, "order": B}}.
// A plain object whose only key starts with "$" but is not a tag above is an error; write
// such a dict with "$dict". Integers beyond 64 bits lose precision in nlohmann::json, so
// write them as {"$int": "..."} or decode the text with ParseJsonLiteral.
[[nodiscard]] WireResult<Value> FromJsonLiteral(const nlohmann::json& json);
// Same rules, from JSON text, keeping integers of any size exact.
[[nodiscard]] WireResult<Value> ParseJsonLiteral(std::string_view text);

// Python-like repr for feedback: [1, 'a', (2,), {1: b'x'}, {3}, set(), None, True, 1.5].
// At most `max_chars` characters; longer output ends in "...".
std::string Repr(const Value& value, std::size_t max_chars = 200);

}  // namespace proctor::grader
