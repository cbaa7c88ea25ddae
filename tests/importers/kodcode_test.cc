// Specification of grader/importers/kodcode: KodCode-V1 records (and the field names of its
// SFT copies) become Python tasks whose reference is `solution` and whose hidden test is the
// record's pytest module; modules without `from solution import` get KodCode's own
// `from solution import *`; modules that need pytest itself are skipped with a note; and
// through the real binary the pack checks and grades correct and wrong solutions.
#include "grader/importers/kodcode.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "grader/importers/pytest_module.h"
#include "grader/task/pack_loader.h"
#include "tests/importers/binary_e2e.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

const task::Task* FindTask(const task::Pack& pack, const std::string& id) {
  for (const task::Task& t : pack.tasks)
    if (t.id == id) return &t;
  return nullptr;
}

const task::UnitTest* OnlyUnitTest(const task::Task& t) {
  if (t.tests.size() != 1) return nullptr;
  return std::get_if<task::UnitTest>(&t.tests[0].body);
}

class KodCodeTest : public TempDirTest {
 protected:
  std::string ImportError(const std::string& jsonl) {
    ImportRequest request;
    std::filesystem::remove_all(Out());  // a failed import may have written some tasks
    request.input = Write("in.jsonl", jsonl);
    request.out_dir = Out();
    request.progress = false;
    report_ = {};
    std::string error;
    return RunKodCode(request, &report_, &error) ? "(ok)" : error;
  }
  std::string In() const { return dir_ + "/in.jsonl"; }

  static std::string Record(const std::string& field = "", json value = nullptr) {
    json r = {{"question_id", "Leetcode_9_I"},
              {"question", "Write f."},
              {"solution", "def f():\n    return 1\n"},
              {"test", "from solution import f\n\ndef test_f():\n    assert f() == 1\n"},
              {"test_info", json::array({{{"function_name", "f"},
                                          {"function_declaration", "def f():"},
                                          {"parameter_list", ""},
                                          {"docstring", ""}}})}};
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

TEST_F(KodCodeTest, ImportsTheFixture) {
  ImportRequest request;
  request.input = FixturePath("kodcode.jsonl");
  request.out_dir = Out();
  request.progress = false;
  std::string error;
  ASSERT_TRUE(RunKodCode(request, &report_, &error)) << error;
  EXPECT_EQ(report_.records, 5);
  EXPECT_EQ(report_.tasks, 4);
  ASSERT_EQ(report_.skipped, 1);
  EXPECT_EQ(report_.notes[0], FixturePath("kodcode.jsonl") +
                                  ":5: skipped: field \"test\" has a test function that takes "
                                  "the pytest fixture `tmp_path`, which the harness does not "
                                  "provide");
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();

  const task::Task* two_sum = FindTask(*pack, "Leetcode_1_I");
  ASSERT_NE(two_sum, nullptr);
  EXPECT_EQ(two_sum->source, "kodcode/Leetcode");
  EXPECT_EQ(two_sum->entry_point, "two_sum");
  EXPECT_NE(two_sum->prompt.find("`two_sum` (`def two_sum(nums, target):`)"), std::string::npos)
      << two_sum->prompt;
  ASSERT_EQ(two_sum->reference_solutions.size(), 1u);
  const task::UnitTest* unit = OnlyUnitTest(*two_sum);
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(unit->style, task::UnitStyle::kPytest);
  EXPECT_EQ(unit->code.text.rfind("from solution import two_sum\n", 0), 0u) << "kept as written";

  // No import in the module: KodCode's pipeline prepends one.
  const task::Task* words = FindTask(*pack, "Prefill_5_C");
  ASSERT_NE(words, nullptr);
  unit = OnlyUnitTest(*words);
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(unit->code.text.rfind("from solution import *\ndef test_word_count():", 0), 0u)
      << unit->code.text;

  // The SFT copies' names: conversation_id, test_code, test_entry_point.
  const task::Task* palindrome = FindTask(*pack, "Apps_7_I");
  ASSERT_NE(palindrome, nullptr);
  EXPECT_EQ(palindrome->entry_point, "is_palindrome");
  ASSERT_NE(OnlyUnitTest(*palindrome), nullptr);

  // `import pytest`: the stand-in first, the import line neutralized.
  const task::Task* inverse = FindTask(*pack, "Algorithm_9_I");
  ASSERT_NE(inverse, nullptr);
  unit = OnlyUnitTest(*inverse);
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(unit->code.text.rfind(std::string(PytestStandIn()), 0), 0u);
  EXPECT_NE(unit->code.text.find("\npass  # import pytest: the stand-in above\n"),
            std::string::npos)
      << unit->code.text;
}

TEST(PytestModuleTest, WhatTheStandInCannotDo) {
  auto why = [](std::string module) {
    std::string reason;
    return AdaptPytestModule(&module, &reason) ? "(ok)" : reason;
  };
  EXPECT_EQ(why("from pytest import raises\n"),
            "imports names from pytest (`from pytest import ...`), which the harness does not "
            "provide");
  EXPECT_EQ(why("import pytest as pt\n"), "imports pytest in a form other than `import pytest`");
  EXPECT_EQ(why("import pytest\n@pytest.fixture\ndef data():\n    return 1\n"),
            "uses pytest.fixture, which the harness does not provide");
  EXPECT_EQ(why("import pytest\n@pytest.mark.skip\ndef test_a():\n    pass\n"),
            "uses pytest.mark.skip, which the harness does not provide");
  EXPECT_EQ(why("def test_a(capsys):\n    pass\n"),
            "has a test function that takes the pytest fixture `capsys`, which the harness does "
            "not provide");
  // Parametrized names, self, defaults and annotations are not fixtures.
  EXPECT_EQ(why("import pytest\n@pytest.mark.parametrize(('a', 'b'), [(1, 2)])\n"
                "def test_a(a, b: int):\n    pass\n"
                "class TestB:\n    def test_b(self, n=1):\n        pass\n"),
            "(ok)");
  EXPECT_EQ(why("def test_plain():\n    assert True\n"), "(ok)");
}

TEST_F(KodCodeTest, BrokenRecordsNameLineAndField) {
  EXPECT_EQ(ImportError(Record() + Record("solution")), In() + ":2: missing field \"solution\"");
  EXPECT_EQ(ImportError(Record("test")), In() + ":1: missing field \"test\" (or \"test_code\")");
  EXPECT_EQ(ImportError(Record("question_id")), In() + ":1: missing field \"question_id\"");
  EXPECT_EQ(ImportError(Record("test", 5)),
            In() + ":1: field \"test\" must be a string, not a number");
  EXPECT_EQ(ImportError(Record("test_info", "f")),
            In() + ":1: field \"test_info\" must be a list, not a string");
  EXPECT_EQ(ImportError(Record("test_info", json::array({json::object()}))),
            In() + ":1: field \"test_info\" item 1 has no string \"function_name\"");
  EXPECT_EQ(ImportError(Record() + Record()),
            In() + ":2: duplicate task_id \"Leetcode_9_I\" (first on line 1)");
}

TEST_F(KodCodeTest, TestsThatNeedFixturesAreSkipped) {
  json fixture = json::parse(Record("test", "from solution import f\n\ndef test_f(tmp_path):\n"
                                            "    assert f() == 1\n"));
  fixture["question_id"] = "Leetcode_10_I";
  json method = json::parse(Record("test", "from solution import f\n\nclass TestF:\n"
                                           "    def test_f(self, n=1):\n"
                                           "        assert f() == n\n"));
  method["question_id"] = "Leetcode_11_I";
  EXPECT_EQ(ImportError(Record() + fixture.dump() + "\n" + method.dump() + "\n"), "(ok)");
  EXPECT_EQ(report_.tasks, 2);  // self and a parameter with a default are fine
  ASSERT_EQ(report_.skipped, 1);
  EXPECT_EQ(report_.notes[0], In() + ":2: skipped: field \"test\" has a test function that "
                                     "takes the pytest fixture `tmp_path`, which the harness "
                                     "does not provide");
}

TEST_F(KodCodeTest, AModuleOfMegabytesImports) {
  // std::regex would overflow the stack here; the scans must not.
  std::string test = "import pytest\nfrom solution import f\n";
  for (int i = 0; i < 40000; ++i)
    test += "def test_" + std::to_string(i) + "():\n    assert f(1) == pytest.approx(1)\n";
  test += "def test_long(";
  for (int i = 0; i < 20000; ++i) test += "x=1, ";
  test += "):\n    pass\n";
  ASSERT_GT(test.size(), 2000000u);
  EXPECT_EQ(ImportError(Record("test", test)), "(ok)");
  EXPECT_EQ(report_.tasks, 1);
}

class PytestStandInTest : public TempDirTest {};

// The stand-in behaves as pytest does for what it offers (run by the host's python3).
TEST_F(PytestStandInTest, BehavesAsPytest) {
  static constexpr char kChecks[] = R"PY(import math
# raises
with pytest.raises(ZeroDivisionError):
    1/0
try:
    with pytest.raises(ValueError):
        pass
    raise SystemExit("no raise not detected")
except AssertionError as e:
    print("ok:", e)
with pytest.raises(ValueError, match="bad") as info:
    raise ValueError("a bad thing")
assert str(info.value) == "a bad thing"
try:
    with pytest.raises(ValueError):
        raise KeyError("x")
    raise SystemExit("wrong type swallowed")
except KeyError:
    print("ok: other exception propagates")
info = pytest.raises(ZeroDivisionError, lambda x: 1/x, 0)
# simulated solution error
class SolutionError(Exception):
    pass
E = type("SolutionError", (SolutionError, ValueError), {})
exc = E("solution raised ValueError: Invalid input"); exc.solution_message = "Invalid input"
with pytest.raises(ValueError, match="^Invalid") as info:
    raise exc
assert str(info.value) == "Invalid input" and type(info.value) is ValueError, info.value
class SolutionResultError(Exception):
    pass
try:
    with pytest.raises(Exception):
        raise SolutionResultError("solution returned an unserializable value")
    raise SystemExit("a harness failure passed for an expected exception")
except SolutionResultError:
    print("ok: harness failures are never the expected exception")
# approx
assert 0.1 + 0.2 == pytest.approx(0.3)
assert not (0.3001 == pytest.approx(0.3))
assert [0.1 + 0.2, 1.0] == pytest.approx([0.3, 1.0])
assert {"a": 0.1 + 0.2} == pytest.approx({"a": 0.3})
assert 1.0001 == pytest.approx(1, abs=1e-3)
assert not (1.01 == pytest.approx(1, abs=1e-3))
assert not ([1.0] == pytest.approx([1.0, 2.0]))
assert not (float("nan") == pytest.approx(float("nan")))
assert float("nan") == pytest.approx(float("nan"), nan_ok=True)
# parametrize
seen = []
@pytest.mark.parametrize("a,b", [(1, 2), (3, 4)])
def test_pairs(a, b):
    seen.append((a, b))
@pytest.mark.parametrize("x", [1, 2])
@pytest.mark.parametrize("y", ["p", "q"])
def test_grid(x, y):
    seen.append((x, y))
test_pairs(); test_grid()
print(seen)
assert test_pairs.__name__ == "test_pairs"
print("all ok")
)PY";
  std::string script = Write("standin_check.py", std::string(PytestStandIn()) + "\n" + kChecks);
  CommandOutput out = RunCommand({"/usr/bin/python3", "-I", script});
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find("all ok"), std::string::npos) << out.out << out.err;
}

class KodCodeBinaryTest : public TempDirTest {};

TEST_F(KodCodeBinaryTest, ImportCheckAndGradeThroughTheBinary) {
  CommandOutput import = ImportFixture("kodcode", FixturePath("kodcode.jsonl"), Out());
  ASSERT_EQ(import.exit_code, 0) << import.out << import.err;
  EXPECT_NE(import.out.find("kodcode.jsonl:5: skipped: "), std::string::npos) << import.out;
  CommandOutput check = CheckPack(Out());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;  // every reference scores 1.0
  std::vector<Graded> graded =
      GradeFixtureSubmissions(Out(), FixturePath("kodcode_submissions.jsonl"), dir_);
  ASSERT_EQ(graded.size(), 9u);
  ExpectGradedAsWritten(graded);
}

}  // namespace
}  // namespace proctor::grader::importers
