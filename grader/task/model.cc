#include "grader/task/model.h"

#include <ostream>

#include "grader/languages/language.h"

namespace proctor::grader::task {

std::optional<Language> Language::Find(std::string_view name) {
  // The registry's copy of the name: it lives as long as the program.
  const grader::Language* found = grader::FindLanguage(std::string(name));
  if (found == nullptr) return std::nullopt;
  return Language(found->name);
}

std::ostream& operator<<(std::ostream& out, Language l) { return out << l.name(); }

std::string_view LanguageName(Language language) { return language.name(); }

std::string_view ScoringModeName(ScoringMode mode) {
  switch (mode) {
    case ScoringMode::kAllOrNothing:
      return "all_or_nothing";
    case ScoringMode::kFraction:
      return "fraction";
    case ScoringMode::kWeighted:
      return "weighted";
    case ScoringMode::kSubtasks:
      return "subtasks";
    case ScoringMode::kCodeforces:
      return "codeforces";
  }
  return "?";
}

std::string_view VisibilityName(Visibility v) {
  return v == Visibility::kPublic ? "public" : "hidden";
}

std::string_view UnitStyleName(UnitStyle style) {
  switch (style) {
    case UnitStyle::kHumanEval:
      return "humaneval";
    case UnitStyle::kPytest:
      return "pytest";
    case UnitStyle::kAsserts:
      return "asserts";
    case UnitStyle::kCppAsserts:
      return "cpp_asserts";
    case UnitStyle::kProgram:
      return "program";
    case UnitStyle::kGoTest:
      return "go_test";
    case UnitStyle::kJavaMain:
      return "java_main";
    case UnitStyle::kNodeRequire:
      return "node_require";
  }
  return "?";
}

std::string_view TestKindName(const Test& test) {
  switch (test.body.index()) {
    case 0:
      return "call";
    case 1:
      return "stdio";
    default:
      return "unit";
  }
}

bool AppliesTo(const Test& test, Language language) {
  const auto* unit = std::get_if<UnitTest>(&test.body);
  return unit == nullptr || !unit->language || *unit->language == language;
}

}  // namespace proctor::grader::task
