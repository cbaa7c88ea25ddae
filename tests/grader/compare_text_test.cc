// Specification of grader/compare/text.h and float_close.h: how program output is judged.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "grader/compare/float_close.h"
#include "grader/compare/text.h"

namespace proctor::grader::compare {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Exact, AcceptsOnlyIdenticalBytes) {
  EXPECT_TRUE(CompareExact("3\n", "3\n").equal);
  EXPECT_FALSE(CompareExact("3\n", "3").equal);
  EXPECT_FALSE(CompareExact("3\n", "3\r\n").equal);
  EXPECT_FALSE(CompareExact("", " ").equal);
}

TEST(Exact, ReasonPointsAtTheFirstDifference) {
  EXPECT_EQ(CompareExact("a\nbcd\n", "a\nbXd\n").reason,
            "first difference at byte 3 (line 2, column 2): expected \"cd\\n\", got \"Xd\\n\"");
}

TEST(Whitespace, IgnoresTrailingSpaceAndTrailingBlankLines) {
  EXPECT_TRUE(CompareWhitespace("1 2\n3\n", "1 2   \n3\t\n\n\n").equal);
  EXPECT_TRUE(CompareWhitespace("1 2\n3\n", "1 2\r\n3").equal);
  EXPECT_TRUE(CompareWhitespace("", "\n \n").equal);
}

TEST(Whitespace, KeepsLeadingAndInnerSpaceAndBlankLinesBetween) {
  EXPECT_FALSE(CompareWhitespace("1 2\n", " 1 2\n").equal);
  EXPECT_FALSE(CompareWhitespace("1 2\n", "1  2\n").equal);
  EXPECT_FALSE(CompareWhitespace("1\n2\n", "1\n\n2\n").equal);
  EXPECT_EQ(CompareWhitespace("1\n2\n", "1\n3\n").reason, "line 2: expected \"2\", got \"3\"");
  EXPECT_EQ(CompareWhitespace("1\n2\n", "1\n").reason, "expected 2 lines, got 1");
}

TEST(Tokens, SplitsOnAnyWhitespace) {
  EXPECT_TRUE(CompareTokens("42\n", "  42  ").equal);
  EXPECT_TRUE(CompareTokens("1 2\n3", "1\n2\t3\n").equal);
  EXPECT_FALSE(CompareTokens("42", "42 0").equal);
  EXPECT_FALSE(CompareTokens("42", "").equal);
  EXPECT_FALSE(CompareTokens("42", "042").equal);  // tokens are text, not numbers
  EXPECT_EQ(CompareTokens("1 2", "1 3").reason, "token 2: expected \"2\", got \"3\"");
}

TEST(IsClose, FollowsMathIsclose) {
  FloatTolerance t{.abs_tol = 0, .rel_tol = 1e-9};
  EXPECT_TRUE(IsClose(1.0, 1.0 + 1e-10, t));
  EXPECT_FALSE(IsClose(1.0, 1.0 + 1e-8, t));
  EXPECT_FALSE(IsClose(0.0, 1e-300, t));  // relative tolerance alone never accepts near 0
  EXPECT_TRUE(IsClose(0.0, 1e-300, {.abs_tol = 1e-12, .rel_tol = 0}));
  EXPECT_TRUE(IsClose(0.0, -0.0, t));
}

TEST(IsClose, NanIsAcceptedOnlyForAnExpectedNan) {
  FloatTolerance huge{.abs_tol = 1e308, .rel_tol = 1.0};
  EXPECT_TRUE(IsClose(kNan, kNan, huge));
  EXPECT_FALSE(IsClose(1.0, kNan, huge));  // `!(diff > tol)` would accept this
  EXPECT_FALSE(IsClose(kNan, 1.0, huge));
  EXPECT_FALSE(IsClose(kNan, kInf, huge));
}

TEST(IsClose, InfinityIsAcceptedOnlyForTheSameInfinity) {
  FloatTolerance huge{.abs_tol = 1e308, .rel_tol = 1.0};
  EXPECT_TRUE(IsClose(kInf, kInf, huge));
  EXPECT_TRUE(IsClose(-kInf, -kInf, huge));
  EXPECT_FALSE(IsClose(kInf, -kInf, huge));
  EXPECT_FALSE(IsClose(kInf, 1e308, huge));
  EXPECT_FALSE(IsClose(1e308, kInf, huge));
}

TEST(ParseNumberToken, AcceptsNumbersOnly) {
  EXPECT_EQ(ParseNumberToken("12"), 12.0);
  EXPECT_EQ(ParseNumberToken("+1.5"), 1.5);
  EXPECT_EQ(ParseNumberToken("-3e2"), -300.0);
  EXPECT_EQ(ParseNumberToken(".5"), 0.5);
  EXPECT_EQ(ParseNumberToken("1e999"), kInf);
  EXPECT_TRUE(std::isnan(*ParseNumberToken("nan")));
  EXPECT_EQ(ParseNumberToken("-inf"), -kInf);
  EXPECT_FALSE(ParseNumberToken("1.5x").has_value());
  EXPECT_FALSE(ParseNumberToken("+-1").has_value());
  EXPECT_FALSE(ParseNumberToken("0x10").has_value());
  EXPECT_FALSE(ParseNumberToken("").has_value());
}

TEST(FloatTokens, ComparesNumbersWithToleranceAndWordsExactly) {
  FloatTolerance t{.abs_tol = 1e-6, .rel_tol = 0};
  EXPECT_TRUE(CompareFloatTokens("x = 0.3333333\n", "x =  0.33333333333", t).equal);
  EXPECT_FALSE(CompareFloatTokens("x = 0.3333333", "X = 0.3333333", t).equal);
  EXPECT_FALSE(CompareFloatTokens("0.5", "0.51", t).equal);
  EXPECT_EQ(CompareFloatTokens("0.5", "half", t).reason,
            "token 1: expected \"0.5\", got \"half\" (not a number)");
  EXPECT_EQ(CompareFloatTokens("1 2", "1", t).reason, "expected 2 tokens, got 1");
}

TEST(FloatTokens, NanAndInfinityInOutput) {
  FloatTolerance t{.abs_tol = 1e9, .rel_tol = 1};
  EXPECT_TRUE(CompareFloatTokens("nan", "NaN", t).equal);
  EXPECT_FALSE(CompareFloatTokens("1.0", "nan", t).equal);
  EXPECT_FALSE(CompareFloatTokens("nan", "1.0", t).equal);
  EXPECT_TRUE(CompareFloatTokens("inf", "Infinity", t).equal);
  EXPECT_FALSE(CompareFloatTokens("inf", "-inf", t).equal);
  EXPECT_FALSE(CompareFloatTokens("1e300", "inf", t).equal);
}

// A tolerance is for real numbers: an integer answer off by one is wrong however large it
// is, even where the two integers are within rel_tol or are the same double.
TEST(FloatTokens, TwoIntegersCompareExactly) {
  FloatTolerance t{.abs_tol = 1e-6, .rel_tol = 1e-6};
  EXPECT_FALSE(CompareFloatTokens("1000000007", "1000000008", t).equal);
  EXPECT_FALSE(CompareFloatTokens("9007199254740993", "9007199254740992", t).equal);
  EXPECT_FALSE(CompareFloatTokens("123456789012345678901234567890", "123456789012345678901234567891", t).equal);
  EXPECT_TRUE(CompareFloatTokens("123456789012345678901234567890", "123456789012345678901234567890", t).equal);
  EXPECT_TRUE(CompareFloatTokens("7 -0", "+007 0", t).equal);
  EXPECT_EQ(CompareFloatTokens("5", "6", t).reason, "token 1: expected \"5\", got \"6\" (integers differ)");
  // An integer expected, a real number printed: the tolerance applies (a checker's doubles).
  EXPECT_TRUE(CompareFloatTokens("3", "2.9999999999", t).equal);
  EXPECT_TRUE(CompareFloatTokens("3", "3.000000", t).equal);
  EXPECT_FALSE(CompareFloatTokens("3", "3.01", t).equal);
}

TEST(UnorderedLines, ComparesLinesAsAMultiset) {
  EXPECT_TRUE(CompareUnorderedLines("a\nb\nb\n", "b\na\nb").equal);
  EXPECT_TRUE(CompareUnorderedLines("a\nb\n", "b  \na\n\n").equal);
  EXPECT_FALSE(CompareUnorderedLines("a\nb\nb\n", "a\na\nb\n").equal);
  EXPECT_EQ(CompareUnorderedLines("a\nb\n", "a\nc\n").reason,
            "expected line \"b\" is missing; unexpected line \"c\"");
  EXPECT_EQ(CompareUnorderedLines("a\n", "a\na\n").reason, "expected 1 lines, got 2");
}

TEST(CompareText, DispatchesOnTheMode) {
  EXPECT_TRUE(CompareText({TextMode::kTokens, {}}, "1 2", "1\n2").equal);
  EXPECT_FALSE(CompareText({TextMode::kExact, {}}, "1 2", "1\n2").equal);
  EXPECT_TRUE(CompareText({}, "1\n", "1  \n\n").equal);  // default: whitespace
}

}  // namespace
}  // namespace proctor::grader::compare
