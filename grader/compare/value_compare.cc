#include "grader/compare/value_compare.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "grader/compare/float_close.h"
#include "grader/compare/json_compare.h"

namespace proctor::grader::compare {
namespace {

constexpr size_t kShownChars = 80;  // per value quoted in a reason

std::string Describe(const Value& v) {
  return Repr(v, kShownChars) + " (" + std::string(KindName(v.kind())) + ")";
}

std::string Prefix(const std::string& path) { return path.empty() ? "" : "at " + path + ": "; }

std::string Mismatch(const std::string& path, const Value& expected, const Value& got) {
  return Prefix(path) + "expected " + Describe(expected) + ", got " + Describe(got);
}

// Returns the reason of the first difference, or nullopt when equal.
std::optional<std::string> Match(const Value& expected, const Value& got,
                                 const ValueCompareOptions& options, const std::string& path,
                                 bool top);

void AppendKey(const Value& v, bool loose, std::string& out);

std::string Key(const Value& v, bool loose) {
  std::string out;
  AppendKey(v, loose, out);
  return out;
}

// type_strict: the kinds a result may have for an expected kind. Beyond the same kind: set
// and frozenset, bytes and bytearray (Python's == holds across each pair, and the wire once
// sent both sets as "set"); a dict accepts its subclasses Counter, OrderedDict and
// defaultdict, a tuple a namedtuple (isinstance holds, and == compares them as a dict or a
// tuple). Never the reverse: an expected Counter needs a Counter.
bool KindAccepts(ValueKind want, ValueKind got) {
  if (want == got) return true;
  switch (want) {
    case ValueKind::kSet:
      return got == ValueKind::kFrozenSet;
    case ValueKind::kFrozenSet:
      return got == ValueKind::kSet;
    case ValueKind::kBytes:
      return got == ValueKind::kByteArray;
    case ValueKind::kByteArray:
      return got == ValueKind::kBytes;
    case ValueKind::kDict:
      return got == ValueKind::kCounter || got == ValueKind::kOrderedDict ||
             got == ValueKind::kDefaultDict;
    case ValueKind::kTuple:
      return got == ValueKind::kNamedTuple;
    default:
      return false;
  }
}

bool IsIntZero(const Value& v) { return v.kind() == ValueKind::kInt && v.int_decimal() == "0"; }

std::optional<std::string> MatchMultiset(const Value::Items& expected, const Value::Items& got,
                                         const ValueCompareOptions& options,
                                         const std::string& path) {
  if (expected.size() != got.size()) {
    return Prefix(path) + "expected " + std::to_string(expected.size()) + " items, got " +
           std::to_string(got.size());
  }
  // Pair exactly equal items first through their canonical keys (n log n). The rest pair
  // greedily: with a float tolerance among all of them, else only among items of the same
  // loose key (a namedtuple and a tuple, a Counter and a dict with the same items).
  std::unordered_multimap<std::string, size_t> unused_got;
  for (size_t i = 0; i < got.size(); ++i) unused_got.emplace(CanonicalKey(got[i]), i);
  std::vector<size_t> left_expected;
  for (size_t i = 0; i < expected.size(); ++i) {
    auto it = unused_got.find(CanonicalKey(expected[i]));
    if (it != unused_got.end()) {
      unused_got.erase(it);
    } else {
      left_expected.push_back(i);
    }
  }
  if (left_expected.empty()) return std::nullopt;
  std::vector<size_t> left_got;
  for (const auto& [key, index] : unused_got) left_got.push_back(index);
  std::sort(left_got.begin(), left_got.end());
  ValueCompareOptions inner = options;
  inner.unordered = false;
  std::vector<bool> used(left_got.size(), false);
  std::vector<size_t> still_left;
  if (options.float_tolerance) {
    for (size_t e : left_expected) {
      bool found = false;
      for (size_t g = 0; g < left_got.size() && !found; ++g) {
        if (!used[g] && !Match(expected[e], got[left_got[g]], inner, "", false)) {
          used[g] = found = true;
        }
      }
      if (!found) still_left.push_back(e);
    }
  } else {
    std::unordered_multimap<std::string, size_t> by_loose_key;  // -> index into left_got
    for (size_t g = 0; g < left_got.size(); ++g) by_loose_key.emplace(Key(got[left_got[g]], true), g);
    for (size_t e : left_expected) {
      bool found = false;
      auto [begin, end] = by_loose_key.equal_range(Key(expected[e], true));
      for (auto it = begin; it != end && !found; ++it) {
        if (!used[it->second] && !Match(expected[e], got[left_got[it->second]], inner, "", false)) {
          used[it->second] = found = true;
        }
      }
      if (!found) still_left.push_back(e);
    }
  }
  if (still_left.empty()) return std::nullopt;
  size_t shown = left_got.front();
  for (size_t g = 0; g < left_got.size(); ++g) {
    if (!used[g]) {
      shown = left_got[g];
      break;
    }
  }
  return Prefix(path) + "expected item " + Repr(expected[still_left.front()], kShownChars) +
         " is missing (unordered); for example got " + Repr(got[shown], kShownChars);
}

std::optional<std::string> MatchSequence(const Value::Items& want, const Value::Items& have,
                                         const ValueCompareOptions& options,
                                         const std::string& path) {
  for (size_t i = 0; i < want.size() && i < have.size(); ++i) {
    auto reason = Match(want[i], have[i], options, path + "[" + std::to_string(i) + "]", false);
    if (reason) return reason;
  }
  if (want.size() != have.size()) {
    return Prefix(path) + "expected " + std::to_string(want.size()) + " items, got " +
           std::to_string(have.size());
  }
  return std::nullopt;
}

// Dict entries regardless of order; keys exactly (a tuple key also finds a namedtuple key).
// With `counter`, a key missing on one side counts as 0, as Counter's == does (Python 3.10+).
std::optional<std::string> MatchEntries(const Value::Entries& want, const Value::Entries& have,
                                        const ValueCompareOptions& options,
                                        const std::string& path, bool counter) {
  ValueCompareOptions exact;  // keys compare exactly
  std::unordered_multimap<std::string, size_t> got_by_key;
  for (size_t i = 0; i < have.size(); ++i) got_by_key.emplace(Key(have[i].first, true), i);
  std::vector<bool> seen(have.size(), false);
  for (const auto& [key, value] : want) {
    std::string key_path = path + "[" + Repr(key, kShownChars) + "]";
    std::optional<size_t> found;
    auto [begin, end] = got_by_key.equal_range(Key(key, true));
    for (auto it = begin; it != end && !found; ++it) {
      if (!seen[it->second] && !Match(key, have[it->second].first, exact, "", false)) {
        found = it->second;
      }
    }
    if (!found) {
      if (counter && IsIntZero(value)) continue;
      return Prefix(key_path) + "key missing";
    }
    seen[*found] = true;
    auto reason = Match(value, have[*found].second, options, key_path, false);
    if (reason) return reason;
  }
  for (size_t i = 0; i < have.size(); ++i) {
    if (seen[i]) continue;
    if (counter && IsIntZero(have[i].second)) continue;
    if (counter) {
      return Prefix(path) + "unexpected key " + Repr(have[i].first, kShownChars) + " with count " +
             Repr(have[i].second, kShownChars);
    }
    return Prefix(path) + "expected " + std::to_string(want.size()) + " keys, got " +
           std::to_string(have.size());
  }
  return std::nullopt;
}

std::optional<std::string> MatchOrderedEntries(const Value::Entries& want,
                                               const Value::Entries& have,
                                               const ValueCompareOptions& options,
                                               const std::string& path) {
  ValueCompareOptions exact;
  for (size_t i = 0; i < want.size() && i < have.size(); ++i) {
    std::string key_path = path + "[" + std::to_string(i) + "]";
    if (Match(want[i].first, have[i].first, exact, "", false)) {
      return Prefix(key_path) + "expected key " + Repr(want[i].first, kShownChars) + ", got " +
             Repr(have[i].first, kShownChars) + " (an OrderedDict compares in order)";
    }
    auto reason = Match(want[i].second, have[i].second, options,
                        path + "[" + Repr(want[i].first, kShownChars) + "]", false);
    if (reason) return reason;
  }
  if (want.size() != have.size()) {
    return Prefix(path) + "expected " + std::to_string(want.size()) + " keys, got " +
           std::to_string(have.size());
  }
  return std::nullopt;
}

bool FloatsMatch(double want, double have, const ValueCompareOptions& options) {
  return options.float_tolerance ? IsClose(want, have, *options.float_tolerance)
                                 : SameFloat(want, have);
}

std::optional<std::string> Match(const Value& expected, const Value& got,
                                 const ValueCompareOptions& options, const std::string& path,
                                 bool top) {
  if (got.kind() == ValueKind::kHandle && expected.kind() != ValueKind::kHandle) {
    return Prefix(path) + "expected " + Describe(expected) + ", got an object of the solution's "
           "class " + got.type_name().substr(0, kShownChars) +
           " (not a value the wire carries: it stayed in the solution process as a handle, "
           "which never equals a value)";
  }
  if (!KindAccepts(expected.kind(), got.kind())) return Mismatch(path, expected, got);
  switch (expected.kind()) {
    case ValueKind::kNone:
      return std::nullopt;
    case ValueKind::kBool:
      if (expected.bool_value() == got.bool_value()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kInt:
      if (expected.int_decimal() == got.int_decimal()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kFloat:
      if (FloatsMatch(expected.float_value(), got.float_value(), options)) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kComplex:
      if (FloatsMatch(expected.complex_real(), got.complex_real(), options) &&
          FloatsMatch(expected.complex_imag(), got.complex_imag(), options)) {
        return std::nullopt;
      }
      return Mismatch(path, expected, got);
    case ValueKind::kFraction:
      if (expected.numerator() == got.numerator() && expected.denominator() == got.denominator()) {
        return std::nullopt;
      }
      return Mismatch(path, expected, got);
    case ValueKind::kDecimal:
      if (DecimalEqualityKey(expected) == DecimalEqualityKey(got)) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kStr:
      if (expected.str() == got.str()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kBytes:
    case ValueKind::kByteArray:
      if (expected.bytes() == got.bytes()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kType:
      if (expected.type_name() == got.type_name()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kHandle:
      if (expected.handle_id() == got.handle_id()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kSet:
    case ValueKind::kFrozenSet:
      return MatchMultiset(expected.items(), got.items(), options, path);
    case ValueKind::kNamedTuple:
    case ValueKind::kDataclass:
      if (expected.type_name() != got.type_name() ||
          expected.field_names() != got.field_names()) {
        std::string kind(KindName(expected.kind()));
        return Prefix(path) + "expected a " + kind + " " + Describe(expected) + ", got " +
               Describe(got) + " (another " + kind + " class)";
      }
      return MatchSequence(expected.items(), got.items(), options, path);
    case ValueKind::kList:
    case ValueKind::kTuple:
      if (top && options.unordered) {
        return MatchMultiset(expected.items(), got.items(), options, path);
      }
      return MatchSequence(expected.items(), got.items(), options, path);
    case ValueKind::kDeque:
      return MatchSequence(expected.items(), got.items(), options, path);
    case ValueKind::kDict:
    case ValueKind::kDefaultDict:  // Python's == ignores the factory
      return MatchEntries(expected.entries(), got.entries(), options, path, false);
    case ValueKind::kCounter:
      return MatchEntries(expected.entries(), got.entries(), options, path, true);
    case ValueKind::kOrderedDict:
      return MatchOrderedEntries(expected.entries(), got.entries(), options, path);
  }
  return Mismatch(path, expected, got);
}

std::vector<std::string> SortedKeys(const Value::Items& items, bool loose) {
  std::vector<std::string> keys;
  keys.reserve(items.size());
  for (const Value& item : items) keys.push_back(Key(item, loose));
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Length-prefixed so that no concatenation of keys can be mistaken for another.
void AppendText(char tag, std::string_view text, std::string& out) {
  out += tag;
  out += std::to_string(text.size());
  out += ':';
  out.append(text);
}

void AppendFloat(char tag, double f, std::string& out) {
  AppendText(tag, FloatRepr(f == 0 ? 0.0 : f), out);  // -0.0 == 0.0
}

// Canonical key (loose = false): equal keys mean equal values under type_strict. Loose key:
// equal whenever type_strict may call them equal across kinds (frozenset and set, bytearray
// and bytes, namedtuple and tuple, the dict family with zero counts left out): a necessary
// condition only, so that candidates can be found by hashing and then checked with Match.
void AppendKey(const Value& v, bool loose, std::string& out) {
  switch (v.kind()) {
    case ValueKind::kNone:
      out += 'N';
      return;
    case ValueKind::kBool:
      out += v.bool_value() ? "T" : "F";
      return;
    case ValueKind::kInt:
      return AppendText('i', v.int_decimal(), out);
    case ValueKind::kFloat:
      return AppendFloat('f', v.float_value(), out);
    case ValueKind::kComplex:
      AppendFloat('c', v.complex_real(), out);
      return AppendFloat('j', v.complex_imag(), out);
    case ValueKind::kFraction:
      AppendText('q', v.numerator(), out);
      return AppendText('/', v.denominator(), out);
    case ValueKind::kDecimal:
      return AppendText('m', DecimalEqualityKey(v), out);
    case ValueKind::kStr:
      return AppendText('s', v.str(), out);
    case ValueKind::kBytes:
    case ValueKind::kByteArray:
      return AppendText(v.kind() == ValueKind::kBytes || loose ? 'b' : 'B', v.bytes(), out);
    case ValueKind::kType:
      return AppendText('y', v.type_name(), out);
    case ValueKind::kHandle:
      return AppendText('h', v.handle_id(), out);
    case ValueKind::kList:
    case ValueKind::kTuple:
    case ValueKind::kDeque:
    case ValueKind::kNamedTuple:
    case ValueKind::kDataclass: {
      ValueKind kind = v.kind();
      if (kind == ValueKind::kNamedTuple && loose) kind = ValueKind::kTuple;
      out += kind == ValueKind::kList        ? "L"
             : kind == ValueKind::kTuple     ? "U"
             : kind == ValueKind::kDeque     ? "Q"
             : kind == ValueKind::kDataclass ? "K"
                                             : "P";
      if (kind == ValueKind::kNamedTuple || kind == ValueKind::kDataclass) {
        AppendText('n', v.type_name(), out);
        for (const std::string& f : v.field_names()) AppendText('.', f, out);
      }
      out += std::to_string(v.items().size()) + "(";
      for (const Value& item : v.items()) AppendKey(item, loose, out);
      out += ')';
      return;
    }
    case ValueKind::kSet:
    case ValueKind::kFrozenSet: {
      out += v.kind() == ValueKind::kSet || loose ? "S" : "Z";
      out += std::to_string(v.items().size()) + "(";
      for (const std::string& key : SortedKeys(v.items(), loose)) out += key;
      out += ')';
      return;
    }
    case ValueKind::kOrderedDict:
      if (!loose) {
        out += "O" + std::to_string(v.entries().size()) + "(";
        for (const auto& [key, value] : v.entries()) {
          AppendKey(key, false, out);
          AppendKey(value, false, out);
        }
        out += ')';
        return;
      }
      [[fallthrough]];
    case ValueKind::kDict:
    case ValueKind::kCounter:
    case ValueKind::kDefaultDict: {
      bool drop_zeros = loose || v.kind() == ValueKind::kCounter;
      std::vector<std::string> pairs;
      for (const auto& [key, value] : v.entries()) {
        if (drop_zeros && IsIntZero(value)) continue;
        pairs.push_back(Key(key, loose) + Key(value, loose));
      }
      std::sort(pairs.begin(), pairs.end());
      out += loose                                  ? "D"
             : v.kind() == ValueKind::kCounter     ? "C"
             : v.kind() == ValueKind::kDefaultDict ? "E"
                                                   : "D";
      out += std::to_string(pairs.size()) + "(";
      for (const std::string& pair : pairs) out += pair;
      out += ')';
      return;
    }
  }
}

}  // namespace

std::string CanonicalKey(const Value& value) { return Key(value, false); }

CompareResult CompareValues(const Value& expected, const Value& got,
                            const ValueCompareOptions& options) {
  if (options.json) {
    return CompareJsonLike(expected, got, {options.float_tolerance, options.json_unwrap_single});
  }
  auto reason = Match(expected, got, options, "", true);
  if (!reason) return Equal();
  return Differ(std::move(*reason));
}

}  // namespace proctor::grader::compare
