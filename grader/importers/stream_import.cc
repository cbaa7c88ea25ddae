#include "grader/importers/stream_import.h"

#include <exception>

namespace proctor::grader::importers {

bool StreamImport(const ImportRequest& request, const StreamImportSpec& spec,
                  ImportReport* report, std::string* error) {
  try {
    PackWriter writer;
    if (!writer.Open(request.out_dir, error)) return false;
    const std::string name = request.pack_name.empty() ? std::string(spec.format)
                                                       : request.pack_name;
    if (!writer.Add({"pack.yaml", PackYaml(name, request.version, spec.description)}, error))
      return false;
    TaskIds ids;
    auto visit = [&](const JsonlRecord& record, std::string* err) {
      ++report->records;
      std::string id, skip;
      if (!spec.read(record, &id, &skip, err)) return false;
      if (!skip.empty()) {
        ++report->skipped;
        report->notes.push_back(record.Error("skipped: " + skip));
        return true;
      }
      if (!ids.Add(record, id, err) || !spec.write(&writer, err)) return false;
      ++report->tasks;
      return true;
    };
    JsonlStreamOptions options;
    if (request.progress) options.progress_label = std::string(spec.format);
    if (!ForEachJsonl(request.input, visit, error, options)) return false;
    if (report->tasks == 0) {
      *error = request.input + ": no record could be imported (" +
               std::to_string(report->skipped) + " skipped)";
      return false;
    }
    if (!spec.closing_note.empty()) report->notes.push_back(spec.closing_note);
    return writer.Finish(error);
  } catch (const std::exception& e) {
    *error = request.input + ": import failed: " + e.what();
    return false;
  }
}

}  // namespace proctor::grader::importers
