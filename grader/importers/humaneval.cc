#include "grader/importers/humaneval.h"

#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "grader/importers/jsonl.h"
#include "grader/importers/pack_writer.h"
#include "grader/importers/yaml_writer.h"

namespace proctor::grader::importers {
namespace {

struct Problem {
  std::string task_id;
  std::string prompt;
  std::string canonical_solution;
  std::string test;
  std::string entry_point;
  std::vector<std::string> wrong_completions;
};

bool ReadProblem(const JsonlRecord& record, Problem* problem, std::string* error) {
  if (!record.GetString("task_id", &problem->task_id, error) ||
      !record.GetString("prompt", &problem->prompt, error) ||
      !record.GetString("canonical_solution", &problem->canonical_solution, error) ||
      !record.GetString("test", &problem->test, error) ||
      !record.GetString("entry_point", &problem->entry_point, error)) {
    return false;
  }
  if (!IsTaskId(problem->task_id)) {
    *error = record.Error("task_id \"" + problem->task_id +
                          "\" is not a valid task id ([A-Za-z0-9_][A-Za-z0-9_./-]*)");
    return false;
  }
  if (!IsIdentifier(problem->entry_point)) {
    *error = record.Error("entry_point \"" + problem->entry_point + "\" is not an identifier");
    return false;
  }
  if (problem->test.find("def check(") == std::string::npos) {
    *error = record.Error("field \"test\" does not define check(candidate)");
    return false;
  }
  return true;
}

// Attaches the completions of `path` to the problems they name.
bool ReadWrongCompletions(const std::string& path, std::vector<Problem>* problems,
                          std::string* error) {
  std::vector<JsonlRecord> records;
  if (!ReadJsonl(path, &records, error)) return false;
  std::map<std::string, Problem*> by_id;
  for (Problem& problem : *problems) by_id[problem.task_id] = &problem;
  for (const JsonlRecord& record : records) {
    std::string task_id, completion;
    if (!record.GetString("task_id", &task_id, error) ||
        !record.GetString("completion", &completion, error)) {
      return false;
    }
    auto it = by_id.find(task_id);
    if (it == by_id.end()) {
      *error = record.Error("task_id \"" + task_id + "\" is not a problem of the HumanEval file");
      return false;
    }
    it->second->wrong_completions.push_back(std::move(completion));
  }
  return true;
}

std::string TaskYaml(const Problem& p) {
  YamlWriter w;
  w.String("id", p.task_id);
  w.String("title", p.entry_point);
  w.String("prompt", p.prompt);
  w.Flow("entry_point", p.entry_point);
  w.Flow("languages", "[python]");
  w.BeginList("starter");
  w.BeginItem();
  w.Flow("language", "python");
  w.String("code", p.prompt);
  w.End();
  w.End();
  w.BeginList("reference_solutions");
  w.BeginItem();
  w.Flow("language", "python");
  w.String("code", p.prompt + p.canonical_solution);
  w.End();
  w.End();
  if (!p.wrong_completions.empty()) {
    w.BeginList("wrong_solutions");
    for (const std::string& completion : p.wrong_completions) {
      w.BeginItem();
      w.Flow("language", "python");
      w.String("code", p.prompt + completion);
      w.End();
    }
    w.End();
  }
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

std::string Description(const std::string& jsonl_path, size_t count) {
  return "OpenAI HumanEval: " + std::to_string(count) +
         " hand-written Python function problems (Chen et al. 2021, \"Evaluating Large "
         "Language Models Trained on Code\").\n"
         "Source: github.com/openai/human-eval, data/HumanEval.jsonl.gz, imported from " +
         std::filesystem::path(jsonl_path).filename().string() +
         " by proctor's HumanEval importer.\n"
         "Licence: MIT, Copyright (c) OpenAI; see the LICENSE file of openai/human-eval.\n"
         "Each task's check(candidate) may use helpers defined in its prompt.\n";
}

}  // namespace

bool ImportHumanEval(const std::string& jsonl_path, const std::string& out_dir, std::string* error,
                     const HumanEvalOptions& options) {
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
    if (!options.wrong_solutions_jsonl.empty() &&
        !ReadWrongCompletions(options.wrong_solutions_jsonl, &problems, error)) {
      return false;
    }
    std::vector<PackFile> files;
    files.push_back({"pack.yaml", PackYaml("humaneval", options.version,
                                           Description(jsonl_path, problems.size()))});
    for (const Problem& problem : problems)
      files.push_back({"tasks/" + FileStem(problem.task_id) + ".yaml", TaskYaml(problem)});
    return WritePack(out_dir, files, error);
  } catch (const std::exception& e) {  // allocation failures, filesystem surprises
    *error = jsonl_path + ": import failed: " + e.what();
    return false;
  }
}

}  // namespace proctor::grader::importers
