// Every `proctor pack import FORMAT` by name: one table, so the CLI's help, its dispatch and
// docs/importers.md list the same formats.
//
//   const Importer* importer = FindImporter("apps");
//   ImportRequest request{.input = "apps.jsonl.gz", .out_dir = "packs/apps"};
//   ImportReport report;
//   if (!importer->run(request, &report, &error)) ...;   // error: "apps.jsonl:7: ..."
//   for (const std::string& note : report.notes) std::cout << note << "\n";
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace proctor::grader::importers {

// What the user asked for: the same flags for every format, each ignores what it has no use for.
struct ImportRequest {
  std::string input;         // the dataset file: JSONL, or gzip-compressed JSONL
  // More dataset files (or folders), for the formats that merge several (humaneval-x,
  // multipl-e: one file per language); the CLI refuses them for the others.
  std::vector<std::string> more_inputs;
  std::string out_dir;       // absent or empty folder the pack is written into
  std::string wrong_jsonl;   // humaneval: JSONL of known-wrong completions (task_id, completion)
  std::string pack_name;     // empty: the format's name
  std::string version = "1";
  // Published per-problem time limits are multiplied by this (docs/importers.md, "Limits").
  double time_scale = 1.0;
  bool progress = true;      // a progress line on stderr when it is a terminal
};

// What an import did, beyond writing the pack.
struct ImportReport {
  int records = 0;               // records read
  int tasks = 0;                 // tasks written
  int skipped = 0;               // records not imported (each with a note)
  std::vector<std::string> notes;  // "apps.jsonl:12: skipped: ..." / "...: filled default ..."
};

struct Importer {
  std::string_view name;     // "apps"
  std::string_view summary;  // one line for --help
  // Imports request.input into request.out_dir. False with "file:line: ..." on a fatal error.
  bool (*run)(const ImportRequest& request, ImportReport* report, std::string* error);
  bool many_inputs = false;  // takes several FILEs (and folders) in one import
};

// Every format, in the order --help lists them.
const std::vector<Importer>& Importers();
const Importer* FindImporter(std::string_view name);
// "humaneval, mbpp, apps, ..." for messages.
std::string ImporterNames();

}  // namespace proctor::grader::importers
