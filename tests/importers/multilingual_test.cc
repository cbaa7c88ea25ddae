// Specification of grader/importers/humaneval_x and multipl_e: a problem published in several
// languages becomes one task (id "HumanEval_<n>_<name>", the same from both datasets) that
// allows each language Proctor can grade, with one unit test per language (`language:`),
// graded by the `program` style (python: humaneval); languages Proctor cannot grade are
// skipped with a note. Through the real binary the imported packs check and grade, and the
// bundled tasks/multilingual pack passes `pack check`. Fixtures (fixtures/humaneval-x/,
// fixtures/multipl-e/) are real records in each dataset's own layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "grader/importers/humaneval_x.h"
#include "grader/importers/multilingual.h"
#include "grader/importers/multipl_e.h"
#include "grader/languages/language.h"
#include "grader/task/pack_loader.h"
#include "tests/importers/binary_e2e.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

// The languages of `wanted` whose definitions exist and support `style` (other helpers add
// definitions; a test uses only those present).
std::vector<std::string> Usable(const std::vector<std::pair<std::string, std::string>>& wanted) {
  std::vector<std::string> out;
  std::string why;
  for (const auto& [language, style] : wanted)
    if (LanguageUsable(language, style, &why)) out.push_back(language);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Languages(const task::Task& t) {
  std::vector<std::string> out;
  for (task::Language l : t.languages) out.emplace_back(l.name());
  std::sort(out.begin(), out.end());
  return out;
}

const task::Task* FindTask(const task::Pack& pack, const std::string& id) {
  for (const task::Task& t : pack.tasks)
    if (t.id == id) return &t;
  return nullptr;
}

const task::UnitTest* TestOf(const task::Task& t, const std::string& language) {
  for (const task::Test& test : t.tests) {
    const auto* unit = std::get_if<task::UnitTest>(&test.body);
    if (unit != nullptr && unit->language && unit->language->name() == language) return unit;
  }
  return nullptr;
}

bool AnyNoteContains(const ImportReport& report, const std::string& text) {
  for (const std::string& note : report.notes)
    if (note.find(text) != std::string::npos) return true;
  return false;
}

class MultilingualImportTest : public TempDirTest {
 protected:
  std::string HumanEvalXDir() const { return FixturePath("humaneval-x"); }
  std::string MultiplEDir() const { return FixturePath("multipl-e"); }
  bool Import(bool (*run)(const ImportRequest&, ImportReport*, std::string*),
              const std::vector<std::string>& inputs, std::string* error) {
    ImportRequest request;
    request.input = inputs[0];
    request.more_inputs.assign(inputs.begin() + 1, inputs.end());
    request.out_dir = Out();
    request.progress = false;
    report_ = {};
    return run(request, &report_, error);
  }
  ImportReport report_;
};

TEST_F(MultilingualImportTest, HumanEvalXFolderBecomesOneTaskPerProblemWithEachLanguage) {
  std::string error;
  ASSERT_TRUE(Import(ImportHumanEvalX, {HumanEvalXDir()}, &error)) << error;
  EXPECT_EQ(report_.records, 18);  // 3 problems x 6 languages
  EXPECT_EQ(report_.tasks, 3);
  EXPECT_TRUE(AnyNoteContains(report_, "language go skipped")) << ::testing::PrintToString(report_.notes);
  EXPECT_TRUE(AnyNoteContains(report_, "language rust skipped"));
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack) << pack.error().ToString();
  const std::vector<std::string> expected = Usable(
      {{"python", "humaneval"}, {"cpp", "program"}, {"java", "program"}, {"javascript", "program"}});
  for (const char* id :
       {"HumanEval_0_has_close_elements", "HumanEval_53_add", "HumanEval_100_make_a_pile"}) {
    const task::Task* t = FindTask(*pack, id);
    ASSERT_NE(t, nullptr) << id;
    EXPECT_EQ(Languages(*t), expected) << id;
    EXPECT_EQ(t->source, "humaneval-x");
    EXPECT_EQ(t->reference_solutions.size(), expected.size()) << id;
    for (const std::string& language : expected) EXPECT_NE(TestOf(*t, language), nullptr) << id;
  }
  const task::Task* add = FindTask(*pack, "HumanEval_53_add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->title, "add");
  if (const task::UnitTest* py = TestOf(*add, "python")) {
    EXPECT_EQ(py->style, task::UnitStyle::kHumanEval);
    EXPECT_EQ(add->entry_point, "add");
    EXPECT_EQ(py->code.text.find("\ncheck(add)"), std::string::npos) << py->code.text;
    EXPECT_NE(py->code.text.find("def check(add):"), std::string::npos);
  }
  if (const task::UnitTest* js = TestOf(*add, "javascript")) {
    EXPECT_EQ(js->style, task::UnitStyle::kProgram);
    EXPECT_NE(js->code.text.find("console.assert(add(0, 1) === 1)"), std::string::npos);
  }
}

TEST_F(MultilingualImportTest, HumanEvalXFilesMayBeGivenOneByOne) {
  std::string error;
  ASSERT_TRUE(Import(ImportHumanEvalX,
                     {HumanEvalXDir() + "/cpp/data/humaneval_cpp.jsonl.gz",
                      HumanEvalXDir() + "/python/data/humaneval_python.jsonl.gz"},
                     &error))
      << error;
  EXPECT_EQ(report_.records, 6);
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack) << pack.error().ToString();
  // C++ alone names problem 0 from its declaration; with python's entry point both agree.
  EXPECT_NE(FindTask(*pack, "HumanEval_0_has_close_elements"), nullptr);
}

TEST_F(MultilingualImportTest, HumanEvalXBadTaskIdNamesFileAndLine) {
  const std::string file = Write(
      "in.jsonl", R"({"task_id": "CPP-3", "prompt": "", "declaration": "", )"
                  R"("canonical_solution": "", "test": "", "example_test": ""})" "\n");
  std::string error;
  EXPECT_FALSE(Import(ImportHumanEvalX, {file}, &error));
  EXPECT_NE(error.find("in.jsonl:1: task_id \"CPP-3\""), std::string::npos) << error;
}

TEST_F(MultilingualImportTest, MultiplERowsOfOneNameJoinOneTask) {
  std::string error;
  ASSERT_TRUE(Import(ImportMultiplE, {MultiplEDir()}, &error)) << error;
  EXPECT_EQ(report_.records, 10);
  EXPECT_TRUE(AnyNoteContains(report_, "language go skipped"));
  EXPECT_TRUE(AnyNoteContains(report_, "no reference solution"));
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack) << pack.error().ToString();
  const task::Task* hce = FindTask(*pack, "HumanEval_0_has_close_elements");
  const task::Task* pile = FindTask(*pack, "HumanEval_100_make_a_pile");
  ASSERT_NE(hce, nullptr);
  ASSERT_NE(pile, nullptr);
  EXPECT_EQ(Languages(*hce), Usable({{"cpp", "program"}, {"java", "program"},
                                     {"javascript", "program"}, {"rust", "program"},
                                     {"bash", "program"}}));
  EXPECT_EQ(Languages(*pile), Usable({{"cpp", "program"}, {"javascript", "program"},
                                      {"rust", "program"}, {"bash", "program"}}));
  EXPECT_TRUE(hce->reference_solutions.empty());
  EXPECT_EQ(hce->title, "has_close_elements");
  // The function's closing brace (MultiPL-E's stop token) leaves the test: solutions are
  // whole functions.
  if (const task::UnitTest* cpp = TestOf(*hce, "cpp")) {
    EXPECT_EQ(cpp->code.text.rfind("int main() {", 0), 0u) << cpp->code.text;
  }
  if (const task::UnitTest* java = TestOf(*hce, "java")) {
    EXPECT_EQ(java->code.text.rfind("public class Main extends Problem {\n", 0), 0u);
    for (const task::Solution& s : hce->starter) {
      if (s.language.name() == "java") {
        EXPECT_EQ(s.code.text.find("org.javatuples"), std::string::npos) << s.code.text;
      }
    }
  }
}

TEST_F(MultilingualImportTest, MultiplEUnknownLanguageIsANoteNotAnError) {
  const std::string lua = Write(
      "lua.jsonl", R"({"name": "HumanEval_53_add", "language": "lua", "prompt": "", )"
                   R"("doctests": "transform", "original": "", "prompt_terminology": "reworded", )"
                   R"("tests": "", "stop_tokens": []})" "\n");
  std::string error;
  EXPECT_TRUE(Import(ImportMultiplE, {lua, MultiplEDir() + "/humaneval-cpp-reworded.jsonl"},
                     &error))
      << error;
  EXPECT_TRUE(AnyNoteContains(report_, "language lua skipped"));
  std::filesystem::remove_all(Out());
  EXPECT_FALSE(Import(ImportMultiplE, {lua}, &error));
  EXPECT_NE(error.find("no problem could be imported"), std::string::npos) << error;
}

TEST_F(MultilingualImportTest, BothDatasetsNameAProblemTheSame) {
  std::string error;
  ASSERT_TRUE(Import(ImportHumanEvalX, {HumanEvalXDir()}, &error)) << error;
  auto x = task::LoadPack(Out());
  ASSERT_TRUE(x);
  std::filesystem::remove_all(Out());
  ASSERT_TRUE(Import(ImportMultiplE, {MultiplEDir()}, &error)) << error;
  auto e = task::LoadPack(Out());
  ASSERT_TRUE(e);
  for (const char* id : {"HumanEval_0_has_close_elements", "HumanEval_100_make_a_pile"}) {
    EXPECT_NE(FindTask(*x, id), nullptr) << id;
    EXPECT_NE(FindTask(*e, id), nullptr) << id;
  }
}

TEST(SnakeCaseTest, CamelAndPascalCaseBecomeHumanEvalNames) {
  EXPECT_EQ(SnakeCase("hasCloseElements"), "has_close_elements");
  EXPECT_EQ(SnakeCase("HasCloseElements"), "has_close_elements");
  EXPECT_EQ(SnakeCase("make_a_pile"), "make_a_pile");
  EXPECT_EQ(SnakeCase("fib4"), "fib4");
}

// End to end through the binary: the references pass, and JavaScript's console.assert fails
// a wrong solution (Node's own prints and exits 0).
TEST_F(MultilingualImportTest, HumanEvalXPackChecksAndConsoleAssertFailsWrongCode) {
  const std::string pack_dir = dir_ + "/hx";
  CommandOutput import = ImportFixture("humaneval-x", HumanEvalXDir(), pack_dir);
  ASSERT_EQ(import.exit_code, 0) << import.out << import.err;
  EXPECT_NE(import.out.find("language go skipped"), std::string::npos) << import.out;
  CommandOutput check = CheckPack(pack_dir);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("pack check: ok"), std::string::npos) << check.out;
  if (Usable({{"javascript", "program"}}).empty()) {
    GTEST_SKIP() << "no languages/javascript.yaml definition: console.assert not tested";
  }
  const std::string subs = Write(
      "js.jsonl",
      R"({"task_id": "HumanEval_53_add", "language": "javascript", "expect": "correct", "code": "const add = (x, y) => {\n  return x + y;\n}\n"})"
      "\n"
      R"({"task_id": "HumanEval_53_add", "language": "javascript", "expect": "wrong", "code": "const add = (x, y) => {\n  return x - y;\n}\n"})"
      "\n");
  ExpectGradedAsWritten(GradeFixtureSubmissions(pack_dir, subs, dir_));
}

TEST_F(MultilingualImportTest, MultiplEPackGradesCorrectAndWrongSubmissions) {
  const std::string pack_dir = dir_ + "/me";
  CommandOutput import = ImportFixture("multipl-e", MultiplEDir(), pack_dir);
  ASSERT_EQ(import.exit_code, 0) << import.out << import.err;
  // Only the submissions of languages the pack has (definitions present).
  auto pack = task::LoadPack(pack_dir);
  ASSERT_TRUE(pack) << pack.error().ToString();
  std::ifstream in(FixturePath("multipl-e_submissions.jsonl"));
  std::string line, kept;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line);
    const task::Task* t = FindTask(*pack, j["task_id"]);
    ASSERT_NE(t, nullptr);
    for (task::Language l : t->languages)
      if (l.name() == j["language"].get<std::string>()) kept += line + "\n";
  }
  ASSERT_FALSE(kept.empty());
  ExpectGradedAsWritten(GradeFixtureSubmissions(pack_dir, Write("subs.jsonl", kept), dir_));
}

// The bundled pack: every language's reference scores 1.0, every wrong one less, including
// those that exit 0 before the tests ran.
TEST(MultilingualPackTest, BundledPackPassesPackCheck) {
  const std::string pack_dir = std::string(PROCTOR_SOURCE_DIR) + "/tasks/multilingual";
  auto pack = task::LoadPack(pack_dir);
  if (!pack && pack.error().message.find("unknown language") != std::string::npos)
    GTEST_SKIP() << "a language definition is missing: " << pack.error().ToString();
  ASSERT_TRUE(pack) << pack.error().ToString();
  CommandOutput check = CheckPack(pack_dir);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("pack check: ok"), std::string::npos) << check.out;
}

}  // namespace
}  // namespace proctor::grader::importers
