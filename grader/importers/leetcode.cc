#include "grader/importers/stream_import.h"
#include "grader/importers/leetcode.h"

#include <filesystem>

#include "grader/importers/jsonl.h"
#include "grader/importers/pack_writer.h"
#include "grader/importers/python_text.h"
#include "grader/importers/yaml_writer.h"

namespace proctor::grader::importers {
namespace {

struct Problem {
  std::string id;
  std::string source_id;
  std::string description;
  std::string starter;
  std::string preamble;  // the `prompt` field
  std::string completion;
  std::string entry_point;
  std::string test;
  std::string difficulty;
};

std::string Joined(const std::string& first, const std::string& second) {
  if (first.empty() || first.back() == '\n') return first + second;
  return first + "\n" + second;
}

bool ReadProblem(const JsonlRecord& record, Problem* p, std::string* error) {
  std::string original, entry_point;
  if (!record.GetString("task_id", &original, error) ||
      !record.GetString("problem_description", &p->description, error) ||
      !record.GetString("starter_code", &p->starter, error) ||
      !record.GetString("prompt", &p->preamble, error) ||
      !record.GetString("completion", &p->completion, error) ||
      !record.GetString("entry_point", &entry_point, error) ||
      !record.GetString("test", &p->test, error)) {
    return false;
  }
  if (record.value.contains("difficulty") && record.value["difficulty"].is_string())
    p->difficulty = record.value["difficulty"].get<std::string>();
  p->id = MapTaskId(original);
  if (p->id != original) p->source_id = original;
  p->entry_point = LeetCodeEntryPoint(entry_point);
  if (p->entry_point.empty()) {
    *error = record.Error("field \"entry_point\": \"" + entry_point +
                          "\" is neither Class().method nor a function name");
    return false;
  }
  if (p->test.find("def check(") == std::string::npos) {
    *error = record.Error("field \"test\" does not define check(candidate)");
    return false;
  }
  return true;
}

std::string TaskYaml(const Problem& p) {
  YamlWriter w;
  w.String("id", p.id);
  w.String("source", "leetcode");
  if (!p.source_id.empty()) w.String("source_id", p.source_id);
  std::string prompt = p.description;
  while (!prompt.empty() && (prompt.back() == '\n' || prompt.back() == ' ')) prompt.pop_back();
  prompt += "\n\nComplete this starter code; answer with the whole class in one ```python code "
            "block:\n\n```python\n" + p.starter;
  if (prompt.back() != '\n') prompt += '\n';
  prompt += "```\n";
  w.String("prompt", prompt);
  w.Flow("languages", "[python]");
  w.String("entry_point", p.entry_point);
  w.BeginList("starter");
  w.BeginItem();
  w.Flow("language", "python");
  w.String("code", Joined(p.preamble, RunnableStarter(p.starter)));
  w.End();
  w.End();
  w.BeginList("reference_solutions");
  w.BeginItem();
  w.Flow("language", "python");
  w.String("code", Joined(p.preamble, p.completion));
  w.End();
  w.End();
  w.BeginList("tests");
  w.BeginItem();
  w.Flow("name", "check");
  w.Flow("visibility", "hidden");
  w.BeginMap("unit");
  w.Flow("style", "humaneval");
  w.String("code", p.test);
  w.End();
  w.End();
  w.End();
  return w.Take();
}

std::string Description(const std::string& input) {
  return "LeetCodeDataset (Xia et al. 2025, \"LeetCodeDataset: A Temporal Dataset for Robust "
         "Evaluation and Efficient Training of Code LLMs\").\nSource: "
         "huggingface.co/datasets/newfacade/LeetCodeDataset, imported from " +
         std::filesystem::path(input).filename().string() +
         " by proctor's leetcode importer (docs/importers.md).\n";
}

}  // namespace

std::string LeetCodeEntryPoint(const std::string& entry_point) {
  if (IsIdentifier(entry_point)) return entry_point;
  size_t call = entry_point.find("().");
  if (call == std::string::npos) return "";
  std::string cls = entry_point.substr(0, call), method = entry_point.substr(call + 3);
  return IsIdentifier(cls) && IsIdentifier(method) ? cls + "." + method : "";
}

bool RunLeetCode(const ImportRequest& request, ImportReport* report, std::string* error) {
  Problem p;
  StreamImportSpec spec{
      .format = "leetcode",
      .description = Description(request.input),
      .read = [&](const JsonlRecord& record, std::string* id, std::string*, std::string* err) {
        p = Problem{};
        if (!ReadProblem(record, &p, err)) return false;
        *id = p.id;
        return true;
      },
      .write = [&](PackWriter* writer, std::string* err) {
        return writer->Add({"tasks/" + FileStem(p.id) + ".yaml", TaskYaml(p)}, err);
      },
      .closing_note = request.input +
                      ": LeetCodeDataset publishes no time limits: the pack defaults apply "
                      "(docs/task-format.md, limits)"};
  return StreamImport(request, spec, report, error);
}

}  // namespace proctor::grader::importers
