#include "grader/importers/stream_import.h"
#include "grader/importers/kodcode.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <string_view>
#include <vector>

#include "grader/importers/jsonl.h"
#include "grader/importers/pack_writer.h"
#include "grader/importers/pytest_module.h"
#include "grader/importers/yaml_writer.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

struct Problem {
  std::string id;
  std::string source_id;
  std::string subset;
  std::string question;
  std::string solution;
  std::string test;
  std::string entry_point;           // the first function of test_info; may be empty
  std::string function_declaration;  // "def two_sum(nums, target):"; may be empty
};

// The first of `keys` the record has (KodCode's copies rename fields); "" if none.
std::string FirstKey(const JsonlRecord& record, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (record.value.contains(key) && !record.value[key].is_null()) return key;
  return "";
}

bool ReadEntryPoint(const JsonlRecord& record, Problem* p, std::string* error) {
  if (auto it = record.value.find("test_info"); it != record.value.end() && !it->is_null()) {
    if (!it->is_array()) {
      *error = record.Error("field \"test_info\" must be a list, not " + DescribeJson(*it));
      return false;
    }
    if (it->empty()) return true;
    const json& first = (*it)[0];
    auto name = first.is_object() ? first.find("function_name") : first.end();
    if (!first.is_object() || name == first.end() || !name->is_string()) {
      *error = record.Error("field \"test_info\" item 1 has no string \"function_name\"");
      return false;
    }
    p->entry_point = name->get<std::string>();
    if (auto decl = first.find("function_declaration"); decl != first.end() && decl->is_string())
      p->function_declaration = decl->get<std::string>();
  } else if (std::string key = FirstKey(record, {"test_entry_point"}); !key.empty()) {
    if (!record.GetString(key, &p->entry_point, error)) return false;
  }
  // KodCode names the function; a name that is no identifier is only left out of the prompt.
  if (!IsIdentifier(p->entry_point)) p->entry_point.clear();
  return true;
}

// A line `from solution import ...` or `import solution` (a line scan: std::regex overflows
// the stack on long modules).
bool ImportsFromSolution(const std::string& test) {
  for (size_t start = 0; start < test.size();) {
    size_t end = test.find('\n', start);
    if (end == std::string::npos) end = test.size();
    std::string_view line(test.data() + start, end - start);
    line.remove_prefix(std::min(line.size(), line.find_first_not_of(" \t")));
    auto word_then = [&](std::string_view prefix) {
      return line.substr(0, prefix.size()) == prefix &&
             (line.size() == prefix.size() || line[prefix.size()] == ' ' ||
              line[prefix.size()] == '\t' || line[prefix.size()] == ',' ||
              line[prefix.size()] == '\r');
    };
    if ((line.substr(0, 14) == "from solution " && line.find(" import") != std::string::npos) ||
        word_then("import solution")) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool ReadProblem(const JsonlRecord& record, Problem* p, std::string* skip, std::string* error) {
  std::string id_key = FirstKey(record, {"question_id", "conversation_id"});
  std::string test_key = FirstKey(record, {"test", "test_code"});
  std::string original;
  if (id_key.empty()) {
    *error = record.Error("missing field \"question_id\"");
    return false;
  }
  if (test_key.empty()) {
    *error = record.Error("missing field \"test\" (or \"test_code\")");
    return false;
  }
  if (!record.GetString(id_key, &original, error) ||
      !record.GetString("question", &p->question, error) ||
      !record.GetString("solution", &p->solution, error) ||
      !record.GetString(test_key, &p->test, error) || !ReadEntryPoint(record, p, error)) {
    return false;
  }
  if (std::string key = FirstKey(record, {"subset"}); !key.empty() &&
                                                      !record.GetString(key, &p->subset, error)) {
    return false;
  }
  p->id = MapTaskId(original);
  if (p->id != original) p->source_id = original;
  // KodCode's pipeline runs every test module after `from solution import *`.
  if (!ImportsFromSolution(p->test)) p->test = "from solution import *\n" + p->test;
  std::string why;
  if (!AdaptPytestModule(&p->test, &why)) {
    *skip = "field \"" + test_key + "\" " + why;
    return true;
  }
  return true;
}

std::string TaskYaml(const Problem& p) {
  YamlWriter w;
  w.String("id", p.id);
  w.String("source", p.subset.empty() ? "kodcode" : "kodcode/" + p.subset);
  if (!p.source_id.empty()) w.String("source_id", p.source_id);
  std::string prompt = p.question;
  if (!p.entry_point.empty()) {
    while (!prompt.empty() && (prompt.back() == '\n' || prompt.back() == ' ')) prompt.pop_back();
    prompt += "\n\nWrite a Python module that defines `" + p.entry_point + "`" +
              (p.function_declaration.empty() ? "" : " (`" + p.function_declaration + "`)") +
              "; tests import it from the module.\n";
  }
  w.String("prompt", prompt);
  w.Flow("languages", "[python]");
  if (!p.entry_point.empty()) w.Flow("entry_point", p.entry_point);
  w.BeginList("reference_solutions");
  w.BeginItem();
  w.Flow("language", "python");
  w.String("code", p.solution);
  w.End();
  w.End();
  w.BeginList("tests");
  w.BeginItem();
  w.Flow("name", "pytest");
  w.Flow("visibility", "hidden");
  w.BeginMap("unit");
  w.Flow("style", "pytest");
  w.String("code", p.test);
  w.End();
  w.End();
  w.End();
  return w.Take();
}

std::string Description(const std::string& input) {
  return "KodCode (Xu et al. 2025, \"KodCode: A Diverse, Challenging, and Verifiable Synthetic "
         "Dataset for Coding\").\nSource: huggingface.co/datasets/KodCode/KodCode-V1, imported "
         "from " +
         std::filesystem::path(input).filename().string() +
         " by proctor's kodcode importer (docs/importers.md).\n";
}

}  // namespace

bool RunKodCode(const ImportRequest& request, ImportReport* report, std::string* error) {
  Problem p;
  StreamImportSpec spec{
      .format = "kodcode",
      .description = Description(request.input),
      .read = [&](const JsonlRecord& record, std::string* id, std::string* skip,
                  std::string* err) {
        p = Problem{};
        if (!ReadProblem(record, &p, skip, err)) return false;
        *id = p.id;
        return true;
      },
      .write = [&](PackWriter* writer, std::string* err) {
        return writer->Add({"tasks/" + FileStem(p.id) + ".yaml", TaskYaml(p)}, err);
      },
      .closing_note = request.input +
                      ": KodCode publishes no time limits: the pack defaults apply "
                      "(docs/task-format.md, limits)"};
  return StreamImport(request, spec, report, error);
}

}  // namespace proctor::grader::importers
