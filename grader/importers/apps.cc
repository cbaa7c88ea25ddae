#include "grader/importers/apps.h"

#include <utility>
#include <vector>

#include "grader/importers/pack_writer.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

// Why a record is skipped (a note), or empty when it imports.
using Skip = std::string;

// The record's own id: `problem_id` (APPS; an int or a string), else the record's position
// in the file counted from 0 (TACO's rows have no id; its position is the dataset row).
std::string RecordId(const JsonlRecord& record, int64_t index) {
  auto it = record.value.find("problem_id");
  if (it != record.value.end() && it->is_number_integer())
    return std::to_string(it->get<int64_t>());
  if (it != record.value.end() && it->is_string() && !it->get<std::string>().empty())
    return it->get<std::string>();
  return std::to_string(index);
}

std::string OptionalString(const JsonlRecord& record, const std::string& key) {
  auto it = record.value.find(key);
  return it != record.value.end() && it->is_string() ? it->get<std::string>() : "";
}

// stdin/stdout tests: each input and output a string, or a list of lines (APPS joins those
// with "\n", and so do we).
Skip ReadStdioTests(const json& inputs, const json& outputs, StdioGroup* group) {
  auto text = [](const json& v, std::string* out) {
    if (v.is_string()) {
      *out = v.get<std::string>();
      return true;
    }
    if (!v.is_array()) return false;
    out->clear();
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) return false;
      *out += (i ? "\n" : "") + v[i].get<std::string>();
    }
    return true;
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    StdioCase c;
    if (!text(inputs[i], &c.input)) {
      return "field \"input_output\": inputs[" + std::to_string(i) + "] is " +
             DescribeJson(inputs[i]) + ", not a string (stdin test)";
    }
    if (!text(outputs[i], &c.output)) {
      return "field \"input_output\": outputs[" + std::to_string(i) + "] is " +
             DescribeJson(outputs[i]) + ", not a string (stdin test)";
    }
    group->cases.push_back(std::move(c));
  }
  return "";
}

Skip ReadCallTests(const json& inputs, const json& outputs, std::vector<CallCase>* calls) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].is_array()) {
      return "field \"input_output\": inputs[" + std::to_string(i) + "] is " +
             DescribeJson(inputs[i]) + ", not a list of arguments (fn_name given)";
    }
    calls->push_back({inputs[i], outputs[i]});
  }
  return "";
}

// The typing names a LeetCode-style starter uses in annotations without importing them.
bool NeedsTypingImport(const std::string& starter) {
  if (starter.find("import") != std::string::npos) return false;
  for (const char* name : {"List[", "Optional[", "Dict[", "Tuple[", "Set["})
    if (starter.find(name) != std::string::npos) return true;
  return false;
}

struct RecordResult {
  ContestProblem problem;
  Skip skip;
};

RecordResult ReadRecord(const JsonlRecord& record, int64_t index, const ImportRequest& request,
                        const AppsFlavor& flavor, ImportReport* report) {
  RecordResult r;
  std::string field_error;
  std::string* error = &field_error;
  // A field error ("file:line: field ...") becomes the reason of the skip, without "file:line: ".
  auto skip_with_error = [&]() { return field_error.substr(record.Error("").size()); };
  ContestProblem& p = r.problem;
  std::string own_id = RecordId(record, index);
  // The format as a prefix (a bare number is a poor id); the record's own id beside it.
  p.id = flavor.format + "/" + MapTaskId(own_id);
  p.source_id = own_id;
  p.source = flavor.format;
  if (!flavor.title_field.empty()) p.title = OptionalString(record, flavor.title_field);
  std::string question;
  if (!record.GetString("question", &question, error)) {
    r.skip = skip_with_error();
    return r;
  }
  std::optional<json> io;
  if (!ReadJsonOrJsonString(record, "input_output", &io, error)) {
    r.skip = skip_with_error();
    return r;
  }
  if (!io) {
    r.skip = "field \"input_output\" is missing or empty: no tests";
    return r;
  }
  if (!io->is_object()) {
    r.skip = "field \"input_output\" is " + DescribeJson(*io) + ", not an object";
    return r;
  }
  auto inputs = io->find("inputs");
  auto outputs = io->find("outputs");
  if (inputs == io->end() || !inputs->is_array() || outputs == io->end() || !outputs->is_array()) {
    r.skip = "field \"input_output\" needs lists \"inputs\" and \"outputs\"";
    return r;
  }
  if (inputs->size() != outputs->size()) {
    r.skip = "field \"input_output\" has " + std::to_string(inputs->size()) + " inputs but " +
             std::to_string(outputs->size()) + " outputs";
    return r;
  }
  if (inputs->empty()) {
    r.skip = "field \"input_output\" has no tests";
    return r;
  }
  std::string starter = OptionalString(record, "starter_code");
  std::optional<json> solutions_json;
  if (!ReadJsonOrJsonString(record, "solutions", &solutions_json, error)) {
    r.skip = skip_with_error();
    return r;
  }
  std::vector<std::string> solutions;
  if (solutions_json) {
    if (!solutions_json->is_array()) {
      r.skip = "field \"solutions\" is " + DescribeJson(*solutions_json) + ", not a list";
      return r;
    }
    for (const json& s : *solutions_json)
      if (s.is_string()) solutions.push_back(s.get<std::string>());
  }

  auto fn = io->find("fn_name");
  bool call_based = fn != io->end() && !fn->is_null();
  if (call_based) {
    if (!fn->is_string() || !IsIdentifier(fn->get<std::string>())) {
      r.skip = "field \"input_output\": fn_name is not an identifier";
      return r;
    }
    p.entry_point = fn->get<std::string>();
    bool has_class = starter.find("class Solution") != std::string::npos;
    for (const std::string& s : solutions)
      has_class = has_class || s.find("class Solution") != std::string::npos;
    p.call_function = has_class ? "Solution." + p.entry_point : p.entry_point;
    r.skip = ReadCallTests(*inputs, *outputs, &p.calls);
  } else {
    p.allow_cpp = true;
    p.stdio.push_back({"test", {}});
    r.skip = ReadStdioTests(*inputs, *outputs, &p.stdio.back());
  }
  if (!r.skip.empty()) return r;

  if (!starter.empty()) {
    p.python_starter = NeedsTypingImport(starter) ? "from typing import *\n\n" + starter : starter;
  }
  p.prompt = question;
  while (!p.prompt.empty() && (p.prompt.back() == '\n' || p.prompt.back() == ' '))
    p.prompt.pop_back();
  if (call_based) {
    p.prompt += p.call_function == p.entry_point
                    ? "\n\nWrite the function `" + p.entry_point +
                          "` (the tests call it and compare what it returns)"
                    : "\n\nWrite the class `Solution` with the method `" + p.entry_point +
                          "` (the tests call it on a new `Solution()` and compare what it "
                          "returns)";
    p.prompt += starter.empty() ? ".\n"
                                : ", starting from:\n\n```python\n" + p.python_starter +
                                      (p.python_starter.back() == '\n' ? "" : "\n") + "```\n";
  } else {
    p.prompt +=
        "\n\nRead the input from standard input and print the answer to standard "
        "output.\n";
  }

  int missing_module = 0, wrapped = 0;
  for (const std::string& code : solutions) {
    if (static_cast<int>(p.references.size()) >= kMaxReferences) break;
    if (UsesMissingModule(code)) {
      ++missing_module;
      continue;
    }
    std::string program = code;
    if (!call_based && HasTopLevelReturn(program)) {
      program = WrapInFunction(program);
      ++wrapped;
    }
    p.references.push_back({SolutionLanguage::kPython, std::string(AppsHeader()) + "\n" + program});
  }
  if (solutions.empty()) Note(record, "no solutions: task imported without a reference", report);
  if (missing_module) {
    Note(record,
         std::to_string(missing_module) +
             " solutions not imported: they import a module the sandbox lacks (numpy, ...)",
         report);
  }
  if (wrapped) {
    Note(record,
         std::to_string(wrapped) +
             " solutions use a top-level return: run inside a function, as APPS runs them",
         report);
  }
  if (flavor.read_limits) flavor.read_limits(record, request, &p, report);
  return r;
}

}  // namespace

bool ImportAppsLike(const ImportRequest& request, const AppsFlavor& flavor, ImportReport* report,
                    std::string* error) {
  auto read = [&](const JsonlRecord& record, int64_t index, ContestProblem* problem,
                  ImportReport* notes) {
    RecordResult r = ReadRecord(record, index, request, flavor, notes);
    *problem = std::move(r.problem);
    return r.skip;
  };
  return ImportContestPack(request, flavor.format, flavor.description, read, report, error);
}

bool RunApps(const ImportRequest& request, ImportReport* report, std::string* error) {
  AppsFlavor flavor;
  flavor.format = "apps";
  flavor.description =
      "APPS (Hendrycks et al. 2021, \"Measuring Coding Challenge Competence With APPS\"), "
      "github.com/hendrycks/apps, huggingface.co/datasets/codeparrot/apps. Licence: MIT.";
  return ImportAppsLike(request, flavor, report, error);
}

}  // namespace proctor::grader::importers
