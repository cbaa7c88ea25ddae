// The task pack model: what a pack says, as plain values with in-class defaults. Every key of
// the YAML format (docs/task-format.md) maps onto one field here. LoadPack() (pack_loader.h)
// fills these structs with pack defaults already applied; ValidatePack() (validate.h) checks
// the rules that span fields.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "grader/compare/text.h"
#include "grader/compare/value_compare.h"
#include "grader/task/load_error.h"
#include "grader/value.h"

namespace proctor::grader::task {

// A language by name: one of the definitions of languages/ (grader/languages/language.h).
// An open set: the registry says which exist; a pack naming another fails to load at that
// name's file:line:col. Compared by name. The name lives as long as the program (a literal
// or the registry's own copy), so a Language is a cheap value.
class Language {
 public:
  constexpr Language() = default;  // python
  // The registry's language called `name`, or nullopt when none is.
  static std::optional<Language> Find(std::string_view name);
  constexpr std::string_view name() const { return name_; }
  static const Language kPython;
  static const Language kCpp;
  friend constexpr bool operator==(Language a, Language b) { return a.name_ == b.name_; }
  friend constexpr auto operator<=>(Language a, Language b) { return a.name_ <=> b.name_; }
  friend std::ostream& operator<<(std::ostream& out, Language l);

 private:
  constexpr explicit Language(std::string_view name) : name_(name) {}
  std::string_view name_ = "python";
};
inline constexpr Language Language::kPython{"python"};
inline constexpr Language Language::kCpp{"cpp"};

// Per-run limits. A "run" is one execution of the submission (a whole call-test session, or
// one stdio input). Defaults are the reference profile of the hostile-submission corpus.
struct Limits {
  double wall_seconds = 5.0;           // wall clock of one run
  double cpu_seconds = 2.0;            // CPU time of one run, all processes and threads
  int memory_mb = 256;                 // RAM of all processes of the run together, MiB
  // Processes + threads at once. 64: ThreadPoolExecutor() starts min(32, cpus + 4) workers,
  // so a correct program using it needs 34 on a host with 28 CPUs or more.
  int max_processes = 64;
  int output_kb = 1024;                // stdout and stderr each, KiB; more is output_limit
  int disk_kb = 16384;                 // writable space (work dir + /tmp), KiB
  int disk_inodes = 1024;              // files and directories in that space
  int open_files = 64;                 // open file descriptors
  double compile_wall_seconds = 10.0;  // C++ compile step, wall clock
  int compile_memory_mb = 512;         // C++ compile step, RAM
};

enum class ScoringMode {
  kAllOrNothing,  // 1.0 iff every counted test passes, else 0.0 (grading may stop early)
  kFraction,      // passed / counted
  kWeighted,      // sum of weights passed / sum of weights counted
  kSubtasks,      // IOI: each group earns its points iff all its counted tests pass; / total
  kCodeforces,    // 1.0 iff every counted test passes, else 0.1 x passed / counted
};

// A group of tests under `subtasks` scoring (IOI): all of its counted tests pass, or none of
// its points are earned.
struct Subtask {
  std::string name;      // what tests name in their `group`
  double points = 1.0;   // >= 0; the reward is points earned / points of all groups
  SourceLocation where;  // of the group's YAML key
};

struct Scoring {
  ScoringMode mode = ScoringMode::kAllOrNothing;  // how counted tests become a reward
  bool count_public = false;  // public tests count too (by default only hidden tests do)
  std::vector<Subtask> groups;  // kSubtasks: the groups, in written order
  // Grade at most this many counted tests, those with the longest input (stdio: stdin
  // bytes, call: the arguments' wire size; ties by written order); the others are skipped.
  // 0: all. For training on large test sets.
  int max_tests = 0;
};

// Source code written inline (`code:`) or in a file of the pack (`file:`).
struct Code {
  std::string text;      // the source; read from `file` at load time when given
  std::string file;      // the pack-relative path it came from; empty when inline
  SourceLocation where;  // of the YAML node that defined it
};

// A complete program for one language (a reference or a known-wrong solution, a starter).
struct Solution {
  Language language = Language::kPython;  // which language the code is in
  Code code;                              // the program (for call tests: defines the function)
  SourceLocation where;
};

// A custom output checker, run by the pipeline inside the sandbox with three files: the
// input, the expected output and the program's output. Exit code 0 accepts; anything else
// rejects, and its stdout (capped) is the reason.
struct Checker {
  Language language = Language::kPython;  // which language the checker is written in
  Code code;                              // its source
  SourceLocation where;
};

enum class Visibility {
  kPublic,  // shown to the model (prompt examples, feedback with values)
  kHidden,  // never shown; feedback says only pass/fail and the verdict
};

// Call one function of the solution with arguments; compare what it returns (or raises).
struct CallTest {
  std::string function;                               // defaults to the task's entry_point
  std::vector<Value> args;                            // positional arguments
  std::vector<std::pair<std::string, Value>> kwargs;  // keyword arguments, in written order
  std::optional<Value> expected;                      // the return value; unset iff `raises`
  std::string raises;                                 // expected exception type name, or ""
  compare::ValueCompareOptions compare;               // type-strict by default
};

// Run the whole program with stdin; compare its stdout.
struct StdioTest {
  std::string stdin_data;            // bytes fed to stdin (`stdin` or `stdin_file`)
  std::string expected_stdout;       // `expected_stdout` or `expected_stdout_file`
  compare::TextCompareSpec compare;  // unused when use_checker
  bool use_checker = false;          // `compare: checker`: the task's checker judges
};

enum class UnitStyle {
  kHumanEval,   // python: defines check(candidate); run as check(<entry_point>)
  kPytest,      // python: test_* functions with assert, importing from `solution`
  kAsserts,     // python: a script of top-level asserts, importing from `solution`
  kCppAsserts,  // C++: a main() with assert()s, compiled with the solution
  kProgram,     // any language: solution + test code as one program, run; passes on exit 0
                // and Proctor's end marker (grader/grading/program_tests.cc)
  kGoTest,      // Go: a _test.go file of `testing` Test functions, built with the solution by
                // `go test -c` (grader/grading/unit_style_go_test.cc)
  kJavaMain,    // Java: a test class with main(), compiled with the solution
                // (grader/grading/unit_styles_jvm_node.cc)
  kNodeRequire, // JavaScript/TypeScript: a test module that require()s/imports ./solution
                // (grader/grading/unit_styles_jvm_node.cc)
};
// Every style; a language definition's `unit_styles` names those it supports.
inline constexpr UnitStyle kUnitStyles[] = {UnitStyle::kHumanEval, UnitStyle::kPytest,
                                            UnitStyle::kAsserts, UnitStyle::kCppAsserts,
                                            UnitStyle::kProgram, UnitStyle::kGoTest,
                                            UnitStyle::kJavaMain, UnitStyle::kNodeRequire};

// Run test code of the pack against the solution; it passes if every test in it passes.
struct UnitTest {
  UnitStyle style = UnitStyle::kPytest;  // how the code is run
  Code code;                             // the test code
  int expected_tests = 0;  // pytest: exactly this many tests must run; 0 = at least one
  // `language:`: the test applies only to submissions in this language (a task of several
  // languages has tests per language); unset: the task's one language.
  std::optional<Language> language;
  SourceLocation language_where;  // of the `language` key's value
};

struct Test {
  std::string name;                                  // unique in the task; auto "call-1", ...
  Visibility visibility = Visibility::kHidden;       // who may see it
  double weight = 1.0;                               // for scoring: weighted; > 0
  std::string group;                                 // for scoring: subtasks; "" = none
  std::variant<CallTest, StdioTest, UnitTest> body;  // what the test does
  SourceLocation where;                              // of the test's YAML node
};

struct Task {
  std::string id;                             // unique in the pack ([A-Za-z0-9_./-]+)
  std::string title;                          // one line
  std::string source;     // where the task came from ("apps/test", "codeforces"); free text
  std::string source_id;  // the record's own id there, when `id` had to be mapped from it
  std::string prompt;                         // markdown shown to the model
  std::vector<Language> languages;            // allowed submission languages
  Limits limits;                              // pack defaults overridden key by key
  Scoring scoring;                            // pack default unless given
  std::string entry_point;                    // function under test (call / humaneval tests)
  std::vector<Solution> starter;              // code the solution starts from (per language)
  std::vector<Solution> reference_solutions;  // must pass every test
  std::vector<Solution> wrong_solutions;      // must fail at least one hidden test
  std::optional<Checker> checker;             // for stdio tests with `compare: checker`
  std::vector<Test> tests;                    // in written order
  std::string file;                           // pack-relative file that defined it
  SourceLocation where;                       // of the task's YAML node
};

// Values every task starts from (pack.yaml `defaults:`).
struct PackDefaults {
  Limits limits;                                          // per-key defaults of task limits
  std::vector<Language> languages = {Language::kPython};  // task `languages` default
  Scoring scoring;                                        // task `scoring` default
  compare::TextCompareSpec stdio_compare;                 // stdio test `compare` default
  compare::ValueCompareOptions call_compare;              // call test `compare` default
};

// A Debian python3-* package a pack's Python runs may import (pack.yaml `python_packages`),
// or one such package depends on (grader/task/python_packages.h).
struct PythonPackage {
  std::string name;                // e.g. "python3-numpy"
  std::string version;             // dpkg's, read at load, e.g. "1:1.24.2-1+deb12u1"
  std::vector<std::string> paths;  // its top-level entries under /usr/lib/python3/dist-packages
};

struct Pack {
  std::string name;          // [a-z0-9_-]+, e.g. "adversarial"
  std::string version;       // e.g. "1" or "1.2.0"; with name it identifies the pack
  std::string description;   // free text
  PackDefaults defaults;     // as written in pack.yaml
  std::vector<Task> tasks;   // ordered by file name, then position in the file
  std::string root;          // the directory given to LoadPack
  std::string content_hash;  // sha256 (hex) of every file of the pack, see pack_hash.h
  // `python_packages`, each followed by its python3-* dependencies; empty: the standard
  // library only.
  std::vector<PythonPackage> python_packages;
};

std::string_view LanguageName(Language language);    // "python", "cpp"
std::string_view ScoringModeName(ScoringMode mode);  // "all_or_nothing", ...
std::string_view VisibilityName(Visibility v);       // "public", "hidden"
std::string_view UnitStyleName(UnitStyle style);     // "humaneval", ...
std::string_view TestKindName(const Test& test);     // "call", "stdio", "unit"
// Whether `test` grades submissions in `language`: every test but a unit test with its own
// `language`, which grades only that language's.
bool AppliesTo(const Test& test, Language language);

}  // namespace proctor::grader::task
