#include "grader/compare/json_compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "grader/compare/float_close.h"
#include "grader/compare/value_compare.h"

namespace proctor::grader::compare {
namespace {

constexpr size_t kShownChars = 80;

bool IsNumber(const Value& v) {
  return v.kind() == ValueKind::kBool || v.kind() == ValueKind::kInt ||
         v.kind() == ValueKind::kFloat;
}

// Python's == across kinds: a namedtuple is a tuple; a Counter, OrderedDict or defaultdict
// equals a dict with the same items; a frozenset a set. (Here lists and tuples are one
// sequence type, since JSON has no tuples.) A deque equals no list, as in Python.
bool IsSequence(const Value& v) {
  return v.kind() == ValueKind::kList || v.kind() == ValueKind::kTuple ||
         v.kind() == ValueKind::kNamedTuple;
}
bool IsSetLike(const Value& v) {
  return v.kind() == ValueKind::kSet || v.kind() == ValueKind::kFrozenSet;
}

// The exact decimal of a bool or int; of an integral finite float too (its exact value).
std::optional<std::string> IntegerDecimal(const Value& v) {
  if (v.kind() == ValueKind::kBool) return std::string(v.bool_value() ? "1" : "0");
  if (v.kind() == ValueKind::kInt) return v.int_decimal();
  double f = v.float_value();
  if (!std::isfinite(f) || std::floor(f) != f) return std::nullopt;
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", f);  // exact for an integral double
  std::string text = buf;
  return text == "-0" ? "0" : text;
}

double AsDouble(const Value& v) {
  if (v.kind() == ValueKind::kFloat) return v.float_value();
  return std::strtod(IntegerDecimal(v)->c_str(), nullptr);  // may be inf for huge ints
}

// Python's == on numbers; the tolerance only where the expected value is a float (an
// expected int demands that exact int: 2**70 is not float(2**70)).
bool NumbersEqual(const Value& expected, const Value& got, const JsonCompareOptions& options) {
  if (expected.kind() == ValueKind::kFloat && options.float_tolerance) {
    return IsClose(expected.float_value(), AsDouble(got), *options.float_tolerance);
  }
  if (expected.kind() == ValueKind::kFloat && got.kind() == ValueKind::kFloat) {
    return SameFloat(expected.float_value(), got.float_value());
  }
  auto a = IntegerDecimal(expected);
  auto b = IntegerDecimal(got);
  return a && b && *a == *b;
}

// A text equal for two values exactly when they are equal under this comparison without
// tolerance: numbers by value, lists and tuples alike. Used for set items and dict keys.
void AppendNormalKey(const Value& v, std::string& out) {
  auto text = [&out](char tag, const std::string& s) {
    out += tag;
    out += std::to_string(s.size());
    out += ':';
    out += s;
  };
  if (IsNumber(v)) {
    auto integer = IntegerDecimal(v);
    if (integer) return text('n', *integer);
    double f = v.float_value();
    return text('f', std::isnan(f) ? "nan" : FloatRepr(f));
  }
  if (IsSequence(v)) {
    out += "L" + std::to_string(v.items().size()) + "(";
    for (const Value& item : v.items()) AppendNormalKey(item, out);
    out += ')';
    return;
  }
  if (IsSetLike(v)) {
    std::vector<std::string> keys;
    for (const Value& item : v.items()) {
      keys.emplace_back();
      AppendNormalKey(item, keys.back());
    }
    std::sort(keys.begin(), keys.end());
    out += "S" + std::to_string(keys.size()) + "(";
    for (const std::string& key : keys) out += key;
    out += ')';
    return;
  }
  if (v.has_entries()) {
    std::vector<std::string> pairs;
    for (const auto& [key, value] : v.entries()) {
      pairs.emplace_back();
      AppendNormalKey(key, pairs.back());
      AppendNormalKey(value, pairs.back());
    }
    std::sort(pairs.begin(), pairs.end());
    out += "D" + std::to_string(pairs.size()) + "(";
    for (const std::string& pair : pairs) out += pair;
    out += ')';
    return;
  }
  text('o', CanonicalKey(v));  // None, str, bytes and any other kind: exactly
}

std::string NormalKey(const Value& v) {
  std::string out;
  AppendNormalKey(v, out);
  return out;
}

std::string Describe(const Value& v) {
  return Repr(v, kShownChars) + " (" + std::string(KindName(v.kind())) + ")";
}

std::string Prefix(const std::string& path) { return path.empty() ? "" : "at " + path + ": "; }

std::string Mismatch(const std::string& path, const Value& expected, const Value& got) {
  return Prefix(path) + "expected " + Describe(expected) + ", got " + Describe(got);
}

std::optional<std::string> Match(const Value& expected, const Value& got,
                                 const JsonCompareOptions& options, const std::string& path) {
  if (IsNumber(expected) && IsNumber(got)) {
    if (NumbersEqual(expected, got, options)) return std::nullopt;
    return Mismatch(path, expected, got);
  }
  if (IsSequence(expected) && IsSequence(got)) {
    const auto& want = expected.items();
    const auto& have = got.items();
    for (size_t i = 0; i < want.size() && i < have.size(); ++i) {
      auto reason = Match(want[i], have[i], options, path + "[" + std::to_string(i) + "]");
      if (reason) return reason;
    }
    if (want.size() != have.size()) {
      return Prefix(path) + "expected " + std::to_string(want.size()) + " items, got " +
             std::to_string(have.size());
    }
    return std::nullopt;
  }
  if (IsSetLike(expected) && IsSetLike(got)) {
    if (NormalKey(expected) == NormalKey(got)) return std::nullopt;
    return Mismatch(path, expected, got);
  }
  if (expected.has_entries() && got.has_entries()) {
    const auto& want = expected.entries();
    const auto& have = got.entries();
    std::unordered_map<std::string, size_t> got_by_key;
    for (size_t i = 0; i < have.size(); ++i) got_by_key.emplace(NormalKey(have[i].first), i);
    for (const auto& [key, value] : want) {
      std::string key_path = path + "[" + Repr(key, kShownChars) + "]";
      auto it = got_by_key.find(NormalKey(key));
      if (it == got_by_key.end()) return Prefix(key_path) + "key missing";
      auto reason = Match(value, have[it->second].second, options, key_path);
      if (reason) return reason;
    }
    if (want.size() != have.size()) {
      return Prefix(path) + "expected " + std::to_string(want.size()) + " keys, got " +
             std::to_string(have.size());
    }
    return std::nullopt;
  }
  if (expected.kind() != got.kind()) return Mismatch(path, expected, got);
  // None, str, bytes and the other kinds of the same kind: type-strict.
  CompareResult strict = CompareValues(expected, got);
  if (strict.equal) return std::nullopt;
  return Prefix(path) + strict.reason;
}

}  // namespace

CompareResult CompareJsonLike(const Value& expected, const Value& got,
                              const JsonCompareOptions& options) {
  auto reason = Match(expected, got, options, "");
  if (!reason) return Equal();
  if (options.unwrap_single && expected.kind() == ValueKind::kList &&
      expected.items().size() == 1 && !Match(expected.items()[0], got, options, "")) {
    return Equal();
  }
  return Differ(std::move(*reason));
}

}  // namespace proctor::grader::compare
