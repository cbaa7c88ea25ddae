// What the importers share: names a pack accepts, and writing a pack folder that is known to
// load before the import reports success.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "grader/importers/jsonl.h"

namespace proctor::grader::importers {

// A file of the pack being written, by its path inside the pack ("tasks/mbpp-011.yaml").
struct PackFile {
  std::string path;
  std::string contents;
};

// pack.yaml text: name, version and description; no defaults (the built-in ones apply).
std::string PackYaml(std::string_view name, std::string_view version, std::string_view description);

// Writes a pack one file at a time, so an import of a large dataset holds only the record at
// hand in memory:
//
//   PackWriter writer;
//   if (!writer.Open(out_dir, &error)) return false;          // absent or empty folder
//   if (!writer.Add({"pack.yaml", PackYaml(...)}, &error)) return false;
//   ... writer.Add({"tasks/apps-0001.yaml", yaml}, &error) per record ...
//   if (!writer.Finish(&error)) return false;                 // LoadPack must accept it
class PackWriter {
 public:
  bool Open(const std::string& out_dir, std::string* error);
  // Writes `file` now (its folders created). Paths are pack-relative and never absolute.
  bool Add(const PackFile& file, std::string* error);
  // Checks the written pack as LoadPack would, one task file at a time (CheckPackFileByFile,
  // so memory stays bounded); false with its error ("the imported pack does not load:
  // file:line:col: ...") if it does not.
  bool Finish(std::string* error);
  int files_written() const { return files_written_; }

 private:
  std::string root_;
  int files_written_ = 0;
};

// Writes `files` under `out_dir`, which is created if absent and must otherwise be empty
// (an import never mixes with an older one). Then loads the result with LoadPack and fails
// with its error if it does not load. Returns false with a message naming the path on error.
bool WritePack(const std::string& out_dir, const std::vector<PackFile>& files, std::string* error);

// The task ids of one import, each with the file name FileStem() gives it.
class TaskIds {
 public:
  // False with "file:line: ..." if `id` or its file name was already given by another record.
  bool Add(const JsonlRecord& record, const std::string& id, std::string* error);

 private:
  std::map<std::string, int> line_of_id_;    // id -> line of its record
  std::map<std::string, int> line_of_stem_;  // file stem -> line of its record
};

// The task id for a record's own id (docs/importers.md, "Task ids"): unchanged when it is
// already a valid task id; otherwise every run of characters outside [A-Za-z0-9_./-] becomes
// one '_', a leading '.', '/' or '-' is dropped, and an empty result is "task". The importer
// then records the original as the task's `source_id`. "Two Sum (easy)" -> "Two_Sum_easy_".
std::string MapTaskId(std::string_view original);

// A Python identifier (ASCII): [A-Za-z_][A-Za-z0-9_]*.
bool IsIdentifier(std::string_view text);
// A task id as the pack format accepts it: [A-Za-z0-9_][A-Za-z0-9_./-]*.
bool IsTaskId(std::string_view text);
// A file-name stem for a task id: lower case, runs of anything but [a-z0-9] become one '-',
// and a trailing number is zero-padded to three digits: "HumanEval/7" -> "humaneval-007".
std::string FileStem(std::string_view id);

}  // namespace proctor::grader::importers
