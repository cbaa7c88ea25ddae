// Specification of grader/importers/leetcode: LeetCodeDataset's HumanEval-with-a-class layout
// becomes Python tasks with entry point Solution.<method> (upstream's Solution().<method>),
// the preamble plus a runnable starter, prompt + completion as the reference and `test`'s
// check(candidate) as the hidden unit test, linked-list problems included; through the real
// binary the pack checks and grades.
#include "grader/importers/leetcode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "grader/importers/python_text.h"
#include "grader/task/pack_loader.h"
#include "tests/importers/binary_e2e.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

class LeetCodeTest : public TempDirTest {
 protected:
  std::string ImportError(const std::string& jsonl) {
    ImportRequest request;
    std::filesystem::remove_all(Out());  // a failed import may have written some tasks
    request.input = Write("in.jsonl", jsonl);
    request.out_dir = Out();
    request.progress = false;
    report_ = {};
    std::string error;
    return RunLeetCode(request, &report_, &error) ? "(ok)" : error;
  }
  std::string In() const { return dir_ + "/in.jsonl"; }

  static std::string Record(const std::string& field = "", json value = nullptr) {
    json r = {{"task_id", "add-two"},
              {"question_id", 9999},
              {"difficulty", "Easy"},
              {"tags", json::array({"Math"})},
              {"problem_description", "Return a + b."},
              {"starter_code", "class Solution:\n    def add(self, a: int, b: int) -> int:\n        "},
              {"estimated_date", "2020-01-01T00:00:00"},
              {"prompt", "from typing import *\n"},
              {"completion", "class Solution:\n    def add(self, a: int, b: int) -> int:\n"
                             "        return a + b\n"},
              {"entry_point", "Solution().add"},
              {"test", "def check(candidate):\n    assert candidate(a = 1, b = 2) == 3\n"},
              {"input_output", json::array({{{"input", "a = 1, b = 2"}, {"output", "3"}}})},
              {"query", "..."},
              {"response", "..."}};
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

TEST_F(LeetCodeTest, EntryPoints) {
  EXPECT_EQ(LeetCodeEntryPoint("Solution().twoSum"), "Solution.twoSum");
  EXPECT_EQ(LeetCodeEntryPoint("helper"), "helper");
  EXPECT_EQ(LeetCodeEntryPoint("Solution(1).twoSum"), "");
  EXPECT_EQ(LeetCodeEntryPoint("a.b.c"), "");
  EXPECT_EQ(LeetCodeEntryPoint("Solution()."), "");
  EXPECT_EQ(LeetCodeEntryPoint(std::string(1 << 20, 'a') + "().f"),
            std::string(1 << 20, 'a') + ".f");  // long input: no regex recursion
}

TEST(RunnableStarterTest, EmptyBlocksGetAPassBody) {
  EXPECT_EQ(RunnableStarter("class Solution:\n    def f(self, x: int) -> int:\n        "),
            "class Solution:\n    def f(self, x: int) -> int:\n        pass\n");
  // Design-style starters: several empty methods, comments between.
  EXPECT_EQ(RunnableStarter("class C:\n\n    def __init__(self):\n        \n\n"
                            "    # get\n    def get(self, k: int) -> int:\n        \n"),
            "class C:\n\n    def __init__(self):\n        pass\n\n\n    # get\n"
            "    def get(self, k: int) -> int:\n        pass\n");
  EXPECT_EQ(RunnableStarter("def f():\n    return 1\n"), "def f():\n    return 1\n");
  EXPECT_EQ(RunnableStarter(""), "");
}

TEST_F(LeetCodeTest, ImportsTheFixture) {
  ImportRequest request;
  request.input = FixturePath("leetcode.jsonl");
  request.out_dir = Out();
  request.progress = false;
  std::string error;
  ASSERT_TRUE(RunLeetCode(request, &report_, &error)) << error;
  EXPECT_EQ(report_.records, 3);
  EXPECT_EQ(report_.tasks, 3);
  EXPECT_EQ(report_.skipped, 0);
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  ASSERT_EQ(pack->tasks.size(), 3u);
  const task::Task& t = pack->tasks[2];  // file name order: average-..., reverse-..., two-sum
  EXPECT_EQ(t.id, "two-sum");
  EXPECT_EQ(t.source, "leetcode");
  EXPECT_EQ(t.entry_point, "Solution.twoSum");
  ASSERT_EQ(t.starter.size(), 1u);
  const std::string& starter = t.starter[0].code.text;
  EXPECT_EQ(starter.rfind("import random\n", 0), 0u) << "the preamble comes first";
  EXPECT_NE(starter.find("def is_same_list(p1, p2):"), std::string::npos);
  EXPECT_NE(starter.find("-> List[int]:\n        pass\n"), std::string::npos) << starter;
  ASSERT_EQ(t.reference_solutions.size(), 1u);
  EXPECT_NE(t.reference_solutions[0].code.text.find("inf = float('inf')"), std::string::npos);
  ASSERT_EQ(t.tests.size(), 1u);
  const auto* unit = std::get_if<task::UnitTest>(&t.tests[0].body);
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(unit->style, task::UnitStyle::kHumanEval);
  EXPECT_EQ(t.tests[0].visibility, task::Visibility::kHidden);
}

TEST_F(LeetCodeTest, BrokenRecordsNameLineAndField) {
  EXPECT_EQ(ImportError(Record() + Record("completion")),
            In() + ":2: missing field \"completion\"");
  EXPECT_EQ(ImportError(Record("entry_point", "Solution(x).add")),
            In() + ":1: field \"entry_point\": \"Solution(x).add\" is neither Class().method nor "
                   "a function name");
  EXPECT_EQ(ImportError(Record("test", "assert True\n")),
            In() + ":1: field \"test\" does not define check(candidate)");
  EXPECT_EQ(ImportError(Record("task_id", "Two Sum")), "(ok)");  // mapped, original kept
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->tasks[0].id, "Two_Sum");
  EXPECT_EQ(pack->tasks[0].source_id, "Two Sum");
}

class LeetCodeBinaryTest : public TempDirTest {};

TEST_F(LeetCodeBinaryTest, ImportCheckAndGradeThroughTheBinary) {
  CommandOutput import = ImportFixture("leetcode", FixturePath("leetcode.jsonl"), Out());
  ASSERT_EQ(import.exit_code, 0) << import.out << import.err;
  CommandOutput check = CheckPack(Out());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;  // prompt + completion scores 1.0
  std::vector<Graded> graded =
      GradeFixtureSubmissions(Out(), FixturePath("leetcode_submissions.jsonl"), dir_);
  ASSERT_EQ(graded.size(), 7u);
  ExpectGradedAsWritten(graded);
}

}  // namespace
}  // namespace proctor::grader::importers
