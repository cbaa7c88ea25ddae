// Importing OpenAI HumanEval (github.com/openai/human-eval, MIT licence) as a task pack.
//
//   std::string error;
//   if (!ImportHumanEval("HumanEval.jsonl", "packs/humaneval", &error)) {
//     std::cerr << error << "\n";  // "HumanEval.jsonl:33: missing field \"entry_point\""
//   }
//
// The pack is named `humaneval`; each problem becomes tasks/humaneval-NNN.yaml with:
//   id           the task_id, unchanged ("HumanEval/0")
//   prompt       the problem's prompt (Python: imports, signature, docstring), verbatim
//   starter      the same prompt as the python starter code
//   entry_point  the function under test
//   languages    [python]
//   reference    prompt + canonical_solution (the upstream way of joining them)
//   tests        one hidden unit test, style humaneval, whose code is the `test` field
//                (defines check(candidate)); no public tests, as upstream has none apart
//                from the docstring examples already in the prompt.
// IMPORTANT: check() may call helpers defined in the prompt (HumanEval/32 uses `poly`); the
// pipeline must run the task prompt before the tests (unit_runner.py --prompt).
#pragma once

#include <string>

namespace proctor::grader::importers {

struct HumanEvalOptions {
  // JSONL of known-wrong completions, one object per line with `task_id` and `completion`
  // (e.g. /work/shared/data/humaneval/wrong_solutions.jsonl); each becomes a wrong solution
  // prompt + completion of its task. Empty: no wrong solutions.
  std::string wrong_solutions_jsonl;
  std::string version = "1";  // the pack's version
};

// Reads `jsonl_path` (fields task_id, prompt, canonical_solution, test, entry_point) and
// writes the pack into `out_dir`, which must be absent or empty. Checks the whole input
// before writing anything, and the written pack with LoadPack. On failure returns false and
// sets *error to "file:line: what is wrong" (or "file: ..." for whole-file problems).
// Never throws.
[[nodiscard]] bool ImportHumanEval(const std::string& jsonl_path, const std::string& out_dir,
                                   std::string* error, const HumanEvalOptions& options = {});

}  // namespace proctor::grader::importers
