#include "grader/importers/jsonl.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace proctor::grader::importers {
namespace {

// nlohmann messages start with "[json.exception.parse_error.101] "; the code helps nobody.
std::string StripExceptionId(std::string message) {
  if (!message.empty() && message[0] == '[') {
    size_t end = message.find("] ");
    if (end != std::string::npos) message.erase(0, end + 2);
  }
  return message;
}

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

}  // namespace

std::string DescribeJson(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    default:
      return "a number";
  }
}

std::string JsonlRecord::Error(const std::string& message) const {
  return file + ":" + std::to_string(line) + ": " + message;
}

bool JsonlRecord::GetString(const std::string& key, std::string* out, std::string* error) const {
  auto it = value.find(key);
  if (it == value.end()) {
    *error = Error("missing field \"" + key + "\"");
    return false;
  }
  if (!it->is_string()) {
    *error = Error("field \"" + key + "\" must be a string, not " + DescribeJson(*it));
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

bool JsonlRecord::GetStringList(const std::string& key, bool optional,
                                std::vector<std::string>* out, std::string* error) const {
  out->clear();
  auto it = value.find(key);
  if (it == value.end() || it->is_null()) {
    if (optional) return true;
    *error = Error("missing field \"" + key + "\"");
    return false;
  }
  if (!it->is_array()) {
    *error = Error("field \"" + key + "\" must be a list of strings, not " + DescribeJson(*it));
    return false;
  }
  for (size_t i = 0; i < it->size(); ++i) {
    const nlohmann::json& item = (*it)[i];
    if (!item.is_string()) {
      *error = Error("field \"" + key + "\" item " + std::to_string(i) + " must be a string, not " +
                     DescribeJson(item));
      return false;
    }
    out->push_back(item.get<std::string>());
  }
  return true;
}

bool ReadJsonl(const std::string& path, std::vector<JsonlRecord>* records, std::string* error) {
  records->clear();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (IsBlank(line)) continue;
    JsonlRecord record{path, number, {}};
    try {
      record.value = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      *error = record.Error("not valid JSON: " + StripExceptionId(e.what()));
      return false;
    }
    if (!record.value.is_object()) {
      *error = record.Error("expected a JSON object, not " + DescribeJson(record.value));
      return false;
    }
    records->push_back(std::move(record));
  }
  if (in.bad()) {
    *error = path + ": read error";
    return false;
  }
  if (records->empty()) {
    *error = path + ": no records (the file is empty)";
    return false;
  }
  return true;
}

}  // namespace proctor::grader::importers
