#include "grader/task/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

namespace proctor::grader::task::yaml {

namespace fs = std::filesystem;

SourceLocation Where(const YamlFile& file, const YAML::Mark& mark) {
  SourceLocation where{file.DisplayPath(), 0, 0};
  if (mark.line >= 0 && mark.column >= 0) {  // yaml-cpp marks are 0-based, -1 when unknown
    where.line = mark.line + 1;
    where.column = mark.column + 1;
  }
  return where;
}

SourceLocation Where(const YamlFile& file, const YAML::Node& node) {
  return Where(file, node.Mark());
}

void Fail(const YamlFile& file, const YAML::Node& node, std::string message) {
  Fail(Where(file, node), std::move(message));
}

void Fail(SourceLocation where, std::string message) {
  throw LoadFailure{LoadError{std::move(where), std::move(message)}};
}

YAML::Node LoadYaml(const YamlFile& file) {
  std::ifstream in(file.root / file.relative, std::ios::binary);
  if (!in) Fail(SourceLocation{file.DisplayPath(), 0, 0}, "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return YAML::Load(buffer.str());
  } catch (const YAML::ParserException& e) {
    // e.what() repeats the position; e.msg is the bare reason.
    Fail(Where(file, e.mark), "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    Fail(Where(file, e.mark), "YAML error: " + e.msg);
  }
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (text.size() > 40) text = text.substr(0, 40) + "...";
      return "the scalar \"" + text + "\"";
    }
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "?";
}

MapReader::MapReader(const YamlFile& file, const YAML::Node& node, std::string what,
                     std::initializer_list<std::string_view> allowed)
    : file_(file), node_(node), what_(std::move(what)) {
  if (!node.IsMap()) Fail(file, node, what_ + " must be a mapping (got " + Describe(node) + ")");
  for (auto it = node.begin(); it != node.end(); ++it) {
    // A copy (a Node is a handle): `it->` returns a temporary proxy, so a reference to its
    // `first` dangles (found by fuzz/pack_load_fuzz.cc: stack-use-after-scope).
    const YAML::Node key_node = it->first;
    if (!key_node.IsScalar()) Fail(file, key_node, "keys of " + what_ + " must be names");
    std::string key = key_node.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string expected;
      for (std::string_view name : allowed) {
        expected += (expected.empty() ? "" : ", ") + std::string(name);
      }
      Fail(file, key_node,
           "unknown key \"" + key + "\" in " + what_ + " (expected one of " + expected + ")");
    }
    for (const auto& [seen, value] : entries_) {
      if (seen == key) Fail(file, key_node, "duplicate key \"" + key + "\" in " + what_);
    }
    entries_.emplace_back(std::move(key), it->second);
  }
}

bool MapReader::Has(std::string_view key) const {
  for (const auto& [name, value] : entries_) {
    if (name == key) return true;
  }
  return false;
}

YAML::Node MapReader::Get(std::string_view key) const {
  for (const auto& [name, value] : entries_) {
    if (name == key) return value;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node MapReader::Require(std::string_view key) const {
  if (!Has(key)) {
    Fail(file_, node_, "missing required key \"" + std::string(key) + "\" in " + what_);
  }
  return Get(key);
}

std::string ReadString(const YamlFile& file, const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) {
    Fail(file, node, "\"" + std::string(key) + "\" must be a string (got " + Describe(node) + ")");
  }
  return node.Scalar();
}

namespace {

template <typename T>
T ReadNumber(const YamlFile& file, const YAML::Node& node, std::string_view key, const char* kind) {
  std::string message =
      "\"" + std::string(key) + "\" must be " + kind + " (got " + Describe(node) + ")";
  if (!node.IsScalar()) Fail(file, node, message);
  const std::string& text = node.Scalar();
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    Fail(file, node, message);
  }
  return value;
}

}  // namespace

double ReadDouble(const YamlFile& file, const YAML::Node& node, std::string_view key) {
  double value = ReadNumber<double>(file, node, key, "a number");
  if (!std::isfinite(value)) {
    Fail(file, node, "\"" + std::string(key) + "\" must be a finite number");
  }
  return value;
}

int ReadInt(const YamlFile& file, const YAML::Node& node, std::string_view key) {
  return ReadNumber<int>(file, node, key, "an integer");
}

bool ReadBool(const YamlFile& file, const YAML::Node& node, std::string_view key) {
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    if (text == "true") return true;
    if (text == "false") return false;
  }
  Fail(file, node,
       "\"" + std::string(key) + "\" must be true or false (got " + Describe(node) + ")");
}

YAML::Node RequireList(const YamlFile& file, const YAML::Node& node, std::string_view key) {
  if (!node.IsSequence()) {
    Fail(file, node, "\"" + std::string(key) + "\" must be a list (got " + Describe(node) + ")");
  }
  return node;
}

std::pair<std::string, std::string> ReadReferencedFile(const YamlFile& file,
                                                       const YAML::Node& path_node,
                                                       std::string_view key) {
  std::string written = ReadString(file, path_node, key);
  fs::path path(written);
  // IMPORTANT: a pack names only its own files; the content hash covers exactly those.
  if (written.empty() || path.is_absolute()) {
    Fail(file, path_node, "file \"" + written + "\" must be a relative path inside the pack");
  }
  for (const auto& part : path) {
    if (part == "..") {
      Fail(file, path_node, "file \"" + written + "\" must not contain \"..\"");
    }
  }
  fs::path relative = (fs::path(file.relative).parent_path() / path).lexically_normal();
  fs::path full = file.root / relative;
  std::error_code ec;
  if (!fs::is_regular_file(full, ec)) {
    Fail(file, path_node, "file \"" + written + "\" not found (looked for " + full.string() + ")");
  }
  fs::path canonical_root = fs::canonical(file.root, ec);
  fs::path canonical_file = fs::canonical(full, ec);
  auto mismatch = std::mismatch(canonical_root.begin(), canonical_root.end(),
                                canonical_file.begin(), canonical_file.end());
  if (ec || mismatch.first != canonical_root.end()) {
    Fail(file, path_node, "file \"" + written + "\" resolves outside the pack");
  }
  std::ifstream in(full, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in && !in.eof()) Fail(file, path_node, "cannot read file \"" + written + "\"");
  return {relative.generic_string(), buffer.str()};
}

}  // namespace proctor::grader::task::yaml
