// Importing HumanEval-X (THUDM/CodeGeeX, codegeex/benchmark/humaneval-x/<lang>/data/
// humaneval_<lang>.jsonl.gz; Apache 2.0) as one multilingual task pack:
//
//   ImportRequest request{.input = "humaneval-x/", .out_dir = "packs/humaneval-x"};
//   ImportReport report;
//   if (!ImportHumanEvalX(request, &report, &error)) ...   // "humaneval_cpp.jsonl.gz:4: ..."
//
// Records have task_id ("CPP/53"), prompt, declaration, canonical_solution, test,
// example_test (Go also import, docstring, test_setup; Java and Python also text). Problem n
// of every language becomes task "HumanEval_<n>_<name>" (name: HumanEval's entry point, the
// Python check(...) argument, else the function the declaration defines, in snake_case), so
// the files of all languages merge into one task per problem, as MultiPL-E's names do.
// Per language (docs/importers.md, "humaneval-x"): python is graded by the humaneval style,
// cpp, java and js by the program style; go (testify) and rust (cargo test with the rand,
// regex and md5 crates) are skipped with a note.
#pragma once

#include <string>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

bool ImportHumanEvalX(const ImportRequest& request, ImportReport* report, std::string* error);

}  // namespace proctor::grader::importers
