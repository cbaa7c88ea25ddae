// Reading JSON Lines benchmark files with errors that name the file and line:
//
//   std::vector<JsonlRecord> records;
//   if (!ReadJsonl(path, &records, &error)) return false;  // "x.jsonl:7: not valid JSON: ..."
//   std::string prompt;
//   if (!records[0].GetString("prompt", &prompt, &error)) return false;
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace proctor::grader::importers {

// One line of a JSONL file: a JSON object and where it came from.
struct JsonlRecord {
  std::string file;      // the path as given to ReadJsonl
  int line = 0;          // 1-based
  nlohmann::json value;  // always an object

  // "file:line: " + message, the form of every error about this record.
  std::string Error(const std::string& message) const;

  // The string field `key`; false with an error when it is missing or not a string.
  bool GetString(const std::string& key, std::string* out, std::string* error) const;
  // The list-of-strings field `key`. A missing field is an error unless `optional`, when it
  // gives an empty list (null counts as missing).
  bool GetStringList(const std::string& key, bool optional, std::vector<std::string>* out,
                     std::string* error) const;
};

// Called once per record by ForEachJsonl; returning false stops the pass with *error set.
using JsonlVisitor = std::function<bool(const JsonlRecord& record, std::string* error)>;

struct JsonlStreamOptions {
  // A progress line on stderr ("apps: 1200 records, 310 MiB read") when stderr is a terminal.
  std::string progress_label;
  // A record line longer than this is an error naming its line (CodeContests rows with
  // generated tests reach tens of MiB; the cap bounds memory, not the number of records).
  size_t max_line_bytes = size_t{1} << 30;
};

// One streaming pass over `path`, plain JSONL or gzip-compressed (any name; detected by the
// gzip magic, so `.jsonl.gz` works): each non-blank line is parsed, checked to be an object
// and handed to `visit`, then dropped, so memory is bounded by the longest line. On failure
// returns false with "path:line: message" (or "path: message"). Never throws; exceptions
// from `visit` are turned into an error naming the record's line. *records_out, when given,
// gets the number of records visited.
bool ForEachJsonl(const std::string& path, const JsonlVisitor& visit, std::string* error,
                  const JsonlStreamOptions& options = {}, int64_t* records_out = nullptr);

// Reads every non-blank line of `path` as a JSON object (plain or gzip, via ForEachJsonl). On failure returns false with
// "path:line: message" (or "path: message" when the file cannot be read). Never throws.
bool ReadJsonl(const std::string& path, std::vector<JsonlRecord>* records, std::string* error);

// "a number", "an array", ... for messages.
std::string DescribeJson(const nlohmann::json& value);

}  // namespace proctor::grader::importers
