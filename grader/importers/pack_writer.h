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

// A Python identifier (ASCII): [A-Za-z_][A-Za-z0-9_]*.
bool IsIdentifier(std::string_view text);
// A task id as the pack format accepts it: [A-Za-z0-9_][A-Za-z0-9_./-]*.
bool IsTaskId(std::string_view text);
// A file-name stem for a task id: lower case, runs of anything but [a-z0-9] become one '-',
// and a trailing number is zero-padded to three digits: "HumanEval/7" -> "humaneval-007".
std::string FileStem(std::string_view id);

}  // namespace proctor::grader::importers
