// Specification of grader/importers/yaml_writer: every string comes back byte for byte
// through yaml-cpp, whatever its whitespace.
#include "grader/importers/yaml_writer.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "grader/importers/pack_writer.h"

namespace proctor::grader::importers {
namespace {

const std::vector<std::string> kTexts = {
    "",
    "plain",
    "with: colon and # hash",
    "'quoted' \"double\" \\ backslash",
    "true",
    "12",
    "~",
    "line\n",
    "line",
    "a\nb",
    "a\nb\n\n\n",
    "\n\ndef f():\n    return 1\n",
    "    indented first line\nsecond\n",
    "x\n    \n  \ny\n",          // whitespace-only lines inside
    "  \nleading blank line\n",  // whitespace-only first line
    "tab\tinside\n\tand at the start\n",
    "trailing spaces   \nend   \n",
    "crlf\r\nline\r\n",
    "control \x01 \x7f bytes\n",
    "utf-8 \xc3\xa9\xe2\x80\x94 text\nsecond\n",
    "\n",
    "\n\n",
    "- looks like a list\n- item\n",
    "# comment-like\n",
    "|\n",
    "---\n...\n",
    "unicode line separator \xe2\x80\xa8 and nel \xc2\x85 inside\n",
    "bom \xef\xbb\xbf inside\nline\n",
    "x\n\ty\n",
    "first\n\n\n  indented after blank lines\nlast\n",
    std::string(3000, 'y') + " " + std::string(3000, 'z'),
};

TEST(YamlWriterTest, StringsReadBackUnchangedAtEveryDepth) {
  for (const std::string& text : kTexts) {
    YamlWriter w;
    w.String("top", text);
    w.BeginMap("map");
    w.String("inner", text);
    w.BeginList("list");
    w.BeginItem();
    w.String("first", text);
    w.String("second", text);
    w.End();
    w.BeginItem();
    w.BeginMap("nested");
    w.String("deep", text);
    w.End();
    w.End();
    w.End();
    w.End();
    std::string doc = w.Take();
    YAML::Node node;
    ASSERT_NO_THROW(node = YAML::Load(doc)) << doc;
    EXPECT_EQ(node["top"].as<std::string>(), text) << doc;
    EXPECT_EQ(node["map"]["inner"].as<std::string>(), text) << doc;
    ASSERT_EQ(node["map"]["list"].size(), 2u) << doc;
    EXPECT_EQ(node["map"]["list"][0]["first"].as<std::string>(), text) << doc;
    EXPECT_EQ(node["map"]["list"][0]["second"].as<std::string>(), text) << doc;
    EXPECT_EQ(node["map"]["list"][1]["nested"]["deep"].as<std::string>(), text) << doc;
  }
}

TEST(YamlWriterTest, CodeIsWrittenAsALiteralBlock) {
  YamlWriter w;
  w.String("code", "def f():\n    return 1\n");
  EXPECT_EQ(w.Take(), "code: |\n  def f():\n      return 1\n");
}

TEST(YamlWriterTest, FlowValuesAreVerbatim) {
  YamlWriter w;
  w.Flow("languages", "[python]");
  w.Flow("weight", "2");
  EXPECT_EQ(w.Take(), "languages: [python]\nweight: 2\n");
}

TEST(YamlWriterTest, FlowValuesKeepTheirMeaning) {
  // Quoted scalars stay strings, plain ones plain, nulls null: "12" must not become 12.
  YamlWriter w;
  w.Flow("args", R"(["12", '3', 4, ~, null, {"$tuple": [1, "x"]}, [a, "b c"], -2.5e3])");
  w.Flow("empty", "[]");
  std::string doc = w.Take();
  YAML::Node node = YAML::Load(doc);
  const YAML::Node& args = node["args"];
  ASSERT_TRUE(args.IsSequence()) << doc;
  ASSERT_EQ(args.size(), 8u) << doc;
  EXPECT_EQ(args[0].Tag(), "!") << doc;  // quoted
  EXPECT_EQ(args[0].Scalar(), "12");
  EXPECT_EQ(args[1].Tag(), "!") << doc;
  EXPECT_EQ(args[2].Tag(), "?") << doc;  // plain
  EXPECT_EQ(args[2].Scalar(), "4");
  EXPECT_TRUE(args[3].IsNull()) << doc;
  EXPECT_TRUE(args[4].IsNull()) << doc;
  EXPECT_EQ(args[5]["$tuple"][1].Tag(), "!") << doc;
  EXPECT_EQ(args[6][1].Scalar(), "b c") << doc;
  EXPECT_EQ(args[7].Scalar(), "-2.5e3") << doc;
  EXPECT_TRUE(node["empty"].IsSequence() && node["empty"].size() == 0) << doc;
}

TEST(YamlWriterTest, FlowTextThatIsNotYamlIsRefused) {
  YamlWriter w;
  EXPECT_THROW(w.Flow("args", "[1, 2"), std::invalid_argument);
}

TEST(YamlWriterTest, QuoteYamlReadsBack) {
  for (const std::string& text : kTexts) {
    std::string quoted = QuoteYaml(text);
    ASSERT_EQ(quoted.front(), '"') << quoted;
    EXPECT_EQ(YAML::Load("k: " + quoted)["k"].as<std::string>(), text) << quoted;
  }
}

TEST(PackWriterTest, FileStems) {
  EXPECT_EQ(FileStem("HumanEval/0"), "humaneval-000");
  EXPECT_EQ(FileStem("HumanEval/163"), "humaneval-163");
  EXPECT_EQ(FileStem("mbpp/11"), "mbpp-011");
  EXPECT_EQ(FileStem("mbpp/1234"), "mbpp-1234");
  EXPECT_EQ(FileStem("Some..Thing_x"), "some-thing-x");
  EXPECT_EQ(FileStem("///"), "task");
}

TEST(PackWriterTest, Names) {
  EXPECT_TRUE(IsIdentifier("has_close_elements"));
  EXPECT_FALSE(IsIdentifier("1abc"));
  EXPECT_FALSE(IsIdentifier("a.b"));
  EXPECT_FALSE(IsIdentifier(""));
  EXPECT_TRUE(IsTaskId("HumanEval/0"));
  EXPECT_FALSE(IsTaskId("/abs"));
  EXPECT_FALSE(IsTaskId("has space"));
}

}  // namespace
}  // namespace proctor::grader::importers
