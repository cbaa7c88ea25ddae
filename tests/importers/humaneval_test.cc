// Specification of grader/importers/humaneval: the real HumanEval file becomes a pack that
// LoadPack accepts, every text intact; bad input lines are reported as file:line: message.
#include "grader/importers/humaneval.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "grader/task/pack_loader.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

namespace fs = std::filesystem;
using task::LoadPack;

constexpr char kHumanEval[] = "/work/shared/data/humaneval/HumanEval.jsonl";
constexpr char kWrong[] = "/work/shared/data/humaneval/wrong_solutions.jsonl";

// A valid one-line record with `field` replaced by `value` (or removed when value is null).
std::string Record(const std::string& field = "", nlohmann::json value = nullptr) {
  nlohmann::json record = {{"task_id", "HumanEval/0"},
                           {"prompt", "def f(x):\n    \"\"\"Return x.\"\"\"\n"},
                           {"canonical_solution", "    return x\n"},
                           {"test", "def check(candidate):\n    assert candidate(1) == 1\n"},
                           {"entry_point", "f"}};
  if (!field.empty()) {
    if (value.is_null()) {
      record.erase(field);
    } else {
      record[field] = value;
    }
  }
  return record.dump() + "\n";
}

class HumanEvalTest : public TempDirTest {
 protected:
  // Imports `jsonl` (written to a file) and returns the error, or "(ok)".
  std::string ImportError(const std::string& jsonl) {
    std::string path = Write("in.jsonl", jsonl);
    std::string error;
    if (ImportHumanEval(path, Out(), &error)) return "(ok)";
    return error;
  }
  std::string InPath() const { return dir_ + "/in.jsonl"; }
};

TEST_F(HumanEvalTest, ImportsTheRealFile) {
  if (!fs::exists(kHumanEval)) GTEST_SKIP() << kHumanEval << " not present";
  std::string error;
  HumanEvalOptions options;
  options.wrong_solutions_jsonl = kWrong;
  ASSERT_TRUE(ImportHumanEval(kHumanEval, Out(), &error, options)) << error;
  EXPECT_TRUE(fs::exists(Out() + "/tasks/humaneval-000.yaml"));
  EXPECT_TRUE(fs::exists(Out() + "/tasks/humaneval-163.yaml"));

  auto pack = LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->name, "humaneval");
  EXPECT_NE(pack->description.find("MIT"), std::string::npos);
  ASSERT_EQ(pack->tasks.size(), 164u);

  // Every text survives the YAML round trip byte for byte.
  std::ifstream in(kHumanEval);
  std::string line;
  size_t i = 0;
  while (std::getline(in, line)) {
    auto record = nlohmann::json::parse(line);
    ASSERT_LT(i, pack->tasks.size());
    const task::Task& t = pack->tasks[i++];
    std::string prompt = record["prompt"];
    EXPECT_EQ(t.id, record["task_id"].get<std::string>());
    EXPECT_EQ(t.entry_point, record["entry_point"].get<std::string>());
    EXPECT_EQ(t.prompt, prompt) << t.id;
    ASSERT_EQ(t.languages.size(), 1u);
    EXPECT_EQ(t.languages[0], task::Language::kPython);
    ASSERT_EQ(t.starter.size(), 1u);
    EXPECT_EQ(t.starter[0].code.text, prompt);
    ASSERT_EQ(t.reference_solutions.size(), 1u);
    EXPECT_EQ(t.reference_solutions[0].code.text,
              prompt + record["canonical_solution"].get<std::string>())
        << t.id;
    EXPECT_EQ(t.wrong_solutions.size(), 1u) << t.id;
    ASSERT_EQ(t.tests.size(), 1u);
    const task::Test& test = t.tests[0];
    EXPECT_EQ(test.name, "check");
    EXPECT_EQ(test.visibility, task::Visibility::kHidden);
    const auto* unit = std::get_if<task::UnitTest>(&test.body);
    ASSERT_NE(unit, nullptr);
    EXPECT_EQ(unit->style, task::UnitStyle::kHumanEval);
    EXPECT_EQ(unit->code.text, record["test"].get<std::string>()) << t.id;
  }
  EXPECT_EQ(i, 164u);
  // Files are read in name order, which is the numeric order thanks to the padding.
  EXPECT_EQ(pack->tasks[32].id, "HumanEval/32");
  EXPECT_EQ(pack->tasks[32].entry_point, "find_zero");
  EXPECT_EQ(pack->tasks[163].id, "HumanEval/163");
}

TEST_F(HumanEvalTest, ImportsAMinimalRecord) {
  EXPECT_EQ(ImportError(Record()), "(ok)");
  auto pack = LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  ASSERT_EQ(pack->tasks.size(), 1u);
  EXPECT_EQ(pack->tasks[0].reference_solutions[0].code.text,
            "def f(x):\n    \"\"\"Return x.\"\"\"\n    return x\n");
  EXPECT_TRUE(pack->tasks[0].wrong_solutions.empty());
}

TEST_F(HumanEvalTest, LineThatIsNotJson) {
  std::string error = ImportError(Record() + "\n{not json\n");
  EXPECT_EQ(error.rfind(InPath() + ":3: not valid JSON: ", 0), 0u) << error;
  EXPECT_FALSE(fs::exists(Out())) << "nothing is written for bad input";
}

TEST_F(HumanEvalTest, LineThatIsNotAnObject) {
  EXPECT_EQ(ImportError("[1, 2]\n"), InPath() + ":1: expected a JSON object, not an array");
}

TEST_F(HumanEvalTest, MissingField) {
  EXPECT_EQ(ImportError(Record() + Record("entry_point")),
            InPath() + ":2: missing field \"entry_point\"");
}

TEST_F(HumanEvalTest, FieldOfTheWrongType) {
  EXPECT_EQ(ImportError(Record("prompt", 7)),
            InPath() + ":1: field \"prompt\" must be a string, not a number");
}

TEST_F(HumanEvalTest, BadNames) {
  EXPECT_EQ(ImportError(Record("entry_point", "not valid")),
            InPath() + ":1: entry_point \"not valid\" is not an identifier");
  EXPECT_EQ(ImportError(Record("task_id", "Human Eval/0")),
            InPath() +
                ":1: task_id \"Human Eval/0\" is not a valid task id "
                "([A-Za-z0-9_][A-Za-z0-9_./-]*)");
}

TEST_F(HumanEvalTest, TestWithoutCheck) {
  EXPECT_EQ(ImportError(Record("test", "assert True\n")),
            InPath() + ":1: field \"test\" does not define check(candidate)");
}

TEST_F(HumanEvalTest, DuplicateIds) {
  EXPECT_EQ(ImportError(Record() + Record()),
            InPath() + ":2: duplicate task_id \"HumanEval/0\" (first on line 1)");
}

TEST_F(HumanEvalTest, EmptyAndMissingFiles) {
  EXPECT_EQ(ImportError("\n\n"), InPath() + ": no records (the file is empty)");
  std::string error;
  EXPECT_FALSE(ImportHumanEval(dir_ + "/absent.jsonl", Out(), &error));
  EXPECT_EQ(error.rfind(dir_ + "/absent.jsonl: cannot open", 0), 0u) << error;
}

TEST_F(HumanEvalTest, RefusesANonEmptyOutputDirectory) {
  Write("pack/stale.txt", "x");
  EXPECT_EQ(ImportError(Record()), Out() + ": output directory is not empty");
}

TEST_F(HumanEvalTest, WrongSolutionsMustNameKnownTasks) {
  std::string path = Write("in.jsonl", Record());
  std::string wrong = Write("wrong.jsonl", R"({"task_id": "HumanEval/9", "completion": "x"})"
                                           "\n");
  HumanEvalOptions options;
  options.wrong_solutions_jsonl = wrong;
  std::string error;
  EXPECT_FALSE(ImportHumanEval(path, Out(), &error, options));
  EXPECT_EQ(error, wrong + ":1: task_id \"HumanEval/9\" is not a problem of the HumanEval file");
}

}  // namespace
}  // namespace proctor::grader::importers
