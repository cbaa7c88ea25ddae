#include "grader/importers/codecontests.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "grader/importers/apps.h"
#include "grader/importers/contest_pack.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

// The Language enum of code_contests' contest_problem.proto.
enum class CcLanguage { kUnknown = 0, kPython2 = 1, kCpp = 2, kPython3 = 3, kJava = 4 };

std::optional<CcLanguage> ReadLanguage(const json& v) {
  if (v.is_number_integer()) {
    int64_t n = v.get<int64_t>();
    if (n >= 0 && n <= 4) return static_cast<CcLanguage>(n);
    return std::nullopt;
  }
  if (v.is_string()) {  // some exports write the enum's name
    static const std::map<std::string, CcLanguage> kNames = {
        {"UNKNOWN_LANGUAGE", CcLanguage::kUnknown},
        {"PYTHON", CcLanguage::kPython2},
        {"CPP", CcLanguage::kCpp},
        {"PYTHON3", CcLanguage::kPython3},
        {"JAVA", CcLanguage::kJava}};
    auto it = kNames.find(v.get<std::string>());
    if (it != kNames.end()) return it->second;
  }
  return std::nullopt;
}

bool Present(const json& record, const char* key) {
  auto it = record.find(key);
  return it != record.end() && !it->is_null();
}

// {input: [...], output: [...]}: false with a reason when it has another shape.
std::string ReadTests(const json& record, const char* key, StdioGroup* group) {
  if (!Present(record, key)) return "";
  const json& tests = record.at(key);
  auto in = tests.find("input");
  auto out = tests.find("output");
  if (!tests.is_object() || in == tests.end() || out == tests.end() || !in->is_array() ||
      !out->is_array()) {
    return std::string("field \"") + key + "\" is not {input: [...], output: [...]}";
  }
  if (in->size() != out->size()) {
    return std::string("field \"") + key + "\" has " + std::to_string(in->size()) + " inputs but " +
           std::to_string(out->size()) + " outputs";
  }
  for (size_t i = 0; i < in->size(); ++i) {
    if (!(*in)[i].is_string() || !(*out)[i].is_string()) {
      return std::string("field \"") + key + "\" item " + std::to_string(i) +
             " is not a pair of strings";
    }
    group->cases.push_back({(*in)[i].get<std::string>(), (*out)[i].get<std::string>()});
  }
  return "";
}

struct SolutionCounts {
  int python3 = 0, cpp = 0, other = 0, missing_module = 0;
};

// {language: [...], solution: [...]} into `out`, at most kMaxReferences per language.
std::string ReadSolutions(const json& record, const char* key, std::vector<ContestSolution>* out,
                          SolutionCounts* counts) {
  if (!Present(record, key)) return "";
  const json& field = record.at(key);
  auto languages = field.find("language");
  auto solutions = field.find("solution");
  if (!field.is_object() || languages == field.end() || solutions == field.end() ||
      !languages->is_array() || !solutions->is_array() || languages->size() != solutions->size()) {
    return std::string("field \"") + key +
           "\" is not {language: [...], solution: [...]} of equal lengths";
  }
  for (size_t i = 0; i < languages->size(); ++i) {
    std::optional<CcLanguage> language = ReadLanguage((*languages)[i]);
    if (!(*solutions)[i].is_string()) {
      return std::string("field \"") + key + "\" solution " + std::to_string(i) +
             " is not a string";
    }
    const std::string& code = (*solutions)[i].get_ref<const std::string&>();
    if (language == CcLanguage::kPython3) {
      // Enough already: not scanned (rows carry hundreds of solutions).
      if (counts->python3 >= kMaxReferences) continue;
      if (UsesMissingModule(code)) {
        ++counts->missing_module;
      } else {
        ++counts->python3;
        out->push_back({SolutionLanguage::kPython, code});
      }
    } else if (language == CcLanguage::kCpp) {
      if (counts->cpp < kMaxReferences) {
        ++counts->cpp;
        out->push_back({SolutionLanguage::kCpp, code});
      }
    } else {
      ++counts->other;
    }
  }
  return "";
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string ReadRecord(const JsonlRecord& record, const ImportRequest& request, ContestProblem* p,
                       ImportReport* report) {
  const json& v = record.value;
  auto name = v.find("name");
  if (name == v.end() || !name->is_string() || name->get<std::string>().empty())
    return "field \"name\" is missing or not a string";
  std::string own_id = name->get<std::string>();
  p->id = MapTaskId(own_id);
  if (p->id != own_id) p->source_id = own_id;
  p->title = own_id;
  auto description = v.find("description");
  if (description == v.end() || !description->is_string())
    return "field \"description\" is missing or not a string";
  for (const char* key : {"input_file", "output_file"}) {
    auto it = v.find(key);
    if (it != v.end() && it->is_string() && !it->get<std::string>().empty())
      return std::string("field \"") + key + "\" names a file: file I/O is not supported";
  }
  std::vector<std::string> missing;
  for (const char* key : {"public_tests", "private_tests", "generated_tests"}) {
    StdioGroup group;
    group.origin = std::string(key).substr(0, std::string(key).find('_'));
    if (!Present(v, key)) missing.push_back(key);
    std::string reason = ReadTests(v, key, &group);
    if (!reason.empty()) return reason;
    if (!group.cases.empty()) p->stdio.push_back(std::move(group));
  }
  if (p->stdio.empty()) return "no tests (public_tests, private_tests, generated_tests empty)";

  SolutionCounts correct, incorrect;
  if (!Present(v, "solutions")) missing.push_back("solutions");
  if (!Present(v, "incorrect_solutions")) missing.push_back("incorrect_solutions");
  std::string reason = ReadSolutions(v, "solutions", &p->references, &correct);
  if (reason.empty()) reason = ReadSolutions(v, "incorrect_solutions", &p->wrongs, &incorrect);
  if (!reason.empty()) return reason;
  p->allow_cpp = true;
  p->prompt = description->get<std::string>();
  while (!p->prompt.empty() && (p->prompt.back() == '\n' || p->prompt.back() == ' '))
    p->prompt.pop_back();
  p->prompt += "\n\nRead the input from standard input and print the answer to standard output.\n";

  // time_limit {seconds, nanos}
  auto time = v.find("time_limit");
  double seconds = 0;
  if (time != v.end() && time->is_object()) {
    auto s = time->find("seconds");
    auto n = time->find("nanos");
    if (s != time->end() && s->is_number()) seconds += s->get<double>();
    if (n != time->end() && n->is_number()) seconds += n->get<double>() / 1e9;
  } else if (time != v.end() && time->is_number()) {  // some exports flatten it to seconds
    seconds = time->get<double>();
  }
  if (seconds > 0) {
    p->cpu_seconds = ScaledSeconds(seconds, request.time_scale);
  } else {
    missing.push_back("time_limit");
  }
  auto memory = v.find("memory_limit_bytes");
  if (memory != v.end() && memory->is_number() && memory->get<double>() > 0) {
    p->memory_mb = MemoryMb(memory->get<double>() / (1024.0 * 1024.0));
  } else {
    missing.push_back("memory_limit_bytes");
  }
  if (!missing.empty()) {
    bool limits = std::find_if(missing.begin(), missing.end(), [](const std::string& key) {
                    return key == "time_limit" || key == "memory_limit_bytes";
                  }) != missing.end();
    Note(record, "missing " + Join(missing) + (limits ? " (default limits used)" : ""), report);
  }
  int other = correct.other + incorrect.other;
  if (other) {
    Note(record,
         std::to_string(other) +
             " solutions not imported: Python 2, Java or unknown language (only PYTHON3 and "
             "CPP are)",
         report);
  }
  int missing_module = correct.missing_module + incorrect.missing_module;
  if (missing_module) {
    Note(record,
         std::to_string(missing_module) +
             " Python solutions not imported: they import a module the sandbox lacks",
         report);
  }
  return "";
}

}  // namespace

bool RunCodeContests(const ImportRequest& request, ImportReport* report, std::string* error) {
  auto read = [&](const JsonlRecord& record, int64_t, ContestProblem* problem,
                  ImportReport* notes) { return ReadRecord(record, request, problem, notes); };
  return ImportContestPack(
      request, "codecontests",
      "CodeContests (Li et al. 2022, \"Competition-Level Code Generation with AlphaCode\"), "
      "github.com/google-deepmind/code_contests, huggingface.co/datasets/deepmind/code_contests. "
      "Licence: CC BY 4.0 (problems from Codeforces, AtCoder, CodeChef, Aizu, HackerEarth).",
      read, report, error);
}

}  // namespace proctor::grader::importers
