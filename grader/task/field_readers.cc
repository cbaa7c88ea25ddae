#include "grader/task/field_readers.h"

#include <optional>

#include "grader/languages/language.h"

namespace proctor::grader::task {

using yaml::Fail;
using yaml::MapReader;
using yaml::YamlFile;

Limits ReadLimits(const YamlFile& file, const YAML::Node& node, Limits base) {
  MapReader map(
      file, node, "limits",
      {"wall_seconds", "cpu_seconds", "memory_mb", "max_processes", "output_kb", "disk_kb",
       "disk_inodes", "open_files", "compile_wall_seconds", "compile_memory_mb"});
  // Every limit is positive; a wrong one is reported at its own key's value.
  auto read_double = [&](const char* key, double& field) {
    if (!map.Has(key)) return;
    field = yaml::ReadDouble(file, map.Get(key), key);
    if (!(field > 0)) Fail(file, map.Get(key), std::string("limit ") + key + " must be positive");
  };
  auto read_int = [&](const char* key, int& field) {
    if (!map.Has(key)) return;
    field = yaml::ReadInt(file, map.Get(key), key);
    if (field <= 0) Fail(file, map.Get(key), std::string("limit ") + key + " must be positive");
  };
  read_double("wall_seconds", base.wall_seconds);
  read_double("cpu_seconds", base.cpu_seconds);
  read_int("memory_mb", base.memory_mb);
  read_int("max_processes", base.max_processes);
  read_int("output_kb", base.output_kb);
  read_int("disk_kb", base.disk_kb);
  read_int("disk_inodes", base.disk_inodes);
  read_int("open_files", base.open_files);
  read_double("compile_wall_seconds", base.compile_wall_seconds);
  read_int("compile_memory_mb", base.compile_memory_mb);
  return base;
}

namespace {

ScoringMode ReadScoringMode(const YamlFile& file, const YAML::Node& node) {
  return yaml::ReadEnum<ScoringMode>(file, node, "mode",
                                     {{"all_or_nothing", ScoringMode::kAllOrNothing},
                                      {"fraction", ScoringMode::kFraction},
                                      {"weighted", ScoringMode::kWeighted},
                                      {"subtasks", ScoringMode::kSubtasks},
                                      {"codeforces", ScoringMode::kCodeforces}});
}

void ReadTolerance(const MapReader& map, compare::FloatTolerance* tolerance) {
  if (map.Has("abs_tol")) {
    tolerance->abs_tol = yaml::ReadDouble(map.file(), map.Get("abs_tol"), "abs_tol");
  }
  if (map.Has("rel_tol")) {
    tolerance->rel_tol = yaml::ReadDouble(map.file(), map.Get("rel_tol"), "rel_tol");
  }
}

}  // namespace

Scoring ReadScoring(const YamlFile& file, const YAML::Node& node, Scoring base) {
  if (node.IsScalar()) {
    base.mode = ReadScoringMode(file, node);
    return base;
  }
  MapReader map(file, node, "scoring", {"mode", "count_public", "groups", "max_tests"});
  if (map.Has("mode")) base.mode = ReadScoringMode(file, map.Get("mode"));
  if (map.Has("count_public")) {
    base.count_public = yaml::ReadBool(file, map.Get("count_public"), "count_public");
  }
  if (map.Has("groups")) {
    const YAML::Node groups = map.Get("groups");
    if (!groups.IsMap()) {
      Fail(file, groups,
           "\"groups\" must be a mapping of group name to points (got " +
               yaml::Describe(groups) + ")");
    }
    base.groups.clear();
    for (auto it = groups.begin(); it != groups.end(); ++it) {
      Subtask group;
      group.name = yaml::ReadString(file, it->first, "group name");
      group.points = yaml::ReadDouble(file, it->second, "points");
      group.where = yaml::Where(file, it->first);
      for (const Subtask& seen : base.groups) {
        if (seen.name == group.name) {
          Fail(file, it->first, "group \"" + group.name + "\" listed twice");
        }
      }
      base.groups.push_back(std::move(group));
    }
  }
  if (map.Has("max_tests")) {
    base.max_tests = yaml::ReadInt(file, map.Get("max_tests"), "max_tests");
  }
  return base;
}

Language ReadLanguage(const YamlFile& file, const YAML::Node& node) {
  const std::string name = yaml::ReadString(file, node, "language");
  std::optional<Language> language = Language::Find(name);
  if (!language) {
    Fail(file, node,
         "bad value \"" + name + "\" for \"language\" (expected one of " + LanguageNames() +
             ")");
  }
  return *language;
}

std::vector<Language> ReadLanguages(const YamlFile& file, const YAML::Node& node) {
  if (node.IsScalar()) return {ReadLanguage(file, node)};
  yaml::RequireList(file, node, "languages");
  std::vector<Language> languages;
  for (const YAML::Node& item : node) {
    Language language = ReadLanguage(file, item);
    for (Language seen : languages) {
      if (seen == language) {
        Fail(file, item, "language \"" + std::string(LanguageName(language)) + "\" listed twice");
      }
    }
    languages.push_back(language);
  }
  return languages;
}

compare::TextCompareSpec ReadStdioCompare(const YamlFile& file, const YAML::Node& node,
                                          bool* use_checker) {
  using compare::TextMode;
  compare::TextCompareSpec spec;
  std::optional<MapReader> map;
  if (!node.IsScalar()) {
    map.emplace(file, node, "stdio compare",
                std::initializer_list<std::string_view>{"kind", "abs_tol", "rel_tol"});
  }
  YAML::Node kind_value = map ? map->Require("kind") : node;
  std::string kind = yaml::ReadString(file, kind_value, "kind");
  *use_checker = kind == "checker";
  if (!*use_checker) {
    spec.mode = yaml::ReadEnum<TextMode>(file, kind_value, "compare",
                                         {{"exact", TextMode::kExact},
                                          {"whitespace", TextMode::kWhitespace},
                                          {"tokens", TextMode::kTokens},
                                          {"float", TextMode::kFloat},
                                          {"unordered_lines", TextMode::kUnorderedLines},
                                          {"checker", TextMode::kExact}});
  }
  if (map) {
    if ((map->Has("abs_tol") || map->Has("rel_tol")) && spec.mode != TextMode::kFloat) {
      Fail(file, map->Has("abs_tol") ? map->Get("abs_tol") : map->Get("rel_tol"),
           "abs_tol and rel_tol apply only to kind float");
    }
    ReadTolerance(*map, &spec.tolerance);
  }
  return spec;
}

compare::ValueCompareOptions ReadCallCompare(const YamlFile& file, const YAML::Node& node) {
  enum class Kind { kTypeStrict, kFloat, kUnordered, kJson };
  std::optional<MapReader> map;
  if (!node.IsScalar()) {
    map.emplace(file, node, "call compare",
                std::initializer_list<std::string_view>{"kind", "abs_tol", "rel_tol", "unwrap"});
  }
  YAML::Node kind_value = map ? map->Require("kind") : node;
  Kind kind = yaml::ReadEnum<Kind>(file, kind_value, "compare",
                                   {{"type_strict", Kind::kTypeStrict},
                                    {"float", Kind::kFloat},
                                    {"unordered", Kind::kUnordered},
                                    {"json", Kind::kJson}});
  compare::ValueCompareOptions options;
  bool has_tolerance = map && (map->Has("abs_tol") || map->Has("rel_tol"));
  if (has_tolerance && kind == Kind::kTypeStrict) {
    Fail(file, map->Has("abs_tol") ? map->Get("abs_tol") : map->Get("rel_tol"),
         "abs_tol and rel_tol apply only to kinds float, unordered and json");
  }
  if (kind == Kind::kFloat || has_tolerance) {
    compare::FloatTolerance tolerance;
    if (map) ReadTolerance(*map, &tolerance);
    options.float_tolerance = tolerance;
  }
  options.unordered = kind == Kind::kUnordered;
  options.json = kind == Kind::kJson;
  if (map && map->Has("unwrap")) {
    if (kind != Kind::kJson) Fail(file, map->Get("unwrap"), "unwrap applies only to kind json");
    options.json_unwrap_single = yaml::ReadBool(file, map->Get("unwrap"), "unwrap");
  }
  return options;
}

}  // namespace proctor::grader::task
