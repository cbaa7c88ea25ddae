// Comparators for program output (stdio tests). Each takes the expected text first.
//
//   kExact           bytes equal
//   kWhitespace      trailing whitespace of each line and trailing blank lines ignored
//                    ("\r\n" therefore equals "\n")
//   kTokens          the texts split on any whitespace give the same tokens
//   kFloat           tokens; where the expected token is a number, the got token must be a
//                    number close to it (see FloatTolerance), except that two integer tokens
//                    must be the same integer exactly; other tokens exactly equal
//   kUnorderedLines  lines as a multiset, each line normalized as in kWhitespace
#pragma once

#include <string_view>

#include "grader/compare/compare_result.h"

namespace proctor::grader::compare {

enum class TextMode { kExact, kWhitespace, kTokens, kFloat, kUnorderedLines };

// "exact", "whitespace", "tokens", "float", "unordered_lines".
std::string_view TextModeName(TextMode mode);

struct TextCompareSpec {
  TextMode mode = TextMode::kWhitespace;  // how output is compared
  FloatTolerance tolerance;               // kFloat only
};

CompareResult CompareExact(std::string_view expected, std::string_view got);
CompareResult CompareWhitespace(std::string_view expected, std::string_view got);
CompareResult CompareTokens(std::string_view expected, std::string_view got);
CompareResult CompareFloatTokens(std::string_view expected, std::string_view got,
                                 const FloatTolerance& tolerance);
CompareResult CompareUnorderedLines(std::string_view expected, std::string_view got);

// Dispatches on spec.mode.
CompareResult CompareText(const TextCompareSpec& spec, std::string_view expected,
                          std::string_view got);

}  // namespace proctor::grader::compare
