#include "grader/importers/mbpp.h"

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <utility>
#include <vector>

#include "grader/importers/jsonl.h"
#include "grader/importers/pack_writer.h"
#include "grader/importers/yaml_writer.h"

namespace proctor::grader::importers {
namespace {

struct Problem {
  std::string task_id;  // "mbpp/11"
  std::string text;
  std::string code;
  std::string setup;
  std::vector<std::string> tests;
  std::vector<std::string> challenge_tests;
  std::string entry_point;
};

std::string WithoutCarriageReturns(std::string text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i)
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) out += text[i];
  return out;
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// Names called in the assert, the function under test first if `code` defines one.
std::string FindEntryPoint(const std::string& code, const std::string& assertion) {
  static const std::regex kDef(R"((^|\n)[ \t]*def[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\()");
  static const std::regex kCall(R"(([A-Za-z_][A-Za-z0-9_.]*)[ \t]*\()");
  static const std::set<std::string> kBuiltins = {
      "abs",   "all",  "any",    "bool", "dict",  "float",    "frozenset", "int", "isinstance",
      "len",   "list", "max",    "min",  "round", "set",      "sorted",    "str", "sum",
      "tuple", "type", "assert", "not",  "range", "reversed", "zip",       "map", "filter"};
  std::set<std::string> defined;
  for (auto it = std::sregex_iterator(code.begin(), code.end(), kDef); it != std::sregex_iterator();
       ++it) {
    defined.insert((*it)[2].str());
  }
  std::string fallback;
  for (auto it = std::sregex_iterator(assertion.begin(), assertion.end(), kCall);
       it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[1].str();
    if (name.find('.') != std::string::npos) continue;  // math.isclose(...)
    if (defined.count(name)) return name;
    if (fallback.empty() && !kBuiltins.count(name)) fallback = name;
  }
  return fallback;
}

bool ReadTaskId(const JsonlRecord& record, std::string* id, std::string* error) {
  auto it = record.value.find("task_id");
  if (it == record.value.end()) {
    *error = record.Error("missing field \"task_id\"");
    return false;
  }
  std::string raw;
  if (it->is_number_integer() && it->get<long long>() >= 0) {
    raw = std::to_string(it->get<long long>());
  } else if (it->is_string()) {
    raw = it->get<std::string>();
  } else {
    *error = record.Error("field \"task_id\" must be a non-negative integer or a string, not " +
                          DescribeJson(*it));
    return false;
  }
  *id = "mbpp/" + raw;
  if (raw.empty() || !IsTaskId(*id)) {
    *error = record.Error("task_id \"" + raw + "\" cannot be a task id ([A-Za-z0-9_./-]*)");
    return false;
  }
  return true;
}

bool CheckAsserts(const JsonlRecord& record, const std::string& field,
                  std::vector<std::string>* tests, std::string* error) {
  for (size_t i = 0; i < tests->size(); ++i) {
    std::string& test = (*tests)[i];
    test = Trim(WithoutCarriageReturns(test));
    if (test.rfind("assert", 0) != 0) {
      *error = record.Error("field \"" + field + "\" item " + std::to_string(i) +
                            " is not an assert statement: " + test.substr(0, 60));
      return false;
    }
  }
  return true;
}

bool ReadProblem(const JsonlRecord& record, Problem* p, std::string* error) {
  if (!ReadTaskId(record, &p->task_id, error) || !record.GetString("text", &p->text, error) ||
      !record.GetString("code", &p->code, error) ||
      !record.GetStringList("test_list", false, &p->tests, error) ||
      !record.GetStringList("challenge_test_list", true, &p->challenge_tests, error)) {
    return false;
  }
  auto setup = record.value.find("test_setup_code");
  if (setup != record.value.end() && !setup->is_null()) {
    if (!record.GetString("test_setup_code", &p->setup, error)) return false;
  }
  p->code = WithoutCarriageReturns(p->code);
  p->setup = WithoutCarriageReturns(p->setup);
  p->text = Trim(WithoutCarriageReturns(p->text));
  if (p->tests.empty()) {
    *error = record.Error("field \"test_list\" is empty");
    return false;
  }
  if (!CheckAsserts(record, "test_list", &p->tests, error) ||
      !CheckAsserts(record, "challenge_test_list", &p->challenge_tests, error)) {
    return false;
  }
  p->entry_point = FindEntryPoint(p->code, p->tests[0]);
  if (!IsIdentifier(p->entry_point)) {
    *error = record.Error("cannot tell the function under test from the first assert: " +
                          p->tests[0].substr(0, 60));
    return false;
  }
  return true;
}

// An asserts-style test file: a setup block, then one `# --- test:` block per assert.
std::string AssertsCode(const Problem& p, const std::vector<std::string>& asserts,
                        const std::string& prefix) {
  static const char* const kModules[] = {"math",  "re",  "collections", "heapq",    "itertools",
                                         "cmath", "sys", "string",      "operator", "functools"};
  std::string code = "from solution import " + p.entry_point + "\n";
  for (const char* module : kModules) {
    std::regex use("(^|[^A-Za-z0-9_.])" + std::string(module) + "\\.");
    bool used = false;
    for (const std::string& a : asserts) used = used || std::regex_search(a, use);
    if (used && p.setup.find("import " + std::string(module)) == std::string::npos)
      code += "import " + std::string(module) + "\n";
  }
  if (!p.setup.empty()) code += p.setup + (p.setup.back() == '\n' ? "" : "\n");
  for (size_t i = 0; i < asserts.size(); ++i)
    code += "# --- test: " + prefix + "-" + std::to_string(i + 1) + "\n" + asserts[i] + "\n";
  return code;
}

void WriteAssertsTest(YamlWriter& w, const std::string& name, const char* visibility,
                      const std::string& code) {
  w.BeginItem();
  w.Flow("name", name);
  w.Flow("visibility", visibility);
  w.BeginMap("unit");
  w.Flow("style", "asserts");
  w.String("code", code);
  w.End();
  w.End();
}

std::string TaskYaml(const Problem& p) {
  YamlWriter w;
  w.String("id", p.task_id);
  w.String("title", p.entry_point);
  w.String("prompt",
           p.text + "\nYour code should pass this test:\n\n```python\n" + p.tests[0] + "\n```\n");
  w.Flow("entry_point", p.entry_point);
  w.Flow("languages", "[python]");
  w.BeginList("reference_solutions");
  w.BeginItem();
  w.Flow("language", "python");
  w.String("code", p.code);
  w.End();
  w.End();
  w.BeginList("tests");
  WriteAssertsTest(w, "example", "public", AssertsCode(p, {p.tests[0]}, "example"));
  WriteAssertsTest(w, "tests", "hidden", AssertsCode(p, p.tests, "assert"));
  if (!p.challenge_tests.empty())
    WriteAssertsTest(w, "challenge", "hidden", AssertsCode(p, p.challenge_tests, "challenge"));
  w.End();
  return w.Take();
}

std::string Description(const std::string& jsonl_path, size_t count) {
  return "MBPP (Mostly Basic Python Problems; Austin et al. 2021, \"Program Synthesis with "
         "Large Language Models\"): " +
         std::to_string(count) +
         " problems.\n"
         "Source: github.com/google-research/google-research, mbpp/mbpp.jsonl, imported from " +
         std::filesystem::path(jsonl_path).filename().string() +
         " by proctor's MBPP importer.\n"
         "Licence: CC BY 4.0 (Google LLC); keep this attribution when redistributing.\n";
}

}  // namespace

bool ImportMbpp(const std::string& jsonl_path, const std::string& out_dir, std::string* error,
                const MbppOptions& options) {
  try {
    std::vector<JsonlRecord> records;
    if (!ReadJsonl(jsonl_path, &records, error)) return false;
    std::vector<Problem> problems(records.size());
    TaskIds ids;
    for (size_t i = 0; i < records.size(); ++i) {
      const JsonlRecord& record = records[i];
      if (!ReadProblem(record, &problems[i], error)) return false;
      if (!ids.Add(record, problems[i].task_id, error)) return false;
    }
    std::vector<PackFile> files;
    files.push_back(
        {"pack.yaml", PackYaml("mbpp", options.version, Description(jsonl_path, problems.size()))});
    for (const Problem& problem : problems)
      files.push_back({"tasks/" + FileStem(problem.task_id) + ".yaml", TaskYaml(problem)});
    return WritePack(out_dir, files, error);
  } catch (const std::exception& e) {  // std::regex_error, allocation, filesystem surprises
    *error = jsonl_path + ": import failed: " + e.what();
    return false;
  }
}

}  // namespace proctor::grader::importers
