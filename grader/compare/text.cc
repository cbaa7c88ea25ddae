#include "grader/compare/text.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "grader/compare/float_close.h"

namespace proctor::grader::compare {
namespace {

constexpr size_t kShownChars = 60;  // of a line or token quoted in a reason

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// A short, escaped, quoted excerpt for feedback.
std::string Shown(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kShownChars; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (s.size() > kShownChars) out += "...";
  return out + "\"";
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string_view RightTrim(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Lines with trailing whitespace removed and trailing blank lines dropped.
std::vector<std::string_view> NormalizedLines(std::string_view text) {
  std::vector<std::string_view> lines = SplitLines(text);
  for (auto& line : lines) line = RightTrim(line);
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::vector<std::string_view> Tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

std::string CountMismatch(const char* what, size_t expected, size_t got) {
  return "expected " + std::to_string(expected) + " " + what + ", got " + std::to_string(got);
}

}  // namespace

std::string_view TextModeName(TextMode mode) {
  switch (mode) {
    case TextMode::kExact:
      return "exact";
    case TextMode::kWhitespace:
      return "whitespace";
    case TextMode::kTokens:
      return "tokens";
    case TextMode::kFloat:
      return "float";
    case TextMode::kUnorderedLines:
      return "unordered_lines";
  }
  return "?";
}

CompareResult CompareExact(std::string_view expected, std::string_view got) {
  if (expected == got) return Equal();
  size_t at = 0;
  while (at < expected.size() && at < got.size() && expected[at] == got[at]) ++at;
  size_t line = 1 + std::count(expected.begin(), expected.begin() + at, '\n');
  size_t last_newline = expected.substr(0, at).rfind('\n');
  size_t line_start = last_newline == std::string_view::npos ? 0 : last_newline + 1;
  size_t column = at - line_start + 1;
  return Differ("first difference at byte " + std::to_string(at) + " (line " +
                std::to_string(line) + ", column " + std::to_string(column) + "): expected " +
                Shown(expected.substr(at)) + ", got " + Shown(got.substr(at)));
}

CompareResult CompareWhitespace(std::string_view expected, std::string_view got) {
  auto want = NormalizedLines(expected);
  auto have = NormalizedLines(got);
  for (size_t i = 0; i < want.size() && i < have.size(); ++i) {
    if (want[i] != have[i]) {
      return Differ("line " + std::to_string(i + 1) + ": expected " + Shown(want[i]) + ", got " +
                    Shown(have[i]));
    }
  }
  if (want.size() != have.size()) return Differ(CountMismatch("lines", want.size(), have.size()));
  return Equal();
}

CompareResult CompareTokens(std::string_view expected, std::string_view got) {
  auto want = Tokens(expected);
  auto have = Tokens(got);
  for (size_t i = 0; i < want.size() && i < have.size(); ++i) {
    if (want[i] != have[i]) {
      return Differ("token " + std::to_string(i + 1) + ": expected " + Shown(want[i]) + ", got " +
                    Shown(have[i]));
    }
  }
  if (want.size() != have.size()) {
    return Differ(CountMismatch("tokens", want.size(), have.size()));
  }
  return Equal();
}

// The canonical text of an integer token ("+007" -> "7", "-0" -> "0"), or nothing when the
// token is not a plain decimal integer.
static std::optional<std::string> IntegerDigits(std::string_view token) {
  bool negative = false;
  if (!token.empty() && (token[0] == '+' || token[0] == '-')) {
    negative = token[0] == '-';
    token.remove_prefix(1);
  }
  if (token.empty()) return std::nullopt;
  for (char c : token)
    if (c < '0' || c > '9') return std::nullopt;
  size_t first = token.find_first_not_of('0');
  if (first == std::string_view::npos) return std::string("0");
  return (negative ? "-" : "") + std::string(token.substr(first));
}

CompareResult CompareFloatTokens(std::string_view expected, std::string_view got,
                                 const FloatTolerance& tolerance) {
  auto want = Tokens(expected);
  auto have = Tokens(got);
  for (size_t i = 0; i < want.size() && i < have.size(); ++i) {
    std::string where = "token " + std::to_string(i + 1) + ": expected " + Shown(want[i]) +
                        ", got " + Shown(have[i]);
    std::optional<double> want_number = ParseNumberToken(want[i]);
    if (!want_number) {
      if (want[i] != have[i]) return Differ(where);
      continue;
    }
    std::optional<double> have_number = ParseNumberToken(have[i]);
    if (!have_number) return Differ(where + " (not a number)");
    // IMPORTANT: two integers compare exactly, digit by digit. As doubles, 1000000007 and
    // 1000000008 are within rel_tol 1e-9 of each other, and integers past 2^53 can even be
    // the same double: a tolerance would pass wrong answers. Tolerance is for real numbers.
    auto want_int = IntegerDigits(want[i]);
    auto have_int = IntegerDigits(have[i]);
    if (want_int && have_int) {
      if (*want_int != *have_int) return Differ(where + " (integers differ)");
      continue;
    }
    if (!IsClose(*want_number, *have_number, tolerance)) return Differ(where);
  }
  if (want.size() != have.size()) {
    return Differ(CountMismatch("tokens", want.size(), have.size()));
  }
  return Equal();
}

CompareResult CompareUnorderedLines(std::string_view expected, std::string_view got) {
  auto want = NormalizedLines(expected);
  auto have = NormalizedLines(got);
  if (want.size() != have.size()) return Differ(CountMismatch("lines", want.size(), have.size()));
  std::sort(want.begin(), want.end());
  std::sort(have.begin(), have.end());
  // Report a line that is missing from the output (or one that is extra).
  std::vector<std::string_view> missing, extra;
  std::set_difference(want.begin(), want.end(), have.begin(), have.end(),
                      std::back_inserter(missing));
  if (missing.empty()) return Equal();
  std::set_difference(have.begin(), have.end(), want.begin(), want.end(),
                      std::back_inserter(extra));
  return Differ("expected line " + Shown(missing.front()) + " is missing; unexpected line " +
                Shown(extra.front()));
}

CompareResult CompareText(const TextCompareSpec& spec, std::string_view expected,
                          std::string_view got) {
  switch (spec.mode) {
    case TextMode::kExact:
      return CompareExact(expected, got);
    case TextMode::kWhitespace:
      return CompareWhitespace(expected, got);
    case TextMode::kTokens:
      return CompareTokens(expected, got);
    case TextMode::kFloat:
      return CompareFloatTokens(expected, got, spec.tolerance);
    case TextMode::kUnorderedLines:
      return CompareUnorderedLines(expected, got);
  }
  return Differ("unknown comparison mode");
}

}  // namespace proctor::grader::compare
