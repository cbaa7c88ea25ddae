#include "grader/task/validate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <string>

#include "grader/languages/language.h"

namespace proctor::grader::task {
namespace {

class Validator {
 public:
  std::vector<LoadError> errors;

  void Check(bool ok, const SourceLocation& where, std::string message) {
    if (!ok) errors.push_back(LoadError{where, std::move(message)});
  }

  void CheckPack(const task::Pack& pack) {
    static const std::regex kPackName("[a-z0-9][a-z0-9_-]*");
    SourceLocation pack_file{(std::filesystem::path(pack.root) / "pack.yaml").string(), 0, 0};
    Check(std::regex_match(pack.name, kPackName), pack_file,
          "pack name \"" + pack.name + "\" must match [a-z0-9][a-z0-9_-]*");
    Check(!pack.version.empty(), pack_file, "pack version must not be empty");
    Check(!pack.tasks.empty(), pack_file, "the pack has no tasks (add tasks/*.yaml)");
    CheckLimits(pack.defaults.limits, pack_file);
    std::map<std::string, SourceLocation> ids;
    for (const Task& task : pack.tasks) {
      auto [it, inserted] = ids.emplace(task.id, task.where);
      Check(
          inserted, task.where,
          "duplicate task id \"" + task.id + "\" (first defined at " + it->second.ToString() + ")");
      CheckTask(task);
    }
  }

 private:
  void CheckLimits(const task::Limits& l, const SourceLocation& where) {
    auto positive = [&](double v, const char* key) {
      Check(v > 0, where, std::string("limit ") + key + " must be positive");
    };
    positive(l.wall_seconds, "wall_seconds");
    positive(l.cpu_seconds, "cpu_seconds");
    positive(l.memory_mb, "memory_mb");
    positive(l.max_processes, "max_processes");
    positive(l.output_kb, "output_kb");
    positive(l.disk_kb, "disk_kb");
    positive(l.disk_inodes, "disk_inodes");
    positive(l.open_files, "open_files");
    positive(l.compile_wall_seconds, "compile_wall_seconds");
    positive(l.compile_memory_mb, "compile_memory_mb");
  }

  static bool Allows(const task::Task& task, Language language) {
    return std::find(task.languages.begin(), task.languages.end(), language) !=
           task.languages.end();
  }

  void Tolerance(const compare::FloatTolerance& t, const SourceLocation& where) {
    Check(t.abs_tol >= 0 && t.rel_tol >= 0, where, "abs_tol and rel_tol must not be negative");
  }

  void Solutions(const task::Task& task, const std::vector<Solution>& solutions, const char* what) {
    for (const Solution& s : solutions) {
      Check(Allows(task, s.language), s.where,
            std::string(what) + " in language \"" + std::string(LanguageName(s.language)) +
                "\" which the task does not allow");
    }
  }

  // Tests written in one language (a unit test file, the call-test runner) need a task of
  // exactly one language whose definition supports them (languages/*.yaml: call_tests,
  // unit_styles).
  void OnlySupporting(const task::Task& task, const Test& test,
                      bool (*supports)(const grader::Language&, const UnitTest*),
                      const UnitTest* unit, const std::string& what) {
    std::string names;
    int count = 0;
    for (const grader::Language& l : grader::Languages()) {
      if (!supports(l, unit)) continue;
      names += (names.empty() ? "\"" : ", \"") + l.name + "\"";
      ++count;
    }
    const grader::Language* only =
        task.languages.size() == 1 ? grader::FindLanguage(std::string(task.languages[0].name()))
                                   : nullptr;
    Check(only != nullptr && supports(*only, unit), test.where,
          what + " supports only language" + (count == 1 ? " " : "s ") +
              (names.empty() ? "(none defined)" : names) + ", but the task allows " +
              LanguageList(task));
  }
  static bool CallTests(const grader::Language& l, const UnitTest*) { return l.call_tests; }
  static bool SupportsStyle(const grader::Language& l, const UnitTest* unit) {
    return l.SupportsUnitStyle(std::string(UnitStyleName(unit->style)));
  }

  static std::string LanguageList(const task::Task& task) {
    std::string out;
    for (Language l : task.languages) {
      out += (out.empty() ? "" : ", ") + std::string(LanguageName(l));
    }
    return "[" + out + "]";
  }

  // `scoring` keys that depend on the mode, and the tests' groups.
  void CheckScoring(const task::Task& task) {
    const Scoring& scoring = task.scoring;
    const bool subtasks = scoring.mode == ScoringMode::kSubtasks;
    const std::string mode(ScoringModeName(scoring.mode));
    Check(scoring.max_tests >= 0, task.where, "scoring max_tests must not be negative");
    Check(scoring.max_tests == 0 || !subtasks, task.where,
          "scoring max_tests does not combine with subtasks (a group needs all its tests)");
    Check(subtasks || scoring.groups.empty(), task.where,
          "scoring groups apply only to mode subtasks (the task's is " + mode + ")");
    Check(!subtasks || !scoring.groups.empty(), task.where,
          "scoring mode subtasks needs groups (a mapping of group name to points)");
    double total = 0;
    std::map<std::string, int> counted_in_group;
    for (const Subtask& g : scoring.groups) {
      Check(std::isfinite(g.points) && g.points >= 0, g.where,
            "points of group \"" + g.name + "\" must be a number >= 0");
      total += g.points;
      counted_in_group[g.name] = 0;
    }
    Check(!subtasks || scoring.groups.empty() || total > 0, task.where,
          "the groups' points add up to 0 (the reward would be meaningless)");
    for (const Test& test : task.tests) {
      const bool counted = test.visibility == Visibility::kHidden || scoring.count_public;
      if (!subtasks) {
        Check(test.group.empty(), test.where,
              "test \"" + test.name + "\" has a group but the task's scoring is " + mode +
                  " (groups need subtasks)");
        continue;
      }
      auto it = counted_in_group.find(test.group);
      if (test.group.empty()) {
        Check(!counted, test.where,
              "test \"" + test.name + "\" counts toward the reward but names no group");
      } else if (it == counted_in_group.end()) {
        Check(false, test.where,
              "test \"" + test.name + "\" names group \"" + test.group +
                  "\", which scoring groups does not list");
      } else {
        it->second += counted;
      }
    }
    for (const Subtask& g : scoring.groups) {
      Check(!subtasks || counted_in_group[g.name] > 0, g.where,
            "group \"" + g.name + "\" has no test that counts toward the reward");
    }
  }

  void CheckTask(const task::Task& task) {
    static const std::regex kId("[A-Za-z0-9_][A-Za-z0-9_./-]*");
    static const std::regex kIdentifier("[A-Za-z_][A-Za-z0-9_]*");
    Check(std::regex_match(task.id, kId), task.where,
          "task id \"" + task.id + "\" must match [A-Za-z0-9_][A-Za-z0-9_./-]*");
    Check(!task.languages.empty(), task.where, "task allows no languages");
    CheckLimits(task.limits, task.where);
    // `Class.method` too: the method of a fresh instance of the solution's class.
    static const std::regex kEntryMethod("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");
    Check(task.entry_point.empty() || std::regex_match(task.entry_point, kIdentifier) ||
              std::regex_match(task.entry_point, kEntryMethod),
          task.where,
          "entry_point \"" + task.entry_point + "\" is not an identifier or Class.method");
    Solutions(task, task.starter, "starter");
    Solutions(task, task.reference_solutions, "reference solution");
    Solutions(task, task.wrong_solutions, "wrong solution");

    CheckScoring(task);
    std::map<std::string, SourceLocation> names;
    int hidden = 0;
    bool uses_checker = false;
    for (const Test& test : task.tests) {
      auto [it, inserted] = names.emplace(test.name, test.where);
      Check(inserted, test.where,
            "duplicate test name \"" + test.name + "\" in task \"" + task.id +
                "\" (first defined at " + it->second.ToString() + ")");
      Check(!test.name.empty(), test.where, "test name must not be empty");
      Check(std::isfinite(test.weight) && test.weight > 0, test.where,
            "test weight must be positive");
      Check(test.weight == 1.0 || task.scoring.mode == ScoringMode::kWeighted, test.where,
            "test \"" + test.name + "\" has a weight but the task's scoring is " +
                std::string(ScoringModeName(task.scoring.mode)) + " (weights need weighted)");
      if (test.visibility == Visibility::kHidden) ++hidden;

      if (const auto* call = std::get_if<CallTest>(&test.body)) {
        OnlySupporting(task, test, CallTests, nullptr, "a call test");
        Check(!call->function.empty(), test.where,
              "call test \"" + test.name + "\" names no function and the task has no entry_point");
        // `Class.method`: the method of a fresh instance of the solution's class.
        static const std::regex kMethod("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");
        Check(call->function.empty() || std::regex_match(call->function, kIdentifier) ||
                  std::regex_match(call->function, kMethod),
              test.where,
              "function \"" + call->function + "\" is not an identifier or Class.method");
        for (const auto& [name, value] : call->kwargs) {
          Check(std::regex_match(name, kIdentifier), test.where,
                "kwargs name \"" + name + "\" is not an identifier");
        }
        Check(call->raises.empty() || std::regex_match(call->raises, kIdentifier), test.where,
              "raises \"" + call->raises + "\" is not an exception type name");
        if (call->compare.float_tolerance) Tolerance(*call->compare.float_tolerance, test.where);
      } else if (const auto* stdio = std::get_if<StdioTest>(&test.body)) {
        uses_checker = uses_checker || stdio->use_checker;
        Check(!stdio->use_checker || task.checker.has_value(), test.where,
              "test \"" + test.name + "\" compares with the checker, but the task has none");
        Tolerance(stdio->compare.tolerance, test.where);
      } else if (const auto* unit = std::get_if<UnitTest>(&test.body)) {
        std::string what = "a unit test of style " + std::string(UnitStyleName(unit->style));
        if (unit->language) {
          const std::string name(LanguageName(*unit->language));
          Check(Allows(task, *unit->language), unit->language_where,
                "unit test language \"" + name + "\" is not allowed by the task (it allows " +
                    LanguageList(task) + ")");
          const grader::Language* definition = grader::FindLanguage(name);
          Check(definition != nullptr && SupportsStyle(*definition, unit), unit->language_where,
                what + " is not supported by language \"" + name +
                    "\" (its definition's unit_styles do not list it)");
        } else {
          OnlySupporting(task, test, SupportsStyle, unit, what);
        }
        Check(unit->style != UnitStyle::kHumanEval || !task.entry_point.empty(), test.where,
              "a humaneval unit test needs the task's entry_point");
        Check(unit->expected_tests >= 0, test.where, "expected_tests must not be negative");
        Check(unit->expected_tests == 0 || unit->style == UnitStyle::kPytest, test.where,
              "expected_tests applies only to style pytest");
        // Proctor's harness is the test binary's TestMain (grader/grading/unit_style_go_test.cc).
        static const std::regex kTestMain(R"((^|\n)\s*func\s+TestMain\s*\()");
        Check(unit->style != UnitStyle::kGoTest || !std::regex_search(unit->code.text, kTestMain),
              test.where, "a go_test file must not define TestMain (Proctor's harness does)");
      }
    }
    Check(hidden > 0, task.where,
          "task \"" + task.id + "\" has no hidden tests (its reward would be meaningless)");
    // Unit tests with `language:` grade only their language: each allowed language needs a
    // counted test of its own, or its submissions would get a reward from no test.
    for (Language language : task.languages) {
      bool counted = false;
      for (const Test& test : task.tests)
        counted |= AppliesTo(test, language) &&
                   (test.visibility == Visibility::kHidden || task.scoring.count_public);
      Check(hidden == 0 || counted, task.where,
            "task \"" + task.id + "\" allows language \"" + std::string(LanguageName(language)) +
                "\" but has no hidden test that applies to it (a stdio test, or a unit test "
                "with language: " + std::string(LanguageName(language)) + ")");
    }
    if (task.checker) {
      Check(uses_checker, task.checker->where,
            "task \"" + task.id + "\" has a checker but no test uses compare: checker");
    }
  }
};

}  // namespace

std::vector<LoadError> ValidatePack(const task::Pack& pack) {
  Validator validator;
  validator.CheckPack(pack);
  return std::move(validator.errors);
}

}  // namespace proctor::grader::task
