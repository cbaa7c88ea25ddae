// Importing MultiPL-E (nuprl/MultiPL-E; the Hugging Face dataset nuprl/MultiPL-E, one
// JSONL per benchmark and language such as humaneval-cpp-reworded.jsonl; MIT for the
// translations, the problems' own licences) as one multilingual task pack:
//
//   ImportRequest request{.input = "humaneval-cpp.jsonl", .more_inputs = {"humaneval-rs.jsonl"},
//                         .out_dir = "packs/multipl-e"};
//   if (!ImportMultiplE(request, &report, &error)) ...
//
// Rows have name ("HumanEval_53_add"), language ("cpp", "js", "rs", "sh", "go_test.go", ...),
// prompt, doctests, original, prompt_terminology, tests, stop_tokens. Every row of one name
// joins the task of that id. MultiPL-E publishes no solutions: the tasks have no references
// (pack check says so). Per language (docs/importers.md, "multipl-e"): the tests follow the
// completed function as one program (style program; python: humaneval).
#pragma once

#include <string>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

bool ImportMultiplE(const ImportRequest& request, ImportReport* report, std::string* error);

}  // namespace proctor::grader::importers
