#include "grader/importers/humaneval_x.h"

#include <map>
#include <regex>
#include <set>

#include "grader/importers/jsonl.h"
#include "grader/importers/multilingual.h"

namespace proctor::grader::importers {
namespace {

// HumanEval-X's evaluation puts these before a C++ program when its prompt lacks them
// (codegeex/benchmark/utils.py, IMPORT_HELPER["cpp"]); canonical solutions rely on them.
constexpr const char* kCppImportHelper[] = {
    "#include<stdlib.h>", "#include<algorithm>", "#include<math.h>",
    "#include<stdio.h>",  "#include<vector>",    "#include<string>",
    "#include<climits>",  "#include<cstring>",   "#include<iostream>"};

// task_id prefix -> Proctor's language; languages the importer does not grade say why.
struct Prefix {
  const char* prefix;
  const char* language;
  const char* not_imported;  // nullptr: imported
};
constexpr Prefix kPrefixes[] = {
    {"Python", "python", nullptr},
    {"CPP", "cpp", nullptr},
    {"Java", "java", nullptr},
    {"JavaScript", "javascript", nullptr},
    {"Go", "go",
     "its tests are one `go test` file with the solution (package main, testify, the prompt's "
     "imports), which the importer does not convert to the go_test style yet"},
    {"Rust", "rust",
     "its tests are #[cfg(test)] modules for `cargo test`, and every declaration uses the "
     "rand, regex and md5 crates, which Proctor does not provide"},
};

// The name a problem's task id carries: the function under test, snake_case.
std::string FunctionName(const std::string& language, const std::string& declaration,
                         const std::string& test) {
  std::smatch m;
  if (language == "python") {
    static const std::regex kCheck(R"(\ncheck\((\w+)\)\s*$)");
    if (std::regex_search(test, m, kCheck)) return m[1];
  }
  // The last function the declaration opens: `name(params) {` (C++, Java, JS, Go).
  static const std::regex kOpen(R"((\w+)\s*\([^()]*\)\s*(->[^{]*)?\{\s*$)");
  static const std::regex kArrow(R"(const\s+(\w+)\s*=\s*\([^()]*\)\s*=>\s*\{\s*$)");
  if (std::regex_search(declaration, m, kArrow)) return SnakeCase(m[1]);
  if (std::regex_search(declaration, m, kOpen)) return SnakeCase(m[1]);
  return "";
}

struct Record {
  std::string task_id, prompt, declaration, canonical_solution, test;
};

}  // namespace

bool ImportHumanEvalX(const ImportRequest& request, ImportReport* report, std::string* error) {
  try {
    std::vector<std::string> files;
    if (!ListInputFiles(request, &files, error)) return false;
    MultilingualProblems problems;
    // Problem index -> task id, fixed by the first language that names it well (python's
    // entry point first: files are read in path order, so read python's names up front).
    std::map<int, std::string> names;
    std::vector<std::pair<int, LanguageVariant>> variants;
    std::map<std::string, int> skipped_languages;  // note -> records
    for (const std::string& file : files) {
      std::vector<JsonlRecord> records;
      if (!ReadJsonl(file, &records, error)) return false;
      for (const JsonlRecord& record : records) {
        ++report->records;
        Record r;
        if (!record.GetString("task_id", &r.task_id, error) ||
            !record.GetString("prompt", &r.prompt, error) ||
            !record.GetString("declaration", &r.declaration, error) ||
            !record.GetString("canonical_solution", &r.canonical_solution, error) ||
            !record.GetString("test", &r.test, error)) {
          return false;
        }
        static const std::regex kTaskId(R"(([A-Za-z+]+)/([0-9]+))");
        std::smatch m;
        if (!std::regex_match(r.task_id, m, kTaskId)) {
          *error = record.Error("task_id \"" + r.task_id + "\" is not of the form Language/N");
          return false;
        }
        const std::string prefix = m[1];
        const int index = std::stoi(m[2]);
        const Prefix* known = nullptr;
        for (const Prefix& p : kPrefixes)
          if (prefix == p.prefix) known = &p;
        if (known == nullptr) {
          ++skipped_languages[file + ": language " + prefix + " skipped: not a HumanEval-X language"];
          ++report->skipped;
          continue;
        }
        const std::string language = known->language;
        if (known->not_imported != nullptr) {
          ++skipped_languages[file + ": language " + language + " skipped: " + known->not_imported];
          ++report->skipped;
          continue;
        }
        LanguageVariant v;
        v.language = language;
        v.where = file + ":" + std::to_string(record.line);
        v.style = language == "python" ? "humaneval" : "program";
        std::string why;
        if (!LanguageUsable(language, v.style, &why)) {
          ++skipped_languages[file + ": language " + language + " skipped: " + why];
          ++report->skipped;
          continue;
        }
        const std::string name = FunctionName(language, r.declaration, r.test);
        if (name.empty()) {
          *error = record.Error("cannot find the function the declaration defines");
          return false;
        }
        if (language == "python") {
          // humaneval style: check(candidate) gets a proxy for the entry point; the test's own
          // last line, `check(name)`, is HumanEval-X's call of it and goes.
          const size_t call = r.test.rfind("check(" + name + ")");
          v.test_code = r.test.substr(0, call);
          v.entry_point = name;
          v.prompt = r.prompt;
          v.reference = r.prompt + r.canonical_solution;
          names[index] = "HumanEval_" + std::to_string(index) + "_" + name;  // python names win
        } else {
          std::string setup;
          if (language == "cpp") {
            for (const char* include : kCppImportHelper)
              if (r.prompt.find(include) == std::string::npos) setup += std::string(include) + "\n";
          }
          v.prompt = setup + r.prompt;
          v.reference = v.prompt + r.canonical_solution;
          v.test_code = r.test;
          names.emplace(index, "HumanEval_" + std::to_string(index) + "_" + name);
        }
        variants.emplace_back(index, std::move(v));
      }
    }
    for (auto& [index, v] : variants) {
      const std::string& id = names[index];
      const std::string title = id.substr(id.find('_', 10) + 1);
      if (!problems.Add(id, title, std::move(v), error)) return false;
    }
    for (const auto& [note, count] : skipped_languages)
      report->notes.push_back(note + " (" + std::to_string(count) + " records)");
    const std::string description =
        "HumanEval-X (Zheng et al. 2023, \"CodeGeeX\"): HumanEval's problems hand-translated to "
        "C++, Java, JavaScript, Go and Rust, with canonical solutions and tests.\n"
        "Source: github.com/THUDM/CodeGeeX, codegeex/benchmark/humaneval-x; imported by "
        "proctor's humaneval-x importer. Licence: Apache 2.0.\n"
        "One task per problem, one unit test per language (docs/importers.md).\n";
    return WriteMultilingualPack(request, "humaneval-x", description, problems, report, error);
  } catch (const std::exception& e) {
    *error = request.input + ": import failed: " + e.what();
    return false;
  }
}

}  // namespace proctor::grader::importers
