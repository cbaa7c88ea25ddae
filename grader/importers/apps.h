// Importing APPS (Hendrycks et al. 2021; codeparrot/apps on Hugging Face) and, through the
// same reader, TACO (BAAI/TACO), whose rows have APPS' layout plus published limits.
//
//   ImportReport report;
//   if (!RunApps({.input = "apps_test.jsonl.gz", .out_dir = "packs/apps"}, &report, &error))
//     ...;  // error: "apps_test.jsonl:7: ..."
//
// Per record (docs/importers.md, "apps"): `question` becomes the prompt, `input_output` (a
// JSON string) the tests: stdin/stdout tests written as files, or call tests of `fn_name`
// (`Solution.fn` when the code is a LeetCode-style class) compared with call compare `json`;
// up to kMaxReferences of `solutions` (a JSON string list) become reference solutions, with
// APPS' import header and, for a program with a top-level `return`, inside a function, as
// APPS runs it. A record without tests or with malformed tests is skipped with a note.
#pragma once

#include <functional>
#include <string>

#include "grader/importers/contest_pack.h"
#include "grader/importers/jsonl.h"
#include "grader/importers/registry.h"

namespace proctor::grader::importers {

// Reference solutions kept per task (the first ones that the sandbox can run): pack check
// grades each of them, and hundreds per problem would make it slow.
inline constexpr int kMaxReferences = 5;

bool RunApps(const ImportRequest& request, ImportReport* report, std::string* error);

// How APPS and TACO rows differ.
struct AppsFlavor {
  std::string format;  // "apps" or "taco": the id prefix, source and progress label
  // Reads the record's limits into problem (scaled by request.time_scale); may add notes.
  // Null: the record has none (APPS), and the pack defaults apply without a note.
  std::function<void(const JsonlRecord& record, const ImportRequest& request,
                     ContestProblem* problem, ImportReport* report)>
      read_limits;
  std::string title_field;  // "" or TACO's "name"
  std::string description;  // for pack.yaml
};

bool ImportAppsLike(const ImportRequest& request, const AppsFlavor& flavor, ImportReport* report,
                    std::string* error);

}  // namespace proctor::grader::importers
