// Specification of grader/importers/livecodebench: the code_generation_lite layout (JSON-string
// test cases and metadata, private tests as base64(zlib(pickle))) becomes a pack whose stdin
// tasks judge as lcb_runner does and whose functional tasks call Solution.<func_name>; broken
// records are named by line and field; and through the real binary, the pack checks (it has no
// references: LCB publishes none) and grades the fixture's own correct and wrong solutions.
#include "grader/importers/livecodebench.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "grader/task/pack_loader.h"
#include "tests/importers/binary_e2e.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const task::Task* FindTask(const task::Pack& pack, const std::string& id) {
  for (const task::Task& t : pack.tasks)
    if (t.id == id) return &t;
  return nullptr;
}

class LiveCodeBenchTest : public TempDirTest {
 protected:
  // Imports `jsonl` (written to a file); the error, or "(ok)".
  std::string ImportError(const std::string& jsonl) {
    ImportRequest request;
    std::filesystem::remove_all(Out());  // a failed import may have written some tasks
    request.input = Write("in.jsonl", jsonl);
    request.out_dir = Out();
    request.progress = false;
    report_ = {};
    std::string error;
    return RunLiveCodeBench(request, &report_, &error) ? "(ok)" : error;
  }
  std::string In() const { return dir_ + "/in.jsonl"; }

  // A valid stdin record with `field` replaced by `value` (removed when null).
  static std::string Record(const std::string& field = "", json value = nullptr) {
    json tests = json::array({{{"input", "1\n"}, {"output", "1\n"}, {"testtype", "stdin"}}});
    json r = {{"question_title", "Echo"},      {"question_content", "Print n."},
              {"platform", "atcoder"},         {"question_id", "abc1_a"},
              {"contest_id", "abc1"},          {"contest_date", "2024-01-01T00:00:00"},
              {"starter_code", ""},            {"difficulty", "easy"},
              {"public_test_cases", tests.dump()}, {"private_test_cases", tests.dump()},
              {"metadata", "{}"}};
    if (!field.empty()) {
      if (value.is_null()) {
        r.erase(field);
      } else {
        r[field] = value;
      }
    }
    return r.dump() + "\n";
  }

  ImportReport report_;
};

TEST_F(LiveCodeBenchTest, ImportsTheFixture) {
  ImportRequest request;
  request.input = FixturePath("livecodebench.jsonl");
  request.out_dir = Out();
  request.time_scale = 2.0;
  request.progress = false;
  std::string error;
  ASSERT_TRUE(RunLiveCodeBench(request, &report_, &error)) << error;
  EXPECT_EQ(report_.records, 4);
  EXPECT_EQ(report_.tasks, 4);
  EXPECT_EQ(report_.skipped, 0);
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->name, "livecodebench");

  // A stdin problem whose private tests were compressed: decoded, judged by the checker.
  const task::Task* sum = FindTask(*pack, "abc999_a");
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->source, "livecodebench/atcoder");
  EXPECT_EQ(sum->languages.size(), 2u);  // python and cpp: stdio tests take any language
  ASSERT_TRUE(sum->checker.has_value());
  EXPECT_EQ(sum->checker->code.text, LiveCodeBenchChecker());
  EXPECT_TRUE(sum->reference_solutions.empty());
  EXPECT_TRUE(sum->scoring.count_public);  // LCB counts the public tests too
  EXPECT_EQ(sum->limits.cpu_seconds, 12.0);  // LCB's 6 s per test, times the scale
  ASSERT_EQ(sum->tests.size(), 4u);
  EXPECT_EQ(sum->tests[0].name, "public-1");
  EXPECT_EQ(sum->tests[0].visibility, task::Visibility::kPublic);
  EXPECT_EQ(sum->tests[1].name, "private-1");
  EXPECT_EQ(sum->tests[1].visibility, task::Visibility::kHidden);
  const auto* big = std::get_if<task::StdioTest>(&sum->tests[1].body);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->stdin_data, "1000000000000000000 1\n");
  EXPECT_EQ(big->expected_stdout, "1000000000000000001\n");
  EXPECT_TRUE(big->use_checker);

  // A functional problem: Solution.twoSum, LCB's imports in the starter, one check per test.
  const task::Task* two_sum = FindTask(*pack, "2999");
  ASSERT_NE(two_sum, nullptr);
  EXPECT_EQ(two_sum->entry_point, "Solution.twoSum");
  ASSERT_EQ(two_sum->languages.size(), 1u);
  ASSERT_EQ(two_sum->starter.size(), 1u);
  const std::string& starter = two_sum->starter[0].code.text;
  EXPECT_EQ(starter.rfind("from string import *\n", 0), 0u) << starter;
  EXPECT_NE(starter.find("from typing import *\n"), std::string::npos);
  EXPECT_NE(starter.find("class Solution:\n    def twoSum(self, nums: List[int], target: int) "
                         "-> List[int]:\n        pass\n"),
            std::string::npos)
      << starter;
  ASSERT_EQ(two_sum->tests.size(), 3u);
  const auto* check = std::get_if<task::UnitTest>(&two_sum->tests[2].body);
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(check->style, task::UnitStyle::kHumanEval);
  EXPECT_NE(check->code.text.find("_INPUT = \"[3,3]\\n6\""), std::string::npos) << check->code.text;

  // An id with a space is mapped, the original kept.
  const task::Task* mean = FindTask(*pack, "3001_B");
  ASSERT_NE(mean, nullptr);
  EXPECT_EQ(mean->source_id, "3001 B");
}

TEST_F(LiveCodeBenchTest, BrokenRecordsNameLineAndField) {
  EXPECT_EQ(ImportError(Record() + Record("question_content")),
            In() + ":2: missing field \"question_content\"");
  EXPECT_EQ(ImportError(Record("public_test_cases", "[{\"input\": 1")).rfind(
                In() + ":1: field \"public_test_cases\" is not valid JSON: ", 0),
            0u);
  EXPECT_EQ(ImportError(Record("public_test_cases", "[{\"input\": \"1\"}]")),
            In() + ":1: field \"public_test_cases\" item 1: \"output\" must be a string "
                   "(missing)");
  EXPECT_EQ(ImportError(Record("private_test_cases",
                               "[{\"input\": \"1\", \"output\": \"1\", \"testtype\": \"x\"}]")),
            In() + ":1: field \"private_test_cases\" item 1: \"testtype\" must be \"stdin\" or "
                   "\"functional\"");
  EXPECT_EQ(ImportError(Record("private_test_cases", "not base64!")),
            In() + ":1: field \"private_test_cases\" is neither JSON nor "
                   "base64(zlib(pickle(JSON))): base64: character 0x21 is not in the base64 "
                   "alphabet");
  EXPECT_EQ(ImportError(Record("metadata", "{\"func_name\": \"not a name\"}")),
            In() + ":1: field \"metadata\": func_name must be an identifier, not \"not a "
                   "name\"");
}

TEST_F(LiveCodeBenchTest, AHostilePickleIsRefusedNotRun) {
  // pickle.dumps of an object whose __reduce__ is os.system (fixtures/pickle_cases.json).
  std::ifstream in(FixturePath("pickle_cases.json"));
  json cases = json::parse(in);
  for (const char* name : {"global_protocol2", "stack_global_protocol4"}) {
    std::string error = ImportError(Record() + Record("private_test_cases", cases[name]));
    EXPECT_EQ(error.rfind(In() + ":2: field \"private_test_cases\" is neither JSON nor "
                                 "base64(zlib(pickle(JSON))): pickle: refused ",
                          0),
              0u)
        << error;
    EXPECT_NE(error.find("GLOBAL at offset"), std::string::npos) << error;
  }
}

TEST_F(LiveCodeBenchTest, RecordsThatCannotBeTasksAreSkippedWithANote) {
  json mixed = json::parse(Record("metadata", "{\"func_name\": \"f\"}"));  // stdin tests
  mixed["question_id"] = "abc3_a";
  EXPECT_EQ(ImportError(Record() + mixed.dump() + "\n"), "(ok)");
  EXPECT_EQ(report_.records, 2);
  EXPECT_EQ(report_.tasks, 1);
  ASSERT_EQ(report_.skipped, 1);
  EXPECT_EQ(report_.notes[0], In() + ":2: skipped: field \"public_test_cases\" item 1 is a stdin "
                                     "test, but metadata names func_name");
}

TEST_F(LiveCodeBenchTest, ARecordWithoutTestsIsSkipped) {
  std::string empty = Record("private_test_cases", "[]");
  json r = json::parse(empty);
  r["public_test_cases"] = "[]";
  r["question_id"] = "abc2_a";
  EXPECT_EQ(ImportError(Record() + r.dump() + "\n"), "(ok)");
  ASSERT_EQ(report_.skipped, 1);
  EXPECT_EQ(report_.notes[0],
            In() + ":2: skipped: no tests (public_test_cases and private_test_cases are empty)");
}

TEST_F(LiveCodeBenchTest, LargeTestsAreWrittenAsFiles) {
  std::string big_input(3000, '7');
  json stdin_record = json::parse(Record(
      "private_test_cases",
      json::array({{{"input", big_input + "\n"}, {"output", "x\n"}, {"testtype", "stdin"}}}).dump()));
  json functional = json::parse(Record(
      "public_test_cases",
      json::array({{{"input", "[" + std::string(2500, '1') + "]"}, {"output", "1"},
                    {"testtype", "functional"}}}).dump()));
  functional["question_id"] = "2000";
  functional["private_test_cases"] = "[]";
  functional["metadata"] = "{\"func_name\": \"f\"}";
  functional["starter_code"] = "class Solution:\n    def f(self, x):\n        ";
  ASSERT_EQ(ImportError(stdin_record.dump() + "\n" + functional.dump() + "\n"), "(ok)");
  EXPECT_TRUE(fs::exists(Out() + "/tasks/abc1-a/private-1.in"));
  EXPECT_TRUE(fs::exists(Out() + "/tasks/2000/public-1.py"));
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  const task::Task* sum = FindTask(*pack, "abc1_a");
  ASSERT_NE(sum, nullptr);
  const auto* stdio = std::get_if<task::StdioTest>(&sum->tests[1].body);
  ASSERT_NE(stdio, nullptr);
  EXPECT_EQ(stdio->stdin_data, big_input + "\n");
  const task::Task* f = FindTask(*pack, "2000");
  ASSERT_NE(f, nullptr);
  const auto* unit = std::get_if<task::UnitTest>(&f->tests[0].body);
  ASSERT_NE(unit, nullptr);
  EXPECT_NE(unit->code.text.find(std::string(2500, '1')), std::string::npos);
}

class LiveCodeBenchBinaryTest : public TempDirTest {};

TEST_F(LiveCodeBenchBinaryTest, ImportCheckAndGradeThroughTheBinary) {
  CommandOutput import = ImportFixture("livecodebench", FixturePath("livecodebench.jsonl"), Out());
  ASSERT_EQ(import.exit_code, 0) << import.out << import.err;
  CommandOutput check = CheckPack(Out());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("4 task(s) have no reference solution"), std::string::npos)
      << check.out;
  std::vector<Graded> graded =
      GradeFixtureSubmissions(Out(), FixturePath("livecodebench_submissions.jsonl"), dir_);
  ASSERT_EQ(graded.size(), 11u);
  ExpectGradedAsWritten(graded);
}

}  // namespace
}  // namespace proctor::grader::importers
