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

std::optional<std::string> MatchMultiset(const Value::Items& expected, const Value::Items& got,
                                         const ValueCompareOptions& options,
                                         const std::string& path) {
  if (expected.size() != got.size()) {
    return Prefix(path) + "expected " + std::to_string(expected.size()) + " items, got " +
           std::to_string(got.size());
  }
  // Pair exactly equal items first through their canonical keys (n log n), then, with a
  // float tolerance, pair the rest greedily.
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
  if (options.float_tolerance) {
    ValueCompareOptions inner = options;
    inner.unordered = false;
    std::vector<bool> used(left_got.size(), false);
    std::vector<size_t> still_left;
    for (size_t e : left_expected) {
      bool found = false;
      for (size_t g = 0; g < left_got.size() && !found; ++g) {
        if (!used[g] && !Match(expected[e], got[left_got[g]], inner, "", false)) {
          used[g] = found = true;
        }
      }
      if (!found) still_left.push_back(e);
    }
    if (still_left.empty()) return std::nullopt;
    left_expected = still_left;
  }
  return Prefix(path) + "expected item " + Repr(expected[left_expected.front()], kShownChars) +
         " is missing (unordered); for example got " + Repr(got[left_got.front()], kShownChars);
}

std::optional<std::string> Match(const Value& expected, const Value& got,
                                 const ValueCompareOptions& options, const std::string& path,
                                 bool top) {
  if (expected.kind() != got.kind()) return Mismatch(path, expected, got);
  switch (expected.kind()) {
    case ValueKind::kNone:
      return std::nullopt;
    case ValueKind::kBool:
      if (expected.bool_value() == got.bool_value()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kInt:
      if (expected.int_decimal() == got.int_decimal()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kFloat: {
      bool ok = options.float_tolerance
                    ? IsClose(expected.float_value(), got.float_value(), *options.float_tolerance)
                    : SameFloat(expected.float_value(), got.float_value());
      if (ok) return std::nullopt;
      return Mismatch(path, expected, got);
    }
    case ValueKind::kStr:
      if (expected.str() == got.str()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kBytes:
      if (expected.bytes() == got.bytes()) return std::nullopt;
      return Mismatch(path, expected, got);
    case ValueKind::kSet:
      return MatchMultiset(expected.items(), got.items(), options, path);
    case ValueKind::kList:
    case ValueKind::kTuple: {
      if (top && options.unordered) {
        return MatchMultiset(expected.items(), got.items(), options, path);
      }
      const auto& want = expected.items();
      const auto& have = got.items();
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
    case ValueKind::kDict: {
      const auto& want = expected.entries();
      const auto& have = got.entries();
      std::unordered_map<std::string, size_t> got_by_key;
      for (size_t i = 0; i < have.size(); ++i) got_by_key.emplace(CanonicalKey(have[i].first), i);
      for (const auto& [key, value] : want) {
        std::string key_path = path + "[" + Repr(key, kShownChars) + "]";
        auto it = got_by_key.find(CanonicalKey(key));
        if (it == got_by_key.end()) return Prefix(key_path) + "key missing";
        auto reason = Match(value, have[it->second].second, options, key_path, false);
        if (reason) return reason;
      }
      if (want.size() != have.size()) {
        return Prefix(path) + "expected " + std::to_string(want.size()) + " keys, got " +
               std::to_string(have.size());
      }
      return std::nullopt;
    }
  }
  return Mismatch(path, expected, got);
}

void AppendKey(const Value& v, std::string& out);

std::vector<std::string> SortedKeys(const Value::Items& items) {
  std::vector<std::string> keys;
  keys.reserve(items.size());
  for (const Value& item : items) keys.push_back(CanonicalKey(item));
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

void AppendKey(const Value& v, std::string& out) {
  switch (v.kind()) {
    case ValueKind::kNone:
      out += 'N';
      return;
    case ValueKind::kBool:
      out += v.bool_value() ? "T" : "F";
      return;
    case ValueKind::kInt:
      return AppendText('i', v.int_decimal(), out);
    case ValueKind::kFloat: {
      double f = v.float_value();
      return AppendText('f', FloatRepr(f == 0 ? 0.0 : f), out);  // -0.0 == 0.0
    }
    case ValueKind::kStr:
      return AppendText('s', v.str(), out);
    case ValueKind::kBytes:
      return AppendText('b', v.bytes(), out);
    case ValueKind::kList:
    case ValueKind::kTuple: {
      out += v.kind() == ValueKind::kList ? "L" : "U";
      out += std::to_string(v.items().size()) + "(";
      for (const Value& item : v.items()) AppendKey(item, out);
      out += ')';
      return;
    }
    case ValueKind::kSet: {
      out += "S" + std::to_string(v.items().size()) + "(";
      for (const std::string& key : SortedKeys(v.items())) out += key;
      out += ')';
      return;
    }
    case ValueKind::kDict: {
      std::vector<std::string> pairs;
      for (const auto& [key, value] : v.entries())
        pairs.push_back(CanonicalKey(key) + CanonicalKey(value));
      std::sort(pairs.begin(), pairs.end());
      out += "D" + std::to_string(pairs.size()) + "(";
      for (const std::string& pair : pairs) out += pair;
      out += ')';
      return;
    }
  }
}

}  // namespace

std::string CanonicalKey(const Value& value) {
  std::string out;
  AppendKey(value, out);
  return out;
}

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
