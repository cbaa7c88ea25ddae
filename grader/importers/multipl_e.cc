#include "grader/importers/multipl_e.h"

#include <map>
#include <regex>

#include "grader/importers/jsonl.h"
#include "grader/importers/multilingual.h"
#include "grader/importers/pack_writer.h"

namespace proctor::grader::importers {
namespace {

// MultiPL-E's language -> Proctor's.
const std::map<std::string, std::string>& LanguageMap() {
  static const std::map<std::string, std::string> kMap = {
      {"py", "python"}, {"python", "python"},   {"cpp", "cpp"},       {"java", "java"},
      {"js", "javascript"}, {"ts", "typescript"}, {"rs", "rust"},   {"sh", "bash"},
      {"go_test.go", "go"}, {"go", "go"}};
  return kMap;
}

// MultiPL-E stops a completion at the function's closing brace (stop token "\n}" and
// Java's "\n    }\n"), so its tests begin with that brace. Proctor grades whole programs:
// the solution closes its function itself, and the brace leaves the test.
std::string WithoutClosingBrace(const std::string& tests) {
  static const std::regex kLeadingBrace(R"(^\s*\}[ \t]*\n)");
  return std::regex_replace(tests, kLeadingBrace, "", std::regex_constants::format_first_only);
}

}  // namespace

bool ImportMultiplE(const ImportRequest& request, ImportReport* report, std::string* error) {
  try {
    std::vector<std::string> files;
    if (!ListInputFiles(request, &files, error)) return false;
    MultilingualProblems problems;
    std::map<std::string, int> skipped;  // note -> records
    for (const std::string& file : files) {
      std::vector<JsonlRecord> records;
      if (!ReadJsonl(file, &records, error)) return false;
      for (const JsonlRecord& record : records) {
        ++report->records;
        std::string name, upstream, prompt, tests;
        if (!record.GetString("name", &name, error) ||
            !record.GetString("language", &upstream, error) ||
            !record.GetString("prompt", &prompt, error) ||
            !record.GetString("tests", &tests, error)) {
          return false;
        }
        if (!IsTaskId(name)) {
          *error = record.Error("name \"" + name + "\" is not a valid task id");
          return false;
        }
        auto known = LanguageMap().find(upstream);
        if (known == LanguageMap().end()) {
          ++skipped[file + ": language " + upstream + " skipped: Proctor has no such language"];
          ++report->skipped;
          continue;
        }
        LanguageVariant v;
        v.language = known->second;
        v.where = file + ":" + std::to_string(record.line);
        v.prompt = prompt;
        v.style = "program";
        std::smatch m;
        if (v.language == "go") {
          ++skipped[file + ": language go skipped: MultiPL-E's Go tests are a `package *_test` "
                           "go test file, which the importer does not convert yet"];
          ++report->skipped;
          continue;
        }
        if (v.language == "python") {
          // def check(candidate) ... def test_check(): check(name) ... test_check(): the
          // humaneval style calls check with a proxy for `name` (in another process).
          static const std::regex kCheckCall(R"(\ndef test_check\(\):\s*\n\s*check\((\w+)\))");
          if (std::regex_search(tests, m, kCheckCall)) {
            v.style = "humaneval";
            v.entry_point = m[1];
            v.test_code = tests.substr(0, static_cast<size_t>(m.position(0)) + 1);
          } else {
            v.test_code = tests;
          }
        } else if (v.language == "java") {
          // The tests close the method, hold `main` and close class Problem. The solution is
          // the whole class Problem; main moves into Main.java's public class, which extends
          // Problem so the tests' unqualified calls of its static methods still resolve.
          if (std::regex_search(prompt + tests, std::regex(R"(\b(Pair|Triplet|Quartet|Quintet|Unit)\b)"))) {
            ++skipped[file + ": java problems using org.javatuples skipped: Proctor has no "
                             "javatuples"];
            ++report->skipped;
            continue;
          }
          static const std::regex kTuplesImport(R"(import org\.javatuples\.\*;\n)");
          v.prompt = std::regex_replace(prompt, kTuplesImport, "");
          v.test_code = "public class Main extends Problem {\n" + WithoutClosingBrace(tests);
        } else if (v.language == "cpp" || v.language == "rust" || v.language == "bash") {
          v.test_code = WithoutClosingBrace(tests);
        } else {
          v.test_code = tests;  // js, ts: the completion closes the function itself
        }
        std::string why;
        if (!LanguageUsable(v.language, v.style, &why)) {
          ++skipped[file + ": language " + v.language + " skipped: " + why];
          ++report->skipped;
          continue;
        }
        // The title: the name without "HumanEval_<n>_" (or "mbpp_<n>_").
        static const std::regex kTitle(R"(^[A-Za-z]+_[0-9]+_(.+)$)");
        const std::string title = std::regex_match(name, m, kTitle) ? std::string(m[1]) : name;
        if (!problems.Add(name, title, std::move(v), error)) return false;
      }
    }
    for (const auto& [note, count] : skipped)
      report->notes.push_back(note + " (" + std::to_string(count) + " records)");
    report->notes.push_back(
        "MultiPL-E publishes no solutions: the tasks have no reference solution (grade "
        "known-correct programs with proctor grade)");
    const std::string description =
        "MultiPL-E (Cassano et al. 2023): HumanEval and MBPP translated to many languages by "
        "compiling their prompts and tests.\n"
        "Source: github.com/nuprl/MultiPL-E (Hugging Face nuprl/MultiPL-E); imported by "
        "proctor's multipl-e importer.\n"
        "One task per problem name, one unit test per language; no reference solutions.\n";
    return WriteMultilingualPack(request, "multipl-e", description, problems, report, error);
  } catch (const std::exception& e) {
    *error = request.input + ": import failed: " + e.what();
    return false;
  }
}

}  // namespace proctor::grader::importers
