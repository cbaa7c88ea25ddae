#include "grader/importers/jsonl.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
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

// "label: N records, M MiB read" on stderr, rewritten in place at most 5 times a second, and
// only when stderr is a terminal (a CI log gets no carriage-return noise).
class Progress {
 public:
  explicit Progress(std::string label)
      : label_(std::move(label)), on_(!label_.empty() && ::isatty(2) == 1) {}
  void Update(int64_t records, int64_t bytes) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    std::fprintf(stderr, "\r%s: %lld records, %lld MiB read", label_.c_str(),
                 static_cast<long long>(records), static_cast<long long>(bytes >> 20));
    shown_ = true;
  }
  void Done(int64_t records) {
    if (on_ && shown_)
      std::fprintf(stderr, "\r%s: %lld records read\033[K\n", label_.c_str(),
                   static_cast<long long>(records));
  }

 private:
  std::string label_;
  bool on_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

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

bool ForEachJsonl(const std::string& path, const JsonlVisitor& visit, std::string* error,
                  const JsonlStreamOptions& options, int64_t* records_out) {
  if (records_out != nullptr) *records_out = 0;
  // gzread passes a file without the gzip header through unchanged: one code path for both.
  gzFile in = gzopen(path.c_str(), "rb");
  if (in == nullptr) {
    *error = path + ": cannot open: " + std::strerror(errno ? errno : ENOMEM);
    return false;
  }
  gzbuffer(in, 256 * 1024);
  Progress progress(options.progress_label);
  std::string line;
  int number = 0;
  int64_t records = 0;
  std::vector<char> chunk(256 * 1024);
  bool at_eof = false;
  auto fail = [&](const std::string& message) {
    *error = message;
    gzclose(in);
    return false;
  };
  while (!at_eof) {
    line.clear();
    // One line, read in chunks: gzgets stops at '\n' or when the chunk is full.
    while (true) {
      if (gzgets(in, chunk.data(), static_cast<int>(chunk.size())) == nullptr) {
        int code = 0;
        const char* message = gzerror(in, &code);
        if (code != Z_OK && code != Z_STREAM_END) {
          return fail(path + ":" + std::to_string(number + 1) + ": read error: " +
                      (code == Z_ERRNO ? std::strerror(errno) : message));
        }
        at_eof = true;
        break;
      }
      size_t got = std::strlen(chunk.data());
      line.append(chunk.data(), got);
      if (line.size() > options.max_line_bytes) {
        return fail(path + ":" + std::to_string(number + 1) + ": line longer than " +
                    std::to_string(options.max_line_bytes) + " bytes");
      }
      if (got > 0 && chunk[got - 1] == '\n') break;
    }
    if (at_eof && line.empty()) break;
    ++number;
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (IsBlank(line)) continue;
    JsonlRecord record{path, number, {}};
    try {
      record.value = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      return fail(record.Error("not valid JSON: " + StripExceptionId(e.what())));
    }
    if (!record.value.is_object()) {
      return fail(record.Error("expected a JSON object, not " + DescribeJson(record.value)));
    }
    try {
      if (!visit(record, error)) {
        gzclose(in);
        return false;
      }
    } catch (const std::exception& e) {
      return fail(record.Error(std::string("cannot import: ") + e.what()));
    }
    ++records;
    progress.Update(records, gzoffset(in));
  }
  gzclose(in);
  progress.Done(records);
  if (records_out != nullptr) *records_out = records;
  if (records == 0) {
    *error = path + ": no records (the file is empty)";
    return false;
  }
  return true;
}

bool ReadJsonl(const std::string& path, std::vector<JsonlRecord>* records, std::string* error) {
  records->clear();
  return ForEachJsonl(
      path,
      [&](const JsonlRecord& record, std::string*) {
        records->push_back(record);
        return true;
      },
      error);
}

}  // namespace proctor::grader::importers
