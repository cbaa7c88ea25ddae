// What the multilingual importers (humaneval-x, multipl-e) share: a problem published in
// several languages becomes one task that allows each of them, with one unit test per
// language (`language:` on the test, docs/task-format.md), the language's prompt as its
// starter and, where the dataset has one, its canonical solution as a reference.
//
//   MultilingualProblems problems;
//   problems.Add("HumanEval_53_add", "add", variant);   // once per language record
//   if (!WriteMultilingualPack(request, "humaneval-x", description, problems, report, &error)) ...
#pragma once

#include <map>
#include <string>
#include <vector>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

// One language's version of a problem.
struct LanguageVariant {
  std::string language;     // Proctor's name: "cpp", "javascript"
  std::string prompt;       // the language's prompt: the starter, and shown in the task prompt
  std::string reference;    // a complete correct program; empty: the dataset has none
  std::string style;        // unit style of its test: "program" or "humaneval"
  std::string test_code;    // the test (a `program` test's code follows the solution)
  std::string entry_point;  // humaneval style: the function check() is called with
  std::string where;        // "file:line" of the record
};

struct MultilingualProblem {
  std::string id;     // "HumanEval_53_add"
  std::string title;  // "add"
  std::vector<LanguageVariant> variants;  // in the order they were read
};

class MultilingualProblems {
 public:
  // False with "where: ..." when the problem already has a variant in this language.
  bool Add(const std::string& id, const std::string& title, LanguageVariant variant,
           std::string* error);
  const std::map<std::string, MultilingualProblem>& problems() const { return problems_; }

 private:
  std::map<std::string, MultilingualProblem> problems_;
};

// The dataset files named by `request.input` and `request.more_inputs`: each a file, or a
// folder searched recursively for *.jsonl and *.jsonl.gz (in path order). False with an
// error naming a path that is neither, or a folder without such files.
bool ListInputFiles(const ImportRequest& request, std::vector<std::string>* files,
                    std::string* error);

// Whether `language` has a definition that supports unit style `style`; else *why says what
// is missing ("no language definition \"go\"", "... does not support unit style program").
bool LanguageUsable(const std::string& language, const std::string& style, std::string* why);

// Writes the pack: pack.yaml (limits that give compiled languages their compile time), one
// task per problem (sorted by id) with every language it has. Fills report->tasks.
bool WriteMultilingualPack(const ImportRequest& request, const std::string& format,
                           const std::string& description, const MultilingualProblems& problems,
                           ImportReport* report, std::string* error);

// "hasCloseElements" / "HasCloseElements" -> "has_close_elements"; snake_case unchanged.
std::string SnakeCase(const std::string& name);

}  // namespace proctor::grader::importers
