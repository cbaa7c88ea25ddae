// Specification of grader/importers/apps (and the shared contest_pack helpers): APPS rows
// (codeparrot/apps layout) become stdio tasks with test files or call tasks compared with
// call compare json; broken records are skipped with a note naming line and field.
#include "grader/importers/apps.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <variant>

#include "grader/importers/contest_pack.h"
#include "grader/task/pack_loader.h"
#include "tests/importers/contest_end_to_end.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool HasNote(const ImportReport& report, const std::string& note) {
  for (const std::string& n : report.notes)
    if (n == note) return true;
  return false;
}

std::string Notes(const ImportReport& report) {
  std::string out;
  for (const std::string& n : report.notes) out += n + "\n";
  return out;
}

// One APPS row in the upstream layout: solutions and input_output are JSON strings.
std::string Row(int id, const json& io, const json& solutions = json::array({"print(1)\n"})) {
  return json{{"problem_id", id},
              {"question", "Q"},
              {"solutions", solutions.dump()},
              {"input_output", io.is_string() ? io : json(io.dump())},
              {"difficulty", "interview"},
              {"url", ""},
              {"starter_code", ""}}
             .dump() +
         "\n";
}

const json kGoodIo = {{"inputs", {"1\n"}}, {"outputs", {"1\n"}}};

class AppsTest : public TempDirTest {
 protected:
  bool Import(const std::string& path, std::string* error) {
    report_ = {};
    ImportRequest request;
    request.input = path;
    request.out_dir = Out();
    request.progress = false;
    return RunApps(request, &report_, error);
  }
  ImportReport report_;
};

TEST_F(AppsTest, ImportsTheFixture) {
  const std::string fixture = FixturePath("apps.jsonl");
  std::string error;
  ASSERT_TRUE(Import(fixture, &error)) << error;
  EXPECT_EQ(report_.records, 5);
  EXPECT_EQ(report_.tasks, 4);
  EXPECT_EQ(report_.skipped, 1);
  EXPECT_TRUE(HasNote(report_, fixture + ":5: skipped: field \"input_output\" is missing or empty: "
                                         "no tests"))
      << Notes(report_);
  EXPECT_TRUE(HasNote(report_, fixture + ":1: 1 solutions use a top-level return: run inside a "
                                         "function, as APPS runs them"))
      << Notes(report_);

  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->name, "apps");
  ASSERT_EQ(pack->tasks.size(), 4u);
  EXPECT_TRUE(pack->defaults.call_compare.json);
  EXPECT_TRUE(pack->defaults.call_compare.json_unwrap_single);
  EXPECT_EQ(pack->defaults.stdio_compare.mode, compare::TextMode::kTokens);

  // apps/0: stdin tests as files; an expected output given as a list of lines is joined.
  const task::Task& max = pack->tasks[0];
  EXPECT_EQ(max.id, "apps/0");
  EXPECT_EQ(max.source, "apps");
  EXPECT_EQ(max.source_id, "0");
  EXPECT_EQ(max.languages.size(), 2u);  // python and cpp: stdio works with any language
  ASSERT_EQ(max.tests.size(), 4u);
  EXPECT_EQ(max.tests[2].name, "test-3");
  EXPECT_EQ(std::get<task::StdioTest>(max.tests[2].body).expected_stdout, "-3");
  EXPECT_EQ(ReadFile(Out() + "/tasks/apps-000/tests/test-1.in"), "3\n1 5 2\n");
  ASSERT_EQ(max.reference_solutions.size(), 2u);
  const std::string& wrapped = max.reference_solutions[0].code.text;
  EXPECT_NE(wrapped.find("def _proctor_main():\n    n = int(input())"), std::string::npos)
      << wrapped;
  EXPECT_NE(wrapped.find("\n_proctor_main()\n"), std::string::npos);
  EXPECT_EQ(max.reference_solutions[1].code.text.find("_proctor_main"), std::string::npos);
  EXPECT_EQ(wrapped.rfind("# The imports APPS' test harness", 0), 0u);

  // apps/1: a float answer goes to the float token checker, integer answers token by token.
  const task::Task& mean = pack->tasks[1];
  EXPECT_TRUE(std::get<task::StdioTest>(mean.tests[0].body).use_checker);
  ASSERT_TRUE(mean.checker.has_value());
  EXPECT_EQ(mean.checker->code.text, FloatTokenChecker());
  EXPECT_FALSE(max.checker.has_value());
  EXPECT_FALSE(std::get<task::StdioTest>(max.tests[0].body).use_checker);
  EXPECT_EQ(std::get<task::StdioTest>(max.tests[0].body).compare.mode, compare::TextMode::kTokens);

  // apps/2: call-based, a module-level function; expected values as upstream wrote them.
  const task::Task& min_max = pack->tasks[2];
  EXPECT_EQ(min_max.entry_point, "min_max");
  ASSERT_EQ(min_max.tests.size(), 4u);
  const auto& call = std::get<task::CallTest>(min_max.tests[0].body);
  EXPECT_EQ(call.function, "min_max");
  EXPECT_EQ(Repr(*call.expected), "[[1, 5]]");
  EXPECT_TRUE(call.compare.json);
  EXPECT_EQ(min_max.languages.size(), 1u);

  // apps/3: LeetCode style: the method of a fresh Solution(); the starter imports typing.
  const task::Task& two_sum = pack->tasks[3];
  EXPECT_EQ(std::get<task::CallTest>(two_sum.tests[0].body).function, "Solution.twoSum");
  ASSERT_EQ(two_sum.starter.size(), 1u);
  EXPECT_EQ(two_sum.starter[0].code.text.rfind("from typing import *\n\nclass Solution:", 0), 0u);
  EXPECT_NE(two_sum.prompt.find("```python\nfrom typing import *"), std::string::npos);
}

TEST_F(AppsTest, ReadsGzipCompressedJsonl) {
  std::string gz = dir_ + "/apps.jsonl.gz";
  auto zipped = testing::RunCommand(
      {"/bin/sh", "-c", "gzip -c '" + FixturePath("apps.jsonl") + "' > '" + gz + "'"});
  ASSERT_EQ(zipped.exit_code, 0) << zipped.err;
  std::string error;
  ASSERT_TRUE(Import(gz, &error)) << error;
  EXPECT_EQ(report_.tasks, 4);
  EXPECT_TRUE(HasNote(report_, gz + ":5: skipped: field \"input_output\" is missing or empty: "
                                    "no tests"))
      << Notes(report_);
}

TEST_F(AppsTest, BrokenRecordsAreSkippedWithLineAndField) {
  std::string rows =
      Row(1, kGoodIo) + Row(2, "{not json") +
      Row(3, {{"inputs", {"1\n", "2\n"}}, {"outputs", {"1\n"}}}) +
      Row(4, {{"fn_name", "f"}, {"inputs", {"1"}}, {"outputs", {1}}}) +
      Row(5, {{"inputs", {7}}, {"outputs", {"7\n"}}}) +
      Row(6, {{"fn_name", "not valid"}, {"inputs", json::array()}, {"outputs", json::array()}}) +
      json{{"problem_id", 7}, {"input_output", kGoodIo.dump()}}.dump() + "\n";
  std::string path = Write("in.jsonl", rows);
  std::string error;
  ASSERT_TRUE(Import(path, &error)) << error;
  EXPECT_EQ(report_.tasks, 1);
  EXPECT_EQ(report_.skipped, 6);
  std::string notes = Notes(report_);
  EXPECT_NE(notes.find(path + ":2: skipped: field \"input_output\" is not valid JSON: "),
            std::string::npos)
      << notes;
  EXPECT_TRUE(HasNote(report_, path + ":3: skipped: field \"input_output\" has 2 inputs but 1 "
                                      "outputs"))
      << notes;
  EXPECT_TRUE(HasNote(report_, path + ":4: skipped: field \"input_output\": inputs[0] is a string, "
                                      "not a list of arguments (fn_name given)"))
      << notes;
  EXPECT_TRUE(HasNote(report_, path + ":5: skipped: field \"input_output\": inputs[0] is a number, "
                                      "not a string (stdin test)"))
      << notes;
  EXPECT_TRUE(HasNote(report_, path + ":6: skipped: field \"input_output\" has no tests")) << notes;
  EXPECT_TRUE(HasNote(report_, path + ":7: skipped: missing field \"question\"")) << notes;
}

TEST_F(AppsTest, DuplicateIdsAndEmptyImportsFail) {
  std::string error;
  EXPECT_FALSE(Import(Write("dup.jsonl", Row(1, kGoodIo) + Row(1, kGoodIo)), &error));
  EXPECT_EQ(error, dir_ + "/dup.jsonl:2: duplicate task_id \"apps/1\" (first on line 1)");
  fs::remove_all(Out());
  EXPECT_FALSE(Import(Write("none.jsonl", Row(1, "")), &error));
  EXPECT_EQ(error, dir_ + "/none.jsonl: no record could be imported (see the notes)");
}

TEST_F(AppsTest, SolutionsNeedingMissingModulesAreLeftOut) {
  std::string path =
      Write("np.jsonl", Row(1, kGoodIo, {"import numpy as np\nprint(1)\n", "print(1)\n"}));
  std::string error;
  ASSERT_TRUE(Import(path, &error)) << error;
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->tasks[0].reference_solutions.size(), 1u);
  EXPECT_TRUE(HasNote(report_, path + ":1: 1 solutions not imported: they import a module the "
                                      "sandbox lacks (numpy, ...)"))
      << Notes(report_);
}

TEST_F(AppsTest, CallValuesAsAppsReadsThem) {
  // Integer-string dict keys become ints (APPS' harness converts them) in the first argument
  // and the expected value; a key starting with $ stays a plain str key.
  json io = {{"fn_name", "f"},
             {"inputs", {{{{"1", 2}, {"3", 4}}, {{"5", 6}}}, {1}}},
             {"outputs", {{{{"7", "x"}}}, {{"$tuple", 1}}}}};
  std::string path = Write("in.jsonl", Row(1, io));
  std::string error;
  ASSERT_TRUE(Import(path, &error)) << error;
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  const auto& first = std::get<task::CallTest>(pack->tasks[0].tests[0].body);
  ASSERT_EQ(first.args.size(), 2u);
  EXPECT_EQ(Repr(first.args[0]), "{1: 2, 3: 4}");
  EXPECT_EQ(Repr(first.args[1]), "{'5': 6}");
  EXPECT_EQ(Repr(*first.expected), "[{7: 'x'}]");
  const auto& second = std::get<task::CallTest>(pack->tasks[0].tests[1].body);
  EXPECT_EQ(Repr(*second.expected), "{'$tuple': 1}");
}

TEST(ContestPack, TopLevelReturnIsFoundOutsideFunctionsOnly) {
  EXPECT_TRUE(HasTopLevelReturn("n = int(input())\nif n == 0:\n    print(0)\n    return\n"));
  EXPECT_TRUE(HasTopLevelReturn("for x in range(3):\n    if x:\n        return\n"));
  EXPECT_TRUE(HasTopLevelReturn("if True: return\n"));
  EXPECT_TRUE(HasTopLevelReturn("if a:\n    pass\nelse: return print(1)\n"));
  EXPECT_TRUE(HasTopLevelReturn("try:\n    x = int(input())\nexcept: return\n"));
  EXPECT_FALSE(HasTopLevelReturn("if a: returned = 1\nd = {1: 'return'}\n"));
  EXPECT_TRUE(HasTopLevelReturn("def f():\n    return 1\nif f():\n    return\n"));
  EXPECT_FALSE(HasTopLevelReturn("def f():\n    if 1:\n        return 2\nprint(f())\n"));
  EXPECT_FALSE(HasTopLevelReturn("class A:\n    def g(self):\n        return 1\n"));
  EXPECT_FALSE(HasTopLevelReturn("print('return')\n# return\ns = \"\"\"\nreturn\n\"\"\"\n"));
  EXPECT_FALSE(HasTopLevelReturn("x = (1,\nreturn_value)\n"));
  EXPECT_FALSE(HasTopLevelReturn("async def main():\n    return 1\n"));
}

TEST(ContestPack, WrapInFunctionKeepsImportsAtModuleLevel) {
  std::string wrapped = WrapInFunction("from math import *\nimport sys\nx = 1\nif x:\n  return\n");
  EXPECT_EQ(wrapped,
            "from math import *\nimport sys\n\n\ndef _proctor_main():\n    x = 1\n    if x:\n"
            "      return\n    pass\n\n\n_proctor_main()\n");
  // Tab-indented programs get a tab, so indentation stays consistent.
  EXPECT_NE(WrapInFunction("if 1:\n\treturn\n").find("\tif 1:\n\t\treturn\n"), std::string::npos);
}

TEST(ContestPack, ModulesTheSandboxLacks) {
  EXPECT_TRUE(UsesMissingModule("import numpy as np\n"));
  EXPECT_TRUE(UsesMissingModule("x = 1\n    from scipy.special import comb\n"));
  EXPECT_TRUE(UsesMissingModule("import sys, numpy\n"));
  EXPECT_TRUE(UsesMissingModule("from sortedcontainers import SortedList\n"));
  EXPECT_FALSE(UsesMissingModule("import numpyish\nimport sys, math\n# import numpy\n"));
  EXPECT_FALSE(UsesMissingModule("print('import numpy')\n"));
}

class FloatTokenCheckerTest : public TempDirTest {
 protected:
  // Exit code of the checker on the host's python3, run as the sandbox runs Python.
  int Check(const std::string& expected, const std::string& output) {
    Write("checker.py", std::string(FloatTokenChecker()));
    Write("input.txt", "");
    Write("expected.txt", expected);
    Write("output.txt", output);
    return testing::RunCommand({"/usr/bin/python3", "-I", "-S", "-B", dir_ + "/checker.py",
                                dir_ + "/input.txt", dir_ + "/expected.txt", dir_ + "/output.txt"})
        .exit_code;
  }
};

TEST_F(FloatTokenCheckerTest, IntegersExactlyDecimalsWithinOneMillionth) {
  EXPECT_EQ(Check("1.5\n", "1.5\n"), 0);
  EXPECT_EQ(Check("0.333333\n", "0.3333333333"), 0);
  EXPECT_EQ(Check("2.5 3\n", "2.5000001\r\n3\n"), 0);
  EXPECT_EQ(Check("2.0\n", "2\n"), 0);  // a decimal answer printed as an integer
  EXPECT_EQ(Check("3 0.5\n", "3.0000000 0.5"), 0);
  EXPECT_EQ(Check("123456789012.5\n", "123456789012.6\n"), 0);  // relative 1e-6
  EXPECT_EQ(Check("YES 0.5\n", "YES 0.5\n"), 0);
  // An integer printed as an integer is exact, whatever its size and the tolerance.
  EXPECT_EQ(Check("1000000000001 0.5\n", "1000000000002 0.5\n"), 1);
  EXPECT_EQ(Check("3 0.5\n", "4 0.5\n"), 1);
  EXPECT_EQ(Check("007 0.5\n", "7 0.5\n"), 1);
  EXPECT_EQ(Check("123456789012345678901234567890 0.5", "123456789012345678901234567891 0.5"), 1);
  EXPECT_EQ(Check("0.33\n", "0.34\n"), 1);
  EXPECT_EQ(Check("0.5\n", "0.5 1\n"), 1);
  EXPECT_EQ(Check("0.5 1\n", "0.5\n"), 1);
  EXPECT_EQ(Check("YES 0.5\n", "yes 0.5\n"), 1);
  EXPECT_EQ(Check("1e400 0.5\n", "5 0.5\n"), 1);  // an infinity equals only itself
  EXPECT_EQ(Check("0.5\n", "nan\n"), 1);
  EXPECT_EQ(Check("0.5\n", ""), 1);
}

TEST(ContestPack, SplitFromTheFileName) {
  EXPECT_EQ(SplitOfFile("/data/apps_test.jsonl.gz"), "test");
  EXPECT_EQ(SplitOfFile("code_contests_train.jsonl"), "train");  // not "test" of "contests"
  EXPECT_EQ(SplitOfFile("cc-validation.jsonl"), "valid");
  EXPECT_EQ(SplitOfFile("taco.jsonl"), "");
  EXPECT_EQ(SplitOfFile("train_test.jsonl"), "");
}

TEST(ContestPack, FloatTokensAreDecimalFractionsOrExponents) {
  EXPECT_TRUE(HasFloatToken("1.5\n"));
  EXPECT_TRUE(HasFloatToken("3 1e-9"));
  EXPECT_TRUE(HasFloatToken("-0.25"));
  EXPECT_FALSE(HasFloatToken("12 -3\n100000000000000000000\n"));
  EXPECT_FALSE(HasFloatToken("YES a.b nan inf 1.2.3"));
}

TEST(ContestPack, LongIntegersInJsonStringsStayExact) {
  JsonlRecord record;
  record.file = "x.jsonl";
  record.line = 3;
  record.value = {{"io",
                   "{\"outputs\": [[15511210043330985984000000], -12345678901234567890, "
                   "1.5e300, \"123456789012345678901\"]}"}};
  std::optional<json> out;
  std::string error;
  ASSERT_TRUE(ReadJsonOrJsonString(record, "io", &out, &error)) << error;
  const json& outputs = (*out)["outputs"];
  EXPECT_EQ(outputs[0][0], kBigIntMarker + "15511210043330985984000000");
  EXPECT_EQ(outputs[1], kBigIntMarker + "-12345678901234567890");
  EXPECT_EQ(outputs[2], 1.5e300);
  EXPECT_EQ(outputs[3], "123456789012345678901");  // a string stays a string
  record.value = {{"io", "[NaN, Infinity, -Infinity, \"NaN\"]"}};
  ASSERT_TRUE(ReadJsonOrJsonString(record, "io", &out, &error)) << error;
  EXPECT_EQ(*out, json::array({kFloatMarker + "NaN", kFloatMarker + "Infinity",
                               kFloatMarker + "-Infinity", "NaN"}));
  record.value = {{"io", "[1,"}};
  EXPECT_FALSE(ReadJsonOrJsonString(record, "io", &out, &error));
  EXPECT_EQ(error.rfind("x.jsonl:3: field \"io\" is not valid JSON: ", 0), 0u) << error;
}

TEST_F(AppsTest, EndToEnd) { ExpectEndToEnd("apps", dir_); }

}  // namespace
}  // namespace proctor::grader::importers
