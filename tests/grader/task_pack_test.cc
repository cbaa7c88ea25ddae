// Specification of grader/task/: loading task packs (docs/task-format.md) and the errors a
// pack author sees, each with file:line:col.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "grader/languages/language.h"
#include "grader/task/pack_hash.h"
#include "grader/task/pack_loader.h"
#include "grader/task/sha256.h"
#include "grader/task/validate.h"

namespace proctor::grader::task {
namespace {

namespace fs = std::filesystem;

constexpr char kPackYaml[] = R"(name: example
version: "1"
description: One task of each kind.
defaults:
  limits: {wall_seconds: 5, cpu_seconds: 2, memory_mb: 256}
  languages: [python]
  scoring: all_or_nothing
  stdio_compare: tokens
)";

constexpr char kAddYaml[] = R"(id: add
title: Add two numbers
prompt: |
  Write `add(a, b)` returning the sum.
entry_point: add
call_compare: {kind: float, rel_tol: 1e-9, abs_tol: 1e-12}
reference_solutions:
  - {language: python, code: "def add(a, b):\n    return a + b\n"}
wrong_solutions:
  - {language: python, file: add/wrong.py}
tests:
  - {call: {args: [1, 2], expected: 3}, visibility: public}
  - call: {args: [100000000000000000000, 1], expected: 100000000000000000001}
  - call: {args: [0.1, 0.2], expected: 0.30000000000000004}
  - name: tuples
    call:
      function: add
      args: [{$tuple: [1]}]
      kwargs: {b: {$tuple: [2]}}
      expected: {$tuple: [1, 2]}
      compare: type_strict
  - call: {args: ["a", 1], raises: TypeError}
)";

constexpr char kSumYaml[] = R"(id: sum
title: Sum of two integers
prompt_file: sum/prompt.md
languages: [python, cpp]
limits: {cpu_seconds: 1}
scoring: {mode: weighted}
reference_solutions:
  - {language: python, code: "a, b = map(int, input().split())\nprint(a + b)\n"}
  - {language: cpp, file: sum/ref.cpp}
tests:
  - {stdio: {stdin: "1 2\n", expected_stdout: "3\n"}, visibility: public}
  - name: big
    weight: 2
    stdio: {stdin_file: sum/big.in, expected_stdout: "1999999999999999998\n", compare: exact}
  - stdio: {stdin: "0.5\n", expected_stdout: "0.25\n", compare: {kind: float, abs_tol: 1e-6}}
)";

constexpr char kUnitYaml[] = R"(- id: HumanEval/0
  prompt: Complete the function.
  entry_point: has_close_elements
  starter:
    - language: python
      code: |
        def has_close_elements(numbers, threshold):
            """True if two numbers are closer than threshold."""
  tests:
    - unit:
        style: humaneval
        code: |
          def check(candidate):
              assert candidate([1.0, 2.0], 0.5) is False
- id: is_prime
  prompt: Write `is_prime(n)`.
  tests:
    - unit: {style: pytest, file: unit/test_is_prime.py, expected_tests: 1}
    - unit: {style: asserts, code: "from solution import is_prime\nassert is_prime(2)\n"}
- id: cpp_square
  prompt: Write `long long square(long long x)`.
  languages: [cpp]
  tests:
    - unit:
        style: cpp_asserts
        code: |
          #include <cassert>
          long long square(long long x);
          int main() { assert(square(3) == 9); }
)";

class PackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::path(::testing::TempDir()) / "proctor_pack_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& relative, const std::string& contents) {
    fs::path path = fs::path(dir_) / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << contents;
  }

  // The example pack of docs/task-format.md, abridged.
  void WriteExamplePack() {
    Write("pack.yaml", kPackYaml);
    Write("tasks/add.yaml", kAddYaml);
    Write("tasks/add/wrong.py", "def add(a, b):\n    return a - b\n");
    Write("tasks/sum.yaml", kSumYaml);
    Write("tasks/sum/prompt.md", "Read two integers and print their sum.\n");
    Write("tasks/sum/ref.cpp",
          "#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;"
          "std::cout<<a+b<<\"\\n\";}\n");
    Write("tasks/sum/big.in", "999999999999999999 999999999999999999\n");
    Write("tasks/unit.yaml", kUnitYaml);
    Write("tasks/unit/test_is_prime.py",
          "from solution import is_prime\n\n"
          "def test_two():\n    assert is_prime(2)\n");
  }

  // A pack.yaml plus one task file; returns the error LoadPack reports.
  std::string ErrorFor(const std::string& task_yaml) {
    Write("pack.yaml", "name: p\nversion: \"1\"\n");
    Write("tasks/t.yaml", task_yaml);
    auto pack = LoadPack(dir_);
    if (pack) return "(loaded)";
    return pack.error().ToString();
  }

  std::string At(const std::string& relative, int line, int column) {
    return dir_ + "/" + relative + ":" + std::to_string(line) + ":" + std::to_string(column);
  }

  std::string dir_;
};

TEST_F(PackTest, LoadsTheExamplePack) {
  WriteExamplePack();
  auto loaded = LoadPack(dir_);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
  const Pack& pack = *loaded;
  EXPECT_EQ(pack.name, "example");
  EXPECT_EQ(pack.version, "1");
  ASSERT_EQ(pack.tasks.size(), 5u);  // files in name order: add, sum, unit (3 tasks)
  EXPECT_EQ(pack.tasks[0].id, "add");
  EXPECT_EQ(pack.tasks[1].id, "sum");
  EXPECT_EQ(pack.tasks[2].id, "HumanEval/0");
  EXPECT_EQ(pack.content_hash.size(), 64u);
}

TEST_F(PackTest, CallTestsCarryValuesAndComparison) {
  WriteExamplePack();
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  const Task& add = pack->tasks[0];
  EXPECT_EQ(add.title, "Add two numbers");
  EXPECT_EQ(add.prompt, "Write `add(a, b)` returning the sum.\n");
  ASSERT_EQ(add.tests.size(), 5u);
  EXPECT_EQ(add.tests[0].name, "call-1");
  EXPECT_EQ(add.tests[0].visibility, Visibility::kPublic);
  EXPECT_EQ(add.tests[1].visibility, Visibility::kHidden);  // the default

  const auto& big = std::get<CallTest>(add.tests[1].body);
  EXPECT_EQ(big.function, "add");  // from entry_point
  EXPECT_EQ(Repr(Value::List(big.args)), "[100000000000000000000, 1]");
  EXPECT_EQ(big.expected->int_decimal(), "100000000000000000001");
  ASSERT_TRUE(big.compare.float_tolerance.has_value());  // the task's call_compare
  EXPECT_EQ(big.compare.float_tolerance->rel_tol, 1e-9);
  EXPECT_EQ(big.compare.float_tolerance->abs_tol, 1e-12);

  EXPECT_EQ(std::get<CallTest>(add.tests[2].body).expected->kind(), ValueKind::kFloat);

  const task::Test& tuples = add.tests[3];
  EXPECT_EQ(tuples.name, "tuples");
  const auto& call = std::get<CallTest>(tuples.body);
  EXPECT_EQ(Repr(Value::List(call.args)), "[(1,)]");
  ASSERT_EQ(call.kwargs.size(), 1u);
  EXPECT_EQ(call.kwargs[0].first, "b");
  EXPECT_EQ(Repr(*call.expected), "(1, 2)");
  EXPECT_FALSE(call.compare.float_tolerance.has_value());  // type_strict given explicitly

  const auto& raises = std::get<CallTest>(add.tests[4].body);
  EXPECT_EQ(add.tests[4].name, "call-5");
  EXPECT_FALSE(raises.expected.has_value());
  EXPECT_EQ(raises.raises, "TypeError");

  ASSERT_EQ(add.wrong_solutions.size(), 1u);
  EXPECT_EQ(add.wrong_solutions[0].code.file, "tasks/add/wrong.py");
  EXPECT_EQ(add.wrong_solutions[0].code.text, "def add(a, b):\n    return a - b\n");
}

TEST_F(PackTest, StdioTestsAndDefaultsMerging) {
  WriteExamplePack();
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  const Task& sum = pack->tasks[1];
  EXPECT_EQ(sum.prompt, "Read two integers and print their sum.\n");
  EXPECT_EQ(sum.languages, (std::vector<Language>{Language::kPython, Language::kCpp}));
  EXPECT_EQ(sum.limits.cpu_seconds, 1.0);   // the task's own
  EXPECT_EQ(sum.limits.wall_seconds, 5.0);  // the pack default
  EXPECT_EQ(sum.limits.max_processes, 64);  // the built-in default
  EXPECT_EQ(sum.scoring.mode, ScoringMode::kWeighted);
  EXPECT_EQ(sum.reference_solutions[1].language, Language::kCpp);

  const auto& first = std::get<StdioTest>(sum.tests[0].body);
  EXPECT_EQ(first.stdin_data, "1 2\n");
  EXPECT_EQ(first.compare.mode, compare::TextMode::kTokens);  // pack default
  const auto& big = std::get<StdioTest>(sum.tests[1].body);
  EXPECT_EQ(sum.tests[1].weight, 2.0);
  EXPECT_EQ(big.stdin_data, "999999999999999999 999999999999999999\n");
  EXPECT_EQ(big.compare.mode, compare::TextMode::kExact);
  const auto& half = std::get<StdioTest>(sum.tests[2].body);
  EXPECT_EQ(half.compare.mode, compare::TextMode::kFloat);
  EXPECT_EQ(half.compare.tolerance.abs_tol, 1e-6);
  EXPECT_EQ(sum.tests[2].name, "stdio-3");
}

TEST_F(PackTest, UnitTestsOfEachStyle) {
  WriteExamplePack();
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  const Task& humaneval = pack->tasks[2];
  EXPECT_EQ(humaneval.entry_point, "has_close_elements");
  ASSERT_EQ(humaneval.starter.size(), 1u);
  const auto& check = std::get<UnitTest>(humaneval.tests[0].body);
  EXPECT_EQ(check.style, UnitStyle::kHumanEval);
  EXPECT_NE(check.code.text.find("def check(candidate):"), std::string::npos);
  const auto& pytest = std::get<UnitTest>(pack->tasks[3].tests[0].body);
  EXPECT_EQ(pytest.style, UnitStyle::kPytest);
  EXPECT_EQ(pytest.expected_tests, 1);
  EXPECT_EQ(pytest.code.file, "tasks/unit/test_is_prime.py");
  EXPECT_EQ(std::get<UnitTest>(pack->tasks[3].tests[1].body).style, UnitStyle::kAsserts);
  EXPECT_EQ(std::get<UnitTest>(pack->tasks[4].tests[0].body).style, UnitStyle::kCppAsserts);
}

TEST_F(PackTest, ContentHashCoversPathsAndBytes) {
  Write("pack.yaml", "x");
  Write("tasks/a", "yz");
  auto hash = PackContentHash(dir_);
  ASSERT_TRUE(hash.has_value());
  EXPECT_EQ(*hash, Sha256Hex("pack.yaml\n1\nxtasks/a\n2\nyz"));
  Write("tasks/a", "yZ");
  EXPECT_NE(*PackContentHash(dir_), *hash);
}

TEST_F(PackTest, ContentHashIsStableAcrossLoads) {
  WriteExamplePack();
  std::string first = LoadPack(dir_)->content_hash;
  EXPECT_EQ(LoadPack(dir_)->content_hash, first);
  Write("tasks/sum/big.in", "1 1\n");
  EXPECT_NE(LoadPack(dir_)->content_hash, first);
}

// --- Errors: structure ----------------------------------------------------------------

TEST_F(PackTest, UnknownKeyInATest) {
  EXPECT_EQ(ErrorFor("id: t\n"
                     "prompt: p\n"
                     "tests:\n"
                     "  - call: {function: f, expected: 1}\n"
                     "    visiblity: public\n"),
            At("tasks/t.yaml", 5, 5) +
                ": unknown key \"visiblity\" in test (expected one of name, visibility, weight, "
                "group, call, stdio, unit)");
}

TEST_F(PackTest, UnknownKeyInACallTest) {
  EXPECT_EQ(ErrorFor("id: t\n"
                     "prompt: p\n"
                     "tests:\n"
                     "  - call: {function: f, argz: [1], expected: 1}\n"),
            At("tasks/t.yaml", 4, 25) +
                ": unknown key \"argz\" in call test (expected one of function, args, kwargs, "
                "expected, raises, compare)");
}

TEST_F(PackTest, UnknownKeyInPackYaml) {
  Write("pack.yaml", "name: p\nversion: 1\nlimits: {}\n");
  EXPECT_EQ(LoadPack(dir_).error().ToString(),
            At("pack.yaml", 3, 1) +
                ": unknown key \"limits\" in pack.yaml (expected one of name, version, "
                "description, defaults, python_packages)");
}

TEST_F(PackTest, UnknownLimit) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nlimits: {wall_seconds: 1, memory: 5}\ntests: []\n"),
            At("tasks/t.yaml", 3, 27) +
                ": unknown key \"memory\" in limits (expected one of wall_seconds, cpu_seconds, "
                "memory_mb, max_processes, output_kb, disk_kb, disk_inodes, open_files, "
                "compile_wall_seconds, compile_memory_mb)");
}

TEST_F(PackTest, ArgsNotAList) {
  EXPECT_EQ(ErrorFor("id: t\n"
                     "prompt: p\n"
                     "tests:\n"
                     "  - call:\n"
                     "      function: f\n"
                     "      args: 5\n"
                     "      expected: 1\n"),
            At("tasks/t.yaml", 6, 13) + ": \"args\" must be a list (got the scalar \"5\")");
}

TEST_F(PackTest, WrongScalarType) {
  EXPECT_EQ(
      ErrorFor("id: t\nprompt: p\nlimits:\n  memory_mb: lots\ntests: []\n"),
      At("tasks/t.yaml", 4, 14) + ": \"memory_mb\" must be an integer (got the scalar \"lots\")");
  EXPECT_EQ(ErrorFor("id: [t]\nprompt: p\ntests: []\n"),
            At("tasks/t.yaml", 1, 5) + ": \"id\" must be a string (got a list)");
}

TEST_F(PackTest, BadEnumValue) {
  // The known languages are those of languages/ (docs/languages.md), in name order.
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nlanguages: [python, cobol]\ntests: []\n"),
            At("tasks/t.yaml", 3, 21) + ": bad value \"cobol\" for \"language\" (expected one of " +
                LanguageNames() + ")");
  EXPECT_NE(LanguageNames().find("bash, c, cpp, "), std::string::npos) << LanguageNames();
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n"
                     "  - stdio: {stdin: '', expected_stdout: '', compare: fuzzy}\n"),
            At("tasks/t.yaml", 4, 54) +
                ": bad value \"fuzzy\" for \"compare\" (expected one of exact, whitespace, "
                "tokens, float, unordered_lines, checker)");
}

TEST_F(PackTest, MissingRequiredKey) {
  EXPECT_EQ(ErrorFor("id: t\ntests: []\n"),
            At("tasks/t.yaml", 1, 1) + ": missing required key \"prompt\" in task");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n  - unit: {code: x}\n"),
            At("tasks/t.yaml", 4, 11) + ": missing required key \"style\" in unit test");
}

TEST_F(PackTest, ExpectedAndRaisesAreExclusive) {
  EXPECT_EQ(
      ErrorFor("id: t\nprompt: p\ntests:\n  - call: {function: f, args: []}\n"),
      At("tasks/t.yaml", 4, 11) + ": call test needs exactly one of \"expected\" and \"raises\"");
}

TEST_F(PackTest, BadValueLiteral) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n"
                     "  - call: {function: f, expected: {$tupel: [1]}}\n"),
            At("tasks/t.yaml", 4, 36) + ": unknown tag \"$tupel\" (expected one of " +
                kLiteralTags + "; write a dict with such a key as {$dict: [[key, value]]})");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n"
                     "  - call: {function: f, expected: {$type: Node}}\n"),
            At("tasks/t.yaml", 4, 43) +
                ": type \"Node\" is not one the wire carries (builtin types and exceptions, "
                "collections.Counter, ... : docs/wire-format.md)");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n"
                     "  - call: {function: f, expected: {$fraction: 1/0}}\n"),
            At("tasks/t.yaml", 4, 47) + ": fraction: the denominator is 0");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n"
                     "  - call: {function: f, expected: {$deque: {items: [], size: 2}}}\n"),
            At("tasks/t.yaml", 4, 56) +
                ": unknown key \"size\": $deque takes a mapping with items, optional maxlen");
}

TEST_F(PackTest, YamlLiteralsOfTheRicherKinds) {
  Write("pack.yaml", "name: p\nversion: \"1\"\n");
  Write("tasks/t.yaml",
        "id: t\nprompt: p\ntests:\n"
        "  - call:\n"
        "      function: f\n"
        "      args: [{$frozenset: [1]}, {$bytearray: AAE=}, {$complex: [1, -.inf]},\n"
        "             {$fraction: -2/4}, {$decimal: 1.10}, {$counter: {a: 2}},\n"
        "             {$ordereddict: [[b, 1], [a, 2]]}, {$defaultdict: {factory: list, items: {}}},\n"
        "             {$deque: {items: [1], maxlen: 3}}, {$type: ValueError},\n"
        "             {$namedtuple: {name: P, fields: [x, y], values: [1, '2']}}]\n"
        "      expected: null\n");
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  const auto& call = std::get<CallTest>(pack->tasks[0].tests[0].body);
  EXPECT_EQ(Repr(Value::List(call.args), 1000),
            "[frozenset({1}), bytearray(b'\\x00\\x01'), (1-infj), Fraction(-1, 2), "
            "Decimal('1.10'), Counter({'a': 2}), OrderedDict([('b', 1), ('a', 2)]), "
            "defaultdict(<class 'list'>, {}), deque([1], maxlen=3), <class 'ValueError'>, "
            "P(x=1, y='2')]");
}

TEST_F(PackTest, YamlLiteralsFollowTheCoreSchema) {
  Write("pack.yaml", "name: p\nversion: \"1\"\n");
  Write("tasks/t.yaml",
        "id: t\nprompt: p\ntests:\n"
        "  - call:\n"
        "      function: f\n"
        "      args: [~, true, 'true', 12, '12', -0.5, 1e3, .inf, -.inf, .nan, yes, {1: a},\n"
        "             {$set: [1]}, {$bytes: AAE=}, {$float: nan}, {$int: '007'}, []]\n"
        "      expected: null\n");
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  const auto& call = std::get<CallTest>(pack->tasks[0].tests[0].body);
  EXPECT_EQ(Repr(Value::List(call.args), 1000),
            "[None, True, 'true', 12, '12', -0.5, 1000.0, inf, -inf, nan, 'yes', {1: 'a'}, "
            "{1}, b'\\x00\\x01', nan, 7, []]");
  EXPECT_EQ(call.expected->kind(), ValueKind::kNone);
}

TEST_F(PackTest, DuplicateYamlKey) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nid: u\ntests: []\n"),
            At("tasks/t.yaml", 3, 1) + ": duplicate key \"id\" in task");
}

TEST_F(PackTest, YamlSyntaxError) {
  std::string error = ErrorFor("id: t\nprompt: p\ntests: [1, 2\n");
  EXPECT_EQ(error,
            At("tasks/t.yaml", 4, 1) + ": YAML syntax error: end of sequence flow not found");
  error = ErrorFor("id: t\n  prompt: p\n");
  EXPECT_EQ(error.substr(0, At("tasks/t.yaml", 2, 9).size()), At("tasks/t.yaml", 2, 9));
  EXPECT_NE(error.find("YAML syntax error"), std::string::npos);
}

TEST_F(PackTest, MissingReferencedFile) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n  - unit: {style: pytest, file: test_x.py}\n"),
            At("tasks/t.yaml", 4, 33) + ": file \"test_x.py\" not found (looked for " + dir_ +
                "/tasks/test_x.py)");
}

TEST_F(PackTest, ReferencedFilesMustStayInsideThePack) {
  EXPECT_EQ(ErrorFor("id: t\nprompt_file: ../../etc/passwd\ntests: []\n"),
            At("tasks/t.yaml", 2, 14) + ": file \"../../etc/passwd\" must not contain \"..\"");
  EXPECT_EQ(
      ErrorFor("id: t\nprompt_file: /etc/passwd\ntests: []\n"),
      At("tasks/t.yaml", 2, 14) + ": file \"/etc/passwd\" must be a relative path inside the pack");
}

TEST_F(PackTest, MissingPackYaml) {
  EXPECT_EQ(LoadPack(dir_).error().ToString(), dir_ + "/pack.yaml: pack.yaml not found");
}

TEST_F(PackTest, TaskFileOfTheWrongShape) {
  EXPECT_EQ(ErrorFor("just text\n"),
            At("tasks/t.yaml", 1, 1) +
                ": a task file holds a task (mapping) or a list of tasks (got the scalar "
                "\"just text\")");
}

// --- Errors: validation -----------------------------------------------------------------

TEST_F(PackTest, TaskWithoutHiddenTests) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n"
                     "  - {stdio: {stdin: '', expected_stdout: ''}, visibility: public}\n"),
            At("tasks/t.yaml", 1, 1) +
                ": task \"t\" has no hidden tests (its reward would be meaningless)");
}

TEST_F(PackTest, DuplicateTaskIdAcrossFiles) {
  Write("tasks/s.yaml", "id: t\nprompt: p\ntests:\n  - stdio: {expected_stdout: ''}\n");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n  - stdio: {expected_stdout: ''}\n"),
            At("tasks/t.yaml", 1, 1) + ": duplicate task id \"t\" (first defined at " +
                At("tasks/s.yaml", 1, 1) + ")");
}

// Importers check what they wrote one task file at a time (bounded memory); the check must
// find what LoadPack finds.
TEST_F(PackTest, CheckingFileByFileFindsWhatLoadPackFinds) {
  WriteExamplePack();
  auto count = CheckPackFileByFile(dir_);
  ASSERT_TRUE(count.has_value()) << count.error().ToString();
  EXPECT_EQ(*count, static_cast<int>(LoadPack(dir_)->tasks.size()));
  Write("tasks/zz.yaml", "id: add\nprompt: p\ntests:\n  - stdio: {expected_stdout: ''}\n");
  count = CheckPackFileByFile(dir_);
  ASSERT_FALSE(count.has_value());
  EXPECT_EQ(count.error().ToString(), LoadPack(dir_).error().ToString());
  Write("tasks/zz.yaml", "id: zz\nprompt: p\ntests:\n  - stdio: {stdin_file: nope.in, expected_stdout: ''}\n");
  count = CheckPackFileByFile(dir_);
  ASSERT_FALSE(count.has_value());
  EXPECT_EQ(count.error().ToString(), LoadPack(dir_).error().ToString());
  Write("tasks/zz.yaml", "id: zz\nprompt: p\ntests:\n  - {stdio: {expected_stdout: ''}, visibility: public}\n");
  count = CheckPackFileByFile(dir_);
  ASSERT_FALSE(count.has_value());
  EXPECT_EQ(count.error().ToString(), LoadPack(dir_).error().ToString());
}

TEST_F(PackTest, DuplicateTestName) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n"
                     "  - stdio: {expected_stdout: ''}\n"
                     "  - {name: stdio-1, stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 5, 5) +
                ": duplicate test name \"stdio-1\" in task \"t\" (first "
                "defined at " +
                At("tasks/t.yaml", 4, 5) + ")");
}

TEST_F(PackTest, CallTestsArePythonOnly) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nlanguages: [cpp]\nentry_point: f\ntests:\n"
                     "  - call: {expected: 1}\n"),
            At("tasks/t.yaml", 6, 5) +
                ": a call test supports only language \"python\", but the task allows [cpp]");
}

TEST_F(PackTest, CallTestNeedsAFunction) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n  - call: {expected: 1}\n"),
            At("tasks/t.yaml", 4, 5) +
                ": call test \"call-1\" names no function and the task has no entry_point");
}

TEST_F(PackTest, CheckerComparisonNeedsAChecker) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n  - stdio: {stdin: x, compare: checker}\n"),
            At("tasks/t.yaml", 4, 5) +
                ": test \"stdio-1\" compares with the checker, but the task has none");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\n"
                     "checker: {language: python, code: 'import sys'}\n"
                     "tests:\n  - stdio: {stdin: x, compare: checker}\n"),
            "(loaded)");
}

TEST_F(PackTest, WeightsNeedWeightedScoring) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n  - {weight: 3, stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 4, 5) +
                ": test \"stdio-1\" has a weight but the task's scoring is all_or_nothing "
                "(weights need weighted)");
}

TEST_F(PackTest, ScoringModesGroupsAndMaxTests) {
  Write("pack.yaml", "name: p\nversion: \"1\"\n");
  Write("tasks/t.yaml",
        "id: t\nprompt: p\n"
        "scoring: {mode: subtasks, groups: {small: 30, big: 70}}\n"
        "tests:\n"
        "  - {visibility: public, stdio: {expected_stdout: ''}}\n"
        "  - {group: small, stdio: {expected_stdout: ''}}\n"
        "  - {group: big, stdio: {expected_stdout: ''}}\n");
  Write("tasks/u.yaml",
        "id: u\nprompt: p\nscoring: {mode: codeforces, max_tests: 5}\n"
        "tests:\n  - stdio: {expected_stdout: ''}\n");
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  const Scoring& subtasks = pack->tasks[0].scoring;
  EXPECT_EQ(subtasks.mode, ScoringMode::kSubtasks);
  ASSERT_EQ(subtasks.groups.size(), 2u);
  EXPECT_EQ(subtasks.groups[1].name, "big");
  EXPECT_EQ(subtasks.groups[1].points, 70);
  EXPECT_EQ(pack->tasks[0].tests[0].group, "");
  EXPECT_EQ(pack->tasks[0].tests[2].group, "big");
  EXPECT_EQ(ScoringModeName(subtasks.mode), "subtasks");
  EXPECT_EQ(pack->tasks[1].scoring.mode, ScoringMode::kCodeforces);
  EXPECT_EQ(pack->tasks[1].scoring.max_tests, 5);
  EXPECT_EQ(ScoringModeName(ScoringMode::kCodeforces), "codeforces");
}

TEST_F(PackTest, GroupsNeedSubtasksAndEveryCountedTestAGroup) {
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\ntests:\n  - {group: a, stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 4, 5) +
                ": test \"stdio-1\" has a group but the task's scoring is all_or_nothing "
                "(groups need subtasks)");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nscoring: subtasks\n"
                     "tests:\n  - {stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 1, 1) +
                ": scoring mode subtasks needs groups (a mapping of group name to points)");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nscoring: {mode: subtasks, groups: {a: 1}}\n"
                     "tests:\n  - {stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 5, 5) +
                ": test \"stdio-1\" counts toward the reward but names no group");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nscoring: {mode: subtasks, groups: {a: 1, b: 2}}\n"
                     "tests:\n  - {group: a, stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 3, 42) + ": group \"b\" has no test that counts toward the reward");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nscoring: {mode: subtasks, groups: {a: 1}}\n"
                     "tests:\n  - {group: c, stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 5, 5) +
                ": test \"stdio-1\" names group \"c\", which scoring groups does not list");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nscoring: {mode: fraction, max_tests: -1}\n"
                     "tests:\n  - {stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 1, 1) + ": scoring max_tests must not be negative");
}

TEST_F(PackTest, CalibratedLimitsOverlayAppliesOverTheTaskFiles) {
  Write("pack.yaml", "name: p\nversion: \"1\"\ndefaults:\n  limits: {cpu_seconds: 2}\n");
  Write("tasks/t.yaml",
        "id: t\nprompt: p\nlimits: {memory_mb: 128}\ntests:\n  - stdio: {expected_stdout: ''}\n");
  Write("calibrated_limits.yaml", "# measured\ntasks:\n  t: {cpu_seconds: 1.5, wall_seconds: 4}\n");
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->tasks[0].limits.cpu_seconds, 1.5);
  EXPECT_EQ(pack->tasks[0].limits.wall_seconds, 4);
  EXPECT_EQ(pack->tasks[0].limits.memory_mb, 128);  // keys it does not name are kept
  Write("calibrated_limits.yaml", "tasks:\n  nope: {cpu_seconds: 1}\n");
  auto bad = LoadPack(dir_);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().ToString(),
            At("calibrated_limits.yaml", 2, 3) + ": no task \"nope\" in the pack");
}

TEST_F(PackTest, ValidatePackListsEveryProblem) {
  Write("pack.yaml", "name: Bad Name\nversion: \"1\"\n");
  Write("tasks/t.yaml", "id: t\nprompt: p\ntests: []\n");
  Write("tasks/u.yaml", "id: t\nprompt: p\ntests: []\n");
  auto pack = ParsePack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  std::vector<LoadError> errors = ValidatePack(*pack);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0].message, "pack name \"Bad Name\" must match [a-z0-9][a-z0-9_-]*");
  EXPECT_EQ(errors[1].message, "task \"t\" has no hidden tests (its reward would be meaningless)");
  EXPECT_EQ(errors[2].message.rfind("duplicate task id \"t\"", 0), 0u) << errors[2].message;
  EXPECT_EQ(errors[3].message, "task \"t\" has no hidden tests (its reward would be meaningless)");
}

TEST_F(PackTest, AWrongLimitIsReportedAtItsOwnKey) {
  Write("pack.yaml", "name: p\nversion: \"1\"\n");
  EXPECT_EQ(ErrorFor("id: t\nprompt: p\nlimits:\n  memory_mb: 64\n  cpu_seconds: 0\n"
                     "tests:\n  - {stdio: {expected_stdout: ''}}\n"),
            At("tasks/t.yaml", 5, 16) + ": limit cpu_seconds must be positive");
}

TEST_F(PackTest, TaskFilesInSubfoldersOfTasksAreLoaded) {
  Write("pack.yaml", "name: p\nversion: \"1\"\n");
  Write("tasks/a.yaml", "id: a\nprompt: p\ntests:\n  - stdio: {expected_stdout: ''}\n");
  Write("tasks/easy/b.yaml", "id: b\nprompt: p\ntests:\n  - stdio: {expected_stdout: ''}\n");
  auto pack = LoadPack(dir_);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  ASSERT_EQ(pack->tasks.size(), 2u);
  EXPECT_EQ(pack->tasks[0].id, "a");
  EXPECT_EQ(pack->tasks[1].id, "b");
  EXPECT_EQ(pack->tasks[1].where.file.find("tasks/easy/b.yaml") != std::string::npos, true)
      << pack->tasks[1].where.file;
}

}  // namespace
}  // namespace proctor::grader::task
