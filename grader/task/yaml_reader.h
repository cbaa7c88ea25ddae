// Schema-checked reading of YAML nodes for the pack loader. Every failure throws LoadFailure
// carrying file:line:col of the offending node; LoadPack() catches it and returns it as a
// LoadError. Nothing outside the loader sees these exceptions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grader/task/load_error.h"

namespace proctor::grader::task::yaml {

// The YAML file being read.
struct YamlFile {
  std::filesystem::path root;  // pack directory as given to LoadPack
  std::string relative;        // path of this file inside the pack ("tasks/add.yaml")

  std::string DisplayPath() const { return (root / relative).string(); }
};

// Thrown by everything in this namespace; caught at the LoadPack boundary.
struct LoadFailure {
  LoadError error;
};

SourceLocation Where(const YamlFile& file, const YAML::Mark& mark);
SourceLocation Where(const YamlFile& file, const YAML::Node& node);
[[noreturn]] void Fail(const YamlFile& file, const YAML::Node& node, std::string message);
[[noreturn]] void Fail(SourceLocation where, std::string message);

// Reads and parses one YAML file of the pack; syntax errors carry their position.
YAML::Node LoadYaml(const YamlFile& file);

// "a mapping", "a list", "null", "the scalar \"5\"", for messages.
std::string Describe(const YAML::Node& node);

// A mapping whose keys are checked against `allowed` on construction: a key not in the list,
// a duplicate key, or a non-scalar key fails at that key's position.
class MapReader {
 public:
  // `what` names the mapping in messages ("test", "call test", "limits").
  MapReader(const YamlFile& file, const YAML::Node& node, std::string what,
            std::initializer_list<std::string_view> allowed);

  bool Has(std::string_view key) const;
  // The value of `key`, or an undefined node when absent.
  YAML::Node Get(std::string_view key) const;
  // The value of `key`; fails with "missing required key" when absent.
  YAML::Node Require(std::string_view key) const;

  const YAML::Node& node() const { return node_; }
  const std::string& what() const { return what_; }
  const YamlFile& file() const { return file_; }

 private:
  const YamlFile& file_;
  YAML::Node node_;
  std::string what_;
  std::vector<std::pair<std::string, YAML::Node>> entries_;
};

// Scalars. `key` names the field in messages.
std::string ReadString(const YamlFile& file, const YAML::Node& node, std::string_view key);
double ReadDouble(const YamlFile& file, const YAML::Node& node, std::string_view key);
int ReadInt(const YamlFile& file, const YAML::Node& node, std::string_view key);
bool ReadBool(const YamlFile& file, const YAML::Node& node, std::string_view key);

// A scalar that must be one of the names; fails with "bad value ... (expected one of ...)".
template <typename E>
E ReadEnum(const YamlFile& file, const YAML::Node& node, std::string_view key,
           std::initializer_list<std::pair<std::string_view, E>> names) {
  std::string text = ReadString(file, node, key);
  std::string expected;
  for (const auto& [name, value] : names) {
    if (name == text) return value;
    expected += (expected.empty() ? "" : ", ") + std::string(name);
  }
  Fail(file, node,
       "bad value \"" + text + "\" for \"" + std::string(key) + "\" (expected one of " + expected +
           ")");
}

// The node itself (a handle to it) when it is a sequence; fails with "must be a list" otherwise.
// By value: callers loop over RequireList(file, map.Get("k"), ...), and a reference to that
// temporary argument dangled in the loop (found by fuzz/pack_load_fuzz.cc).
YAML::Node RequireList(const YamlFile& file, const YAML::Node& node, std::string_view key);

// Reads a file referenced from `file` (a path relative to that YAML file's directory). The
// path must stay inside the pack: no absolute paths, no "..", no symlink escaping the root.
// Returns {pack-relative path, contents}.
std::pair<std::string, std::string> ReadReferencedFile(const YamlFile& file,
                                                       const YAML::Node& path_node,
                                                       std::string_view key);

}  // namespace proctor::grader::task::yaml
