// Specification of grader/importers/mbpp: MBPP-format problems become a loadable pack of
// asserts-style unit tests; bad input lines are reported as file:line: message.
#include "grader/importers/mbpp.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "grader/task/pack_loader.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

namespace fs = std::filesystem;
using task::LoadPack;

const std::string kFixture = std::string(PROCTOR_IMPORTERS_TEST_DIR) + "/mbpp_fixture.jsonl";

std::string Record(const std::string& field = "", nlohmann::json value = nullptr) {
  nlohmann::json record = {{"task_id", 11},
                           {"text", "Write a function to double a number."},
                           {"code", "def double(x):\r\n    return 2 * x"},
                           {"test_setup_code", ""},
                           {"test_list", {"assert double(2) == 4", "assert double(0) == 0"}},
                           {"challenge_test_list", nlohmann::json::array()}};
  if (!field.empty()) {
    if (value.is_null()) {
      record.erase(field);
    } else {
      record[field] = value;
    }
  }
  return record.dump() + "\n";
}

const task::UnitTest& Unit(const task::Test& test) { return std::get<task::UnitTest>(test.body); }

class MbppTest : public TempDirTest {
 protected:
  std::string ImportError(const std::string& jsonl) {
    std::string path = Write("in.jsonl", jsonl);
    std::string error;
    if (ImportMbpp(path, Out(), &error)) return "(ok)";
    return error;
  }
  std::string InPath() const { return dir_ + "/in.jsonl"; }
};

TEST_F(MbppTest, ImportsTheFixture) {
  std::string error;
  ASSERT_TRUE(ImportMbpp(kFixture, Out(), &error)) << error;
  EXPECT_TRUE(fs::exists(Out() + "/tasks/mbpp-002.yaml"));
  auto pack = LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->name, "mbpp");
  EXPECT_NE(pack->description.find("CC BY 4.0"), std::string::npos);
  ASSERT_EQ(pack->tasks.size(), 6u);
  // File-name order: 002, 003, 004, 012, 082, 771.
  EXPECT_EQ(pack->tasks[0].id, "mbpp/2");
  EXPECT_EQ(pack->tasks[0].entry_point, "similar_elements");  // not the enclosing set(...)
  EXPECT_EQ(pack->tasks[1].entry_point, "is_not_prime");
  EXPECT_EQ(pack->tasks[2].entry_point, "heap_queue_largest");
  EXPECT_EQ(pack->tasks[3].id, "mbpp/12");
  EXPECT_EQ(pack->tasks[4].entry_point, "volume_sphere");  // not math.isclose
  EXPECT_EQ(pack->tasks[5].id, "mbpp/771");
  EXPECT_EQ(pack->tasks[5].entry_point, "check_expression");

  const task::Task& sphere = pack->tasks[4];
  EXPECT_NE(sphere.prompt.find("Write a function to find the volume of a sphere."),
            std::string::npos);
  EXPECT_NE(sphere.prompt.find("assert math.isclose(volume_sphere(10)"), std::string::npos);
  ASSERT_EQ(sphere.tests.size(), 2u);  // example + tests; no challenge tests
  EXPECT_EQ(sphere.tests[0].visibility, task::Visibility::kPublic);
  EXPECT_EQ(sphere.tests[1].visibility, task::Visibility::kHidden);
  EXPECT_EQ(Unit(sphere.tests[1]).style, task::UnitStyle::kAsserts);
  const std::string& code = Unit(sphere.tests[1]).code.text;
  EXPECT_EQ(code.rfind("from solution import volume_sphere\nimport math\n", 0), 0u) << code;
  EXPECT_NE(code.find("# --- test: assert-3\n"), std::string::npos) << code;

  const task::Task& matrix = pack->tasks[3];
  ASSERT_EQ(matrix.tests.size(), 3u);
  EXPECT_EQ(matrix.tests[2].name, "challenge");
  EXPECT_EQ(matrix.tests[2].visibility, task::Visibility::kHidden);
  EXPECT_NE(Unit(matrix.tests[1]).code.text.find("DEFAULT = [[1, 2, 3]"), std::string::npos);
  // \r\n of the upstream code becomes \n.
  EXPECT_EQ(matrix.reference_solutions[0].code.text,
            "def sort_matrix(M):\n    result = sorted(M, key=sum)\n    return result");
}

TEST_F(MbppTest, TaskIdMayBeAString) {
  EXPECT_EQ(ImportError(Record("task_id", "7")), "(ok)");
  auto pack = LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->tasks[0].id, "mbpp/7");
  EXPECT_EQ(pack->tasks[0].tests.size(), 2u);
}

TEST_F(MbppTest, LineThatIsNotJson) {
  std::string error = ImportError(Record() + "not json at all\n");
  EXPECT_EQ(error.rfind(InPath() + ":2: not valid JSON: ", 0), 0u) << error;
  EXPECT_FALSE(fs::exists(Out()));
}

TEST_F(MbppTest, MissingField) {
  EXPECT_EQ(ImportError(Record("test_list")), InPath() + ":1: missing field \"test_list\"");
  EXPECT_EQ(ImportError(Record("code")), InPath() + ":1: missing field \"code\"");
}

TEST_F(MbppTest, OptionalFieldsMayBeAbsent) {
  std::string jsonl = Record("challenge_test_list");
  auto record = nlohmann::json::parse(jsonl);
  record.erase("test_setup_code");
  EXPECT_EQ(ImportError(record.dump() + "\n"), "(ok)");
}

TEST_F(MbppTest, BadTests) {
  EXPECT_EQ(ImportError(Record("test_list", nlohmann::json::array())),
            InPath() + ":1: field \"test_list\" is empty");
  EXPECT_EQ(ImportError(Record("test_list", {"assert double(1) == 2", 5})),
            InPath() + ":1: field \"test_list\" item 1 must be a string, not a number");
  EXPECT_EQ(ImportError(Record("test_list", {"print(double(1))"})),
            InPath() +
                ":1: field \"test_list\" item 0 is not an assert statement: "
                "print(double(1))");
  EXPECT_EQ(ImportError(Record("test_list", {"assert 1 == 1"})),
            InPath() +
                ":1: cannot tell the function under test from the first assert: "
                "assert 1 == 1");
  EXPECT_EQ(ImportError(Record("task_id", 1.5)),
            InPath() +
                ":1: field \"task_id\" must be a non-negative integer or a string, "
                "not a number");
}

TEST_F(MbppTest, DuplicateIds) {
  EXPECT_EQ(ImportError(Record() + Record("task_id", "11")),
            InPath() + ":2: duplicate task_id \"mbpp/11\" (first on line 1)");
}

}  // namespace
}  // namespace proctor::grader::importers
