// The loop a one-task-per-record importer runs: open the pack folder, write pack.yaml, stream
// the records (ForEachJsonl), skip with a note or check the id and write the task, then check
// the pack. The importer supplies only how a record is read and how its task is written:
//
//   Problem p;
//   return StreamImport(request, {.format = "kodcode", .description = text,
//       .read = [&](const JsonlRecord& r, std::string* id, std::string* skip, std::string* e) {
//         if (!ReadProblem(r, &p, skip, e)) return false;
//         *id = p.id;
//         return true; },
//       .write = [&](PackWriter* w, std::string* e) { return w->Add({...}, e); }},
//       report, error);
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "grader/importers/jsonl.h"
#include "grader/importers/pack_writer.h"
#include "grader/importers/registry.h"

namespace proctor::grader::importers {

struct StreamImportSpec {
  std::string_view format;  // the default pack name and the progress label
  std::string description;  // pack.yaml's description
  // Reads a record: false with *error when the whole import must stop; a non-empty *skip
  // skips the record (with a note naming its line); else *id is the task id it gets.
  std::function<bool(const JsonlRecord& record, std::string* id, std::string* skip,
                     std::string* error)>
      read;
  // Writes the task files of the record read last.
  std::function<bool(PackWriter* writer, std::string* error)> write;
  std::string closing_note;  // added to the report's notes when not empty
};

// Never throws; an import with no task written is an error.
bool StreamImport(const ImportRequest& request, const StreamImportSpec& spec,
                  ImportReport* report, std::string* error);

}  // namespace proctor::grader::importers
