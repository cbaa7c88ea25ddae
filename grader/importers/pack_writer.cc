#include "grader/importers/pack_writer.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "grader/importers/yaml_writer.h"
#include "grader/task/pack_loader.h"

namespace proctor::grader::importers {
namespace {

namespace fs = std::filesystem;

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string PackYaml(std::string_view name, std::string_view version,
                     std::string_view description) {
  YamlWriter w;
  w.String("name", name);
  w.String("version", version);
  w.String("description", description);
  return w.Take();
}

bool PackWriter::Open(const std::string& out_dir, std::string* error) {
  std::error_code ec;
  fs::path root(out_dir);
  if (fs::exists(root, ec)) {
    if (!fs::is_directory(root, ec)) {
      *error = out_dir + ": exists and is not a directory";
      return false;
    }
    if (!fs::is_empty(root, ec)) {
      *error = out_dir + ": output directory is not empty";
      return false;
    }
  }
  fs::create_directories(root, ec);
  if (ec) {
    *error = out_dir + ": cannot create directory: " + ec.message();
    return false;
  }
  root_ = out_dir;
  return true;
}

bool PackWriter::Add(const PackFile& file, std::string* error) {
  if (file.path.empty() || file.path[0] == '/' || file.path.find("..") != std::string::npos) {
    *error = "internal: bad pack file path \"" + file.path + "\"";
    return false;
  }
  std::error_code ec;
  fs::path path = fs::path(root_) / file.path;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    *error = path.parent_path().string() + ": cannot create directory: " + ec.message();
    return false;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << file.contents;
  out.close();
  if (!out) {
    *error = path.string() + ": cannot write";
    return false;
  }
  ++files_written_;
  return true;
}

bool PackWriter::Finish(std::string* error) {
  // File by file: a CodeContests import has thousands of test files per problem, which
  // LoadPack would hold all at once.
  auto checked = task::CheckPackFileByFile(root_);
  if (!checked) {
    *error = "the imported pack does not load: " + checked.error().ToString();
    return false;
  }
  return true;
}

bool WritePack(const std::string& out_dir, const std::vector<PackFile>& files, std::string* error) {
  PackWriter writer;
  if (!writer.Open(out_dir, error)) return false;
  for (const PackFile& file : files)
    if (!writer.Add(file, error)) return false;
  return writer.Finish(error);
}

std::string MapTaskId(std::string_view original) {
  if (IsTaskId(original)) return std::string(original);
  std::string id;
  for (char c : original) {
    bool ok = IsAlpha(c) || IsDigit(c) || c == '_' || c == '.' || c == '/' || c == '-';
    if (ok) {
      if (id.empty() && (c == '.' || c == '/' || c == '-')) continue;
      id += c;
    } else if (id.empty() || id.back() != '_') {
      id += '_';
    }
  }
  return id.empty() ? "task" : id;
}

bool TaskIds::Add(const JsonlRecord& record, const std::string& id, std::string* error) {
  if (auto [it, added] = line_of_id_.emplace(id, record.line); !added) {
    *error = record.Error("duplicate task_id \"" + id + "\" (first on line " +
                          std::to_string(it->second) + ")");
    return false;
  }
  if (auto [it, added] = line_of_stem_.emplace(FileStem(id), record.line); !added) {
    *error = record.Error("task_id \"" + id + "\" gives the same file name as line " +
                          std::to_string(it->second));
    return false;
  }
  return true;
}

bool IsIdentifier(std::string_view text) {
  if (text.empty() || IsDigit(text[0])) return false;
  for (char c : text)
    if (!IsAlpha(c) && !IsDigit(c) && c != '_') return false;
  return true;
}

bool IsTaskId(std::string_view text) {
  if (text.empty()) return false;
  if (!IsAlpha(text[0]) && !IsDigit(text[0]) && text[0] != '_') return false;
  for (char c : text)
    if (!IsAlpha(c) && !IsDigit(c) && c != '_' && c != '.' && c != '/' && c != '-') return false;
  return true;
}

std::string FileStem(std::string_view id) {
  std::string stem;
  for (char c : id) {
    char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (IsLowerAlnum(lower)) {
      stem += lower;
    } else if (!stem.empty() && stem.back() != '-') {
      stem += '-';
    }
  }
  while (!stem.empty() && stem.back() == '-') stem.pop_back();
  size_t digits = stem.size();
  while (digits > 0 && IsDigit(stem[digits - 1])) --digits;
  size_t count = stem.size() - digits;
  if (count > 0 && count < 3) stem.insert(digits, 3 - count, '0');
  return stem.empty() ? "task" : stem;
}

}  // namespace proctor::grader::importers
