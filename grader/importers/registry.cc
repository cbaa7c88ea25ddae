#include "grader/importers/registry.h"

#include "grader/importers/apps.h"
#include "grader/importers/codecontests.h"
#include "grader/importers/codeforces.h"
#include "grader/importers/humaneval.h"
#include "grader/importers/humaneval_x.h"
#include "grader/importers/kodcode.h"
#include "grader/importers/leetcode.h"
#include "grader/importers/livecodebench.h"
#include "grader/importers/mbpp.h"
#include "grader/importers/multipl_e.h"
#include "grader/importers/taco.h"

namespace proctor::grader::importers {
namespace {

bool RunHumanEval(const ImportRequest& request, ImportReport*, std::string* error) {
  HumanEvalOptions options;
  options.wrong_solutions_jsonl = request.wrong_jsonl;
  options.version = request.version;
  return ImportHumanEval(request.input, request.out_dir, error, options);
}

bool RunMbpp(const ImportRequest& request, ImportReport*, std::string* error) {
  MbppOptions options;
  options.version = request.version;
  return ImportMbpp(request.input, request.out_dir, error, options);
}

}  // namespace

const std::vector<Importer>& Importers() {
  // One line per format; keep the order of docs/importers.md.
  static const std::vector<Importer> kImporters = {
      {"humaneval", "openai/human-eval: task_id, prompt, canonical_solution, test, entry_point",
       RunHumanEval},
      {"mbpp", "MBPP: task_id, text, code, test_list, test_setup_code, challenge_test_list",
       RunMbpp},
      {"apps", "codeparrot/apps: problem_id, question, solutions, input_output, starter_code",
       RunApps},
      {"taco", "BAAI/TACO: APPS' fields plus name, time_limit, memory_limit", RunTaco},
      {"codecontests",
       "deepmind/code_contests: name, description, public/private/generated_tests, solutions",
       RunCodeContests},
      {"codeforces",
       "open-r1/codeforces: id, description, official_tests, generated_checker, limits",
       RunCodeforces},
      {"livecodebench",
       "livecodebench/code_generation_lite: question_id, question_content, starter_code, "
       "public/private_test_cases, metadata",
       RunLiveCodeBench},
      {"kodcode", "KodCode/KodCode-V1: question_id, question, solution, test (pytest), test_info",
       RunKodCode},
      {"leetcode",
       "newfacade/LeetCodeDataset: task_id, problem_description, starter_code, prompt, "
       "completion, entry_point, test",
       RunLeetCode},
      {"humaneval-x",
       "THUDM/CodeGeeX humaneval_<lang>.jsonl.gz: task_id, prompt, declaration, "
       "canonical_solution, test (several FILEs or a folder: one task per problem)",
       ImportHumanEvalX, true},
      {"multipl-e",
       "nuprl/MultiPL-E rows: name, language, prompt, tests, stop_tokens (several FILEs or a "
       "folder: one task per problem)",
       ImportMultiplE, true},
  };
  return kImporters;
}

const Importer* FindImporter(std::string_view name) {
  for (const Importer& importer : Importers())
    if (importer.name == name) return &importer;
  return nullptr;
}

std::string ImporterNames() {
  std::string names;
  for (const Importer& importer : Importers())
    names += (names.empty() ? "" : ", ") + std::string(importer.name);
  return names;
}

}  // namespace proctor::grader::importers
