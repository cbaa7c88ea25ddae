// `proctor grade` as a CI job runs it, through the real binary and the real sandbox
// (docs/results.md): carried keys (id, meta) reach the results and JUnit, `-` reads standard
// input, every file error names the system's reason, --fail-under sets exit code 3, and the
// JUnit XML (parsed back with pugixml, and strictly with Python's expat) carries verdict types,
// public diffs and compiler messages but never a hidden test's content.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/host_check.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using proctor::testing::CommandOutput;
using proctor::testing::ReadFileOrEmpty;
using proctor::testing::RunCommand;

const std::string kProctor = PROCTOR_BINARY;

// Only the hidden test holds this word: its input, its expected output, and whatever a
// program prints from it. It must never reach the JUnit XML.
constexpr const char* kHiddenWord = "zqhiddenword";

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A temporary folder holding a one-task pack ("greet": print "hello, " and the word read
// from stdin; one public test, one hidden) and whatever a test writes.
class Workdir {
 public:
  Workdir() {
    char tmpl[] = "/tmp/proctor-grade-test.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    WriteFile(dir_ / "pack/pack.yaml",
              "name: ci\nversion: \"1\"\ndefaults:\n  languages: [python, cpp]\n"
              "  scoring: fraction\n");
    WriteFile(dir_ / "pack/tasks/greet.yaml",
              std::string("id: greet\nprompt: Print \"hello, \" and the word read from stdin.\n"
                          "limits: {cpu_seconds: 0.5}\n"
                          "tests:\n"
                          "  - {name: world, visibility: public, stdio: {stdin: \"world\\n\", "
                          "expected_stdout: \"hello, world\\n\"}}\n"
                          "  - {stdio: {stdin: \"") +
                  kHiddenWord + "\\n\", expected_stdout: \"hello, " + kHiddenWord + "\\n\"}}\n");
    // C++ tests compiled with the solution: the hidden one calls a function no solution
    // defines, so its link error (in the hidden test's own feedback, which the report keeps
    // from the JSON) names the hidden word.
    WriteFile(dir_ / "pack/tasks/link.yaml",
              std::string("id: link\nprompt: Define int twice(int).\nlanguages: [cpp]\n"
                          "tests:\n"
                          "  - {name: pub, visibility: public, unit: {style: cpp_asserts, code: "
                          "\"#include <cassert>\\nint twice(int);\\nint main() { "
                          "assert(twice(2) == 4); }\\n\"}}\n"
                          "  - {unit: {style: cpp_asserts, code: \"int ") +
                  kHiddenWord + "_helper(int);\\nint main() { return " + kHiddenWord +
                  "_helper(3) == 6 ? 0 : 1; }\\n\"}}\n");
  }
  ~Workdir() { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string pack() const { return path("pack"); }
  std::string Write(const std::string& name, const std::vector<json>& lines) const {
    std::string text;
    for (const json& j : lines) text += j.dump() + "\n";
    WriteFile(dir_ / name, text);
    return path(name);
  }

 private:
  fs::path dir_;
};

CommandOutput Grade(const Workdir& w, std::vector<std::string> extra) {
  std::vector<std::string> argv = {"/usr/bin/timeout", "120",    kProctor, "grade",        "--pack",
                                   w.pack(),           "--jobs", "2",      "--no-progress"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return RunCommand(argv);
}

std::vector<json> JsonLines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

const char* kCorrect = "print('hello, ' + input())";
// Wrong, and echoes what it read to stderr: the hidden test's input is in its output.
const char* kWrong =
    "import sys\ns = input()\nprint('bye, ' + s)\nprint('echo ' + s, file=sys.stderr)";

// The eight submissions every JUnit and carried-key check below reads, graded once.
class GradeCi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    w_ = new Workdir;
    const std::string submissions = w_->Write(
        "submissions.jsonl",
        {{{"id", "ok-1"},
          {"meta", {{"run", 7}, {"tags", {"a", "b"}}}},
          {"task_id", "greet"},
          {"code", kCorrect}},
         {{"id", 42}, {"task_id", "greet"}, {"code", kWrong}},
         {{"task_id", "greet"}, {"language", "cpp"}, {"code", "int main( {"}},
         {{"id", "crash"},
          {"task_id", "greet"},
          {"pack", "ci"},
          {"code", "raise ValueError('boom ' + input())"}},
         // Hostile: its output and its id try to close the failure and forge a testcase, with
         // bytes XML 1.0 forbids.
         {{"id", "forge\"/></testcase><testcase name=\"forged\"><x>\x01"},
          {"task_id", "greet"},
          {"code",
           "import sys\ninput()\nsys.stdout.buffer.write(b'</failure></testcase><testcase "
           "name=\"forged\"/>\\x01\\xff\\xfe]]>\\n')"}},
         {{"id", "unfenced"}, {"task_id", "greet"}, {"extract", "fenced"}, {"code", kCorrect}},
         {{"id", "link"}, {"task_id", "link"}, {"code", "int twice(int x) { return 2 * x; }\n"}},
         {{"id", "spin"}, {"task_id", "greet"}, {"code", "while True:\n    pass\n"}}});
    run_ = new CommandOutput(
        Grade(*w_, {"--submissions", submissions, "--out", w_->path("results.jsonl"), "--junit",
                    w_->path("junit.xml")}));
    xml_ = new std::string(ReadFileOrEmpty(w_->path("junit.xml")));
    results_ = new std::vector<json>(JsonLines(ReadFileOrEmpty(w_->path("results.jsonl"))));
  }
  static void TearDownTestSuite() {
    delete results_;
    delete xml_;
    delete run_;
    delete w_;
  }
  void SetUp() override {
    ASSERT_EQ(run_->exit_code, 0) << run_->err;
    ASSERT_EQ(results_->size(), 8u) << run_->err;
    ASSERT_TRUE(doc_.load_string(xml_->c_str())) << *xml_;
  }
  pugi::xml_node Case(const std::string& name) {
    return doc_.select_node(("//testcase[@name=\"" + name + "\"]").c_str()).node();
  }

  static Workdir* w_;
  static CommandOutput* run_;
  static std::string* xml_;
  static std::vector<json>* results_;
  pugi::xml_document doc_;
};
Workdir* GradeCi::w_ = nullptr;
CommandOutput* GradeCi::run_ = nullptr;
std::string* GradeCi::xml_ = nullptr;
std::vector<json>* GradeCi::results_ = nullptr;

TEST_F(GradeCi, ResultsCarryIdAndMetaUnderTheirOwnNames) {
  const std::vector<json>& r = *results_;
  EXPECT_EQ(r[0]["id"], "ok-1");
  EXPECT_EQ(r[0]["meta"], json({{"run", 7}, {"tags", {"a", "b"}}}));
  EXPECT_EQ(r[0]["reward"], 1.0);
  EXPECT_EQ(r[1]["id"], 42);  // an integer stays an integer
  EXPECT_FALSE(r[1].contains("meta"));
  EXPECT_FALSE(r[2].contains("id"));
  EXPECT_EQ(r[2]["line"], 3);
  EXPECT_EQ(r[3]["id"], "crash");
  EXPECT_FALSE(r[3].contains("pack") && r[3]["pack"].is_string());  // "pack" is the report's
}

TEST_F(GradeCi, JUnitTestCasesAreNamedByIdElseByLine) {
  std::vector<std::string> names;
  for (pugi::xpath_node n : doc_.select_nodes("//testcase"))
    names.push_back(n.node().attribute("name").value());
  EXPECT_EQ(names, (std::vector<std::string>{"ok-1", "42", "line 3", "crash",
                                             "forge\"/></testcase><testcase "
                                             "name=\"forged\"><x>\xEF\xBF\xBD",
                                             "unfenced", "spin", "link"}));
  pugi::xml_node ok = Case("ok-1");
  EXPECT_STREQ(ok.attribute("classname").value(), "greet");
  EXPECT_FALSE(ok.child("failure"));
  EXPECT_FALSE(ok.child("error"));
  EXPECT_STREQ(
      ok.select_node("properties/property[@name='meta']").node().attribute("value").value(),
      R"({"run":7,"tags":["a","b"]})");
  EXPECT_STREQ(ok.select_node("properties/property[@name='id']").node().attribute("value").value(),
               "ok-1");
}

TEST_F(GradeCi, TestSuitesCarryTotals) {
  pugi::xml_node suites = doc_.child("testsuites");
  EXPECT_EQ(suites.attribute("tests").as_int(-1), 8);
  EXPECT_EQ(suites.attribute("failures").as_int(-1), 7);
  EXPECT_EQ(suites.attribute("errors").as_int(-1), 0);
  EXPECT_EQ(suites.attribute("skipped").as_int(-1), 0);
  EXPECT_GT(suites.attribute("time").as_double(0), 0.0);
  pugi::xml_node greet = suites.find_child_by_attribute("testsuite", "name", "greet");
  EXPECT_EQ(greet.attribute("tests").as_int(-1), 7);
  EXPECT_EQ(greet.attribute("failures").as_int(-1), 6);
  EXPECT_EQ(greet.attribute("errors").as_int(-1), 0);
  EXPECT_EQ(greet.attribute("skipped").as_int(-1), 0);
  pugi::xml_node link = suites.find_child_by_attribute("testsuite", "name", "link");
  EXPECT_EQ(link.attribute("tests").as_int(-1), 1);
  EXPECT_EQ(link.attribute("failures").as_int(-1), 1);
  EXPECT_EQ(doc_.select_nodes("//testsuite").size(), 2u);
}

TEST_F(GradeCi, WrongAnswerFailureCarriesThePublicDiffAndStderr) {
  pugi::xml_node failure = Case("42").child("failure");
  ASSERT_TRUE(failure) << *xml_;
  EXPECT_STREQ(failure.attribute("type").value(), "wrong_answer");
  const std::string text = failure.text().get();
  EXPECT_NE(text.find("test 0 \"world\" (public): wrong_answer"), std::string::npos) << text;
  EXPECT_NE(text.find("-hello, world\n+bye, world\n"), std::string::npos) << text;
  EXPECT_NE(text.find("echo world"), std::string::npos) << text;
  EXPECT_NE(text.find("test 1 (hidden): wrong_answer"), std::string::npos) << text;
}

TEST_F(GradeCi, CompileErrorFailureCarriesTheCompilerMessage) {
  pugi::xml_node failure = Case("line 3").child("failure");
  ASSERT_TRUE(failure) << *xml_;
  EXPECT_STREQ(failure.attribute("type").value(), "compile_error");
  const std::string text = failure.text().get();
  EXPECT_NE(text.find("error:"), std::string::npos) << text;
  EXPECT_NE(text.find("solution.cpp"), std::string::npos) << text;
}

TEST_F(GradeCi, RuntimeErrorFailureCarriesThePublicTraceback) {
  pugi::xml_node failure = Case("crash").child("failure");
  ASSERT_TRUE(failure) << *xml_;
  EXPECT_STREQ(failure.attribute("type").value(), "runtime_error");
  const std::string text = failure.text().get();
  EXPECT_NE(text.find("ValueError: boom world"), std::string::npos) << text;
}

TEST_F(GradeCi, NoCodeFailureSaysWhyNoCodeWasFound) {
  pugi::xml_node failure = Case("unfenced").child("failure");
  ASSERT_TRUE(failure) << *xml_;
  EXPECT_STREQ(failure.attribute("type").value(), "no_code");
  EXPECT_NE(std::string(failure.text().get()).find("fence"), std::string::npos)
      << failure.text().get();
}

TEST_F(GradeCi, TimeLimitFailureSaysWhichLimit) {
  pugi::xml_node failure = Case("spin").child("failure");
  ASSERT_TRUE(failure) << *xml_;
  EXPECT_STREQ(failure.attribute("type").value(), "time_limit");
  EXPECT_NE(std::string(failure.text().get()).find("(public): time_limit (cpu)"), std::string::npos)
      << failure.text().get();
}

TEST_F(GradeCi, HiddenTestContentNeverReachesTheXml) {
  // The hidden test's input, expected output, and the programs' outputs and tracebacks from
  // it ("bye, zq...", "echo zq...", "boom zq...") all contain the word.
  EXPECT_EQ(xml_->find(kHiddenWord), std::string::npos) << *xml_;
  // The hidden tests did run and fail, so the check is not vacuous.
  EXPECT_EQ((*results_)[1]["tests"][1]["visibility"], "hidden");
  EXPECT_EQ((*results_)[1]["tests"][1]["verdict"], "wrong_answer");
  // The hidden C++ test's link error names the word; it is reported by verdict only.
  EXPECT_EQ((*results_)[6]["tests"][0]["verdict"], "passed");
  EXPECT_EQ((*results_)[6]["tests"][1]["verdict"], "compile_error");
  pugi::xml_node failure = Case("link").child("failure");
  EXPECT_STREQ(failure.attribute("type").value(), "compile_error");
  EXPECT_NE(std::string(failure.text().get()).find("test 1 (hidden): compile_error"),
            std::string::npos)
      << failure.text().get();
}

TEST_F(GradeCi, HostileOutputCannotForgeTestCasesAndTheXmlIsStrictlyValid) {
  EXPECT_EQ(doc_.select_nodes("//testcase").size(), 8u);
  EXPECT_FALSE(Case("forged"));
  // Python's expat rejects what XML 1.0 forbids (control characters, invalid UTF-8), which
  // pugixml would accept.
  CommandOutput parsed = RunCommand({"/usr/bin/python3", "-c",
                                     "import sys, xml.etree.ElementTree as ET\n"
                                     "root = ET.parse(sys.argv[1]).getroot()\n"
                                     "print(len(root.findall('.//testcase')))",
                                     w_->path("junit.xml")});
  EXPECT_EQ(parsed.exit_code, 0) << parsed.err;
  EXPECT_EQ(parsed.out, "8\n");
  const std::string text =
      doc_.select_node("//testcase[starts-with(@name, 'forge')]/failure").node().text().get();
  EXPECT_NE(text.find("+</failure></testcase><testcase name=\"forged\"/>\xEF\xBF\xBD"),
            std::string::npos)
      << text;
}

TEST(GradeLines, UnknownKeysStayErrorsAndErrorLinesCarryTheirId) {
  Workdir w;
  const std::string file =
      w.Write("bad.jsonl",
              {{{"id", "typo"}, {"task_id", "greet"}, {"code", kCorrect}, {"extarct", "raw"}},
               {{"id", {{"not", "a string"}}}, {"task_id", "greet"}, {"code", kCorrect}},
               {{"id", "other-pack"}, {"task_id", "greet"}, {"pack", "basics"}, {"code", kCorrect}},
               {{"id", "fine"}, {"task_id", "greet"}, {"code", kCorrect}}});
  CommandOutput out = Grade(w, {"--submissions", file});
  EXPECT_EQ(out.exit_code, 2) << out.err;
  EXPECT_NE(out.err.find(file + ":1: unknown key \"extarct\""), std::string::npos) << out.err;
  EXPECT_NE(out.err.find(file + ":2: \"id\" must be a string or an integer"), std::string::npos)
      << out.err;
  EXPECT_NE(out.err.find(file + ":3: \"pack\" is \"basics\", not the loaded pack \"ci\""),
            std::string::npos)
      << out.err;
  std::vector<json> results = JsonLines(out.out);
  ASSERT_EQ(results.size(), 4u) << out.out;
  EXPECT_EQ(results[0]["id"], "typo");
  EXPECT_TRUE(results[0].contains("error"));
  EXPECT_FALSE(results[0].contains("reward"));  // the typo did not grade it with other rules
  EXPECT_FALSE(results[1].contains("id"));
  EXPECT_EQ(results[2]["id"], "other-pack");
  EXPECT_EQ(results[3]["id"], "fine");
  EXPECT_EQ(results[3]["reward"], 1.0);
}

TEST(GradeStdin, DashReadsStandardInputFromAPipe) {
  Workdir w;
  const std::string file =
      w.Write("in.jsonl", {{{"id", "a"}, {"task_id", "greet"}, {"code", kCorrect}},
                           {{"id", "b"}, {"task_id", "nope"}, {"code", kCorrect}}});
  CommandOutput out =
      RunCommand({"/bin/sh", "-c",
                  "cat \"$1\" | exec /usr/bin/timeout 120 \"$2\" grade --pack \"$3\" --no-progress "
                  "--submissions -",
                  "sh", file, kProctor, w.pack()});
  EXPECT_EQ(out.exit_code, 2) << out.err;  // line 2's unknown task
  EXPECT_NE(out.err.find("<stdin>:2: unknown task_id \"nope\""), std::string::npos) << out.err;
  std::vector<json> results = JsonLines(out.out);
  ASSERT_EQ(results.size(), 2u) << out.out;
  EXPECT_EQ(results[0]["id"], "a");
  EXPECT_EQ(results[0]["reward"], 1.0);
  EXPECT_EQ(results[1]["id"], "b");
}

TEST(GradeFiles, EveryFileErrorNamesTheSystemsReason) {
  Workdir w;
  const std::string ok = w.Write("ok.jsonl", {{{"task_id", "greet"}, {"code", kCorrect}}});
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string missing_dir = w.path("no-such-dir");
  const std::vector<Case> cases = {
      {{"--submissions", "nope.jsonl"}, "cannot read nope.jsonl: No such file or directory"},
      {{"--submissions", w.pack()}, "cannot read " + w.pack() + ": Is a directory"},
      {{"--submissions", ok, "--out", missing_dir + "/r.jsonl"},
       "cannot write " + missing_dir + "/r.jsonl: No such file or directory"},
      {{"--submissions", ok, "--junit", missing_dir + "/j.xml"},
       "cannot write " + missing_dir + "/j.xml: No such file or directory"},
      {{"--submissions", ok, "--summary-json", missing_dir + "/s.json"},
       "cannot write " + missing_dir + "/s.json: No such file or directory"},
      {{"--submissions", ok, "--out", "/dev/full"},
       "cannot write /dev/full: No space left on device"},
  };
  for (const Case& c : cases) {
    CommandOutput out = Grade(w, c.args);
    EXPECT_EQ(out.exit_code, 2) << c.message << "\n" << out.err;
    EXPECT_NE(out.err.find("proctor grade: " + c.message), std::string::npos)
        << "expected: " << c.message << "\ngot: " << out.err;
  }
  CommandOutput out = RunCommand({kProctor, "grade", "--pack", missing_dir, "--submissions", ok});
  EXPECT_EQ(out.exit_code, 2);
  EXPECT_NE(out.err.find("cannot read " + missing_dir + "/pack.yaml: No such file or directory"),
            std::string::npos)
      << out.err;
}

TEST(GradeFailUnder, ExitCodeThreeOnlyWhenPassAtOneIsBelowTheThreshold) {
  Workdir w;
  // One task, two samples, one correct: pass@1 = 0.5.
  const std::string half = w.Write("half.jsonl", {{{"task_id", "greet"}, {"code", kCorrect}},
                                                  {{"task_id", "greet"}, {"code", kWrong}}});
  CommandOutput at = Grade(w, {"--submissions", half, "--fail-under", "0.5"});
  EXPECT_EQ(at.exit_code, 0) << at.err;
  EXPECT_NE(at.err.find("pass@1 0.5000 is at or above --fail-under 0.5"), std::string::npos)
      << at.err;
  CommandOutput below = Grade(w, {"--submissions", half, "--fail-under", "0.51", "--k", "10"});
  EXPECT_EQ(below.exit_code, 3) << below.err;
  EXPECT_NE(below.err.find("pass@1 0.5000 is below --fail-under 0.51"), std::string::npos)
      << below.err;

  const std::string empty = w.Write("empty.jsonl", {});
  CommandOutput none = Grade(w, {"--submissions", empty, "--fail-under", "0"});
  EXPECT_EQ(none.exit_code, 3) << none.err;
  EXPECT_NE(none.err.find("no submission was graded"), std::string::npos) << none.err;

  // Bad input lines win: exit 2 as before.
  const std::string bad = w.Write("bad.jsonl", {{{"task_id", "greet"}, {"cod", kCorrect}}});
  EXPECT_EQ(Grade(w, {"--submissions", bad, "--fail-under", "0.9"}).exit_code, 2);

  for (const char* value : {"1.5", "-0.1", "abc", "nan", ""}) {
    CommandOutput out = Grade(w, {"--submissions", half, "--fail-under", value});
    EXPECT_EQ(out.exit_code, 2) << value;
    EXPECT_NE(
        out.err.find("--fail-under: '" + std::string(value) + "' is not a number from 0 to 1"),
        std::string::npos)
        << out.err;
  }
}

// A keeper folder whose proctor-keeper and proctor-zygote are /bin/false: the sandbox is
// created but every run fails, so every submission is ungradeable.
TEST(GradeJUnit, UngradeableIsAnErrorElementAndExitOneBeatsFailUnder) {
  Workdir w;
  fs::create_directories(w.path("keeper"));
  fs::create_symlink("/bin/false", w.path("keeper/proctor-keeper"));
  fs::create_symlink("/bin/false", w.path("keeper/proctor-zygote"));
  const std::string file =
      w.Write("one.jsonl", {{{"id", "u"}, {"task_id", "greet"}, {"code", kCorrect}}});
  CommandOutput out = Grade(w, {"--submissions", file, "--junit", w.path("j.xml"), "--keeper-path",
                                w.path("keeper/proctor-keeper"), "--fail-under", "1"});
  EXPECT_EQ(out.exit_code, 1) << out.err;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_file(w.path("j.xml").c_str())) << ReadFileOrEmpty(w.path("j.xml"));
  pugi::xml_node suites = doc.child("testsuites");
  EXPECT_EQ(suites.attribute("tests").as_int(-1), 1);
  EXPECT_EQ(suites.attribute("errors").as_int(-1), 1);
  EXPECT_EQ(suites.attribute("failures").as_int(-1), 0);
  pugi::xml_node error = doc.select_node("//testcase[@name='u']/error").node();
  ASSERT_TRUE(error) << ReadFileOrEmpty(w.path("j.xml"));
  EXPECT_STREQ(error.attribute("type").value(), "ungradeable");
  EXPECT_EQ(std::string(error.attribute("message").value()).rfind("ungradeable: ", 0), 0u);
}

TEST(GradeHelp, MentionsFailUnderAndDash) {
  CommandOutput out = RunCommand({kProctor, "grade", "--help"});
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_NE(out.out.find("--fail-under PASS_AT_1"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("--submissions -"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("3 when pass@1 is below"), std::string::npos) << out.out;
}

}  // namespace
