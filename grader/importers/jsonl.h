// Reading JSON Lines benchmark files with errors that name the file and line:
//
//   std::vector<JsonlRecord> records;
//   if (!ReadJsonl(path, &records, &error)) return false;  // "x.jsonl:7: not valid JSON: ..."
//   std::string prompt;
//   if (!records[0].GetString("prompt", &prompt, &error)) return false;
#pragma once

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

// Reads every non-blank line of `path` as a JSON object. On failure returns false with
// "path:line: message" (or "path: message" when the file cannot be read). Never throws.
bool ReadJsonl(const std::string& path, std::vector<JsonlRecord>* records, std::string* error);

// "a number", "an array", ... for messages.
std::string DescribeJson(const nlohmann::json& value);

}  // namespace proctor::grader::importers
