#include "grader/languages/language_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <string_view>

#include "grader/task/model.h"
#include "grader/task/yaml_reader.h"

namespace proctor::grader {
namespace {

namespace fs = std::filesystem;
using task::yaml::Fail;
using task::yaml::MapReader;
using task::yaml::YamlFile;

const std::regex kName("[a-z][a-z0-9_]*");
const std::regex kAlias("[a-z0-9_+#.-]+");
const std::regex kFileName("[A-Za-z0-9_][A-Za-z0-9_.-]*");
const std::regex kPackage("[a-z0-9][a-z0-9+.-]+");
const std::regex kEnvName("[A-Za-z_][A-Za-z0-9_]*");
// The only form of `packages` scripts/setup.sh reads (with sed, before anything is built).
const std::regex kPackagesLine(R"(packages: \[[a-z0-9+., -]*\][ \t]*(#.*)?\r?)");

std::vector<std::string> ReadStrings(const YamlFile& file, const YAML::Node& node,
                                     const std::string& key) {
  task::yaml::RequireList(file, node, key);
  std::vector<std::string> out;
  for (const YAML::Node& item : node) out.push_back(task::yaml::ReadString(file, item, key));
  return out;
}

// "{proctor_root}" in a path or an argument becomes ProctorRoot() (tools shipped with
// Proctor, e.g. the pinned TypeScript compiler in tools/typescript).
std::vector<std::string> WithRoot(std::vector<std::string> items) {
  static constexpr std::string_view kRoot = "{proctor_root}";
  for (std::string& s : items)
    for (size_t at = s.find(kRoot); at != std::string::npos; at = s.find(kRoot, at))
      s.replace(at, kRoot.size(), ProctorRoot());
  return items;
}

// Absolute host paths without "..": what a sandbox may bind or execute.
std::vector<std::string> ReadPaths(const YamlFile& file, const YAML::Node& node,
                                   const std::string& key) {
  const std::vector<std::string> written = ReadStrings(file, node, key);
  std::vector<std::string> out = WithRoot(written);
  for (size_t i = 0; i < out.size(); ++i) {
    const fs::path p(out[i]);
    bool dotdot = std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; });
    if (!p.is_absolute() || dotdot)
      Fail(file, node[i], "\"" + key + "\" entry \"" + out[i] + "\" must be an absolute path "
                          "without \"..\"");
    // Every run gets its own empty /tmp and /dev/shm over these: a toolchain bound there is
    // invisible to it, and its compiles would fail as the submission's compile errors.
    for (const char* hidden : {"/tmp", "/dev/shm"}) {
      const std::string h = hidden;
      if (out[i] == h || out[i].rfind(h + "/", 0) == 0)
        Fail(file, node[i], "\"" + key + "\" entry \"" + out[i] + "\" is under " + h +
                                ", which every run replaces with its own empty one" +
                                (written[i].find("{proctor_root}") != std::string::npos
                                     ? " (" + ProctorRoot() + " is where Proctor is: put it "
                                       "outside " + h + ")"
                                     : ""));
    }
  }
  return out;
}

std::vector<std::string> ReadArgv(const YamlFile& file, const YAML::Node& node,
                                  const std::string& key, bool binary_allowed) {
  std::vector<std::string> argv = WithRoot(ReadStrings(file, node, key));
  if (argv.empty()) Fail(file, node, "\"" + key + "\" must not be empty");
  const bool binary = binary_allowed && argv[0] == "{binary}";
  if (!binary && !fs::path(argv[0]).is_absolute())
    Fail(file, node[0], "\"" + key + "\" must start with an absolute path (got \"" + argv[0] +
                            "\")" + (binary_allowed ? " or {binary}" : ""));
  return argv;
}

std::map<std::string, std::string> ReadEnv(const YamlFile& file, const YAML::Node& node,
                                           const std::string& key) {
  if (!node.IsMap()) Fail(file, node, "\"" + key + "\" must be a mapping of NAME: value");
  std::map<std::string, std::string> env;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string name = task::yaml::ReadString(file, it->first, key);
    if (!std::regex_match(name, kEnvName))
      Fail(file, it->first, "environment variable name \"" + name + "\" is not a name");
    if (!env.emplace(name, task::yaml::ReadString(file, it->second, key)).second)
      Fail(file, it->first, "environment variable \"" + name + "\" set twice");
  }
  return env;
}

std::string ReadFileName(const YamlFile& file, const YAML::Node& node, const std::string& key) {
  std::string name = task::yaml::ReadString(file, node, key);
  if (!std::regex_match(name, kFileName))
    Fail(file, node, "\"" + key + "\" must be a plain file name (got \"" + name + "\")");
  return name;
}

int ReadPositive(const YamlFile& file, const YAML::Node& node, const std::string& key) {
  const int v = task::yaml::ReadInt(file, node, key);
  if (v <= 0) Fail(file, node, "limit " + key + " must be positive");
  return v;
}

sandbox::Limits ReadCompileLimits(const YamlFile& file, const YAML::Node& node) {
  MapReader m(file, node, "compile limits",
              {"wall_seconds", "cpu_seconds", "memory_mb", "max_processes", "stdout_kb",
               "stderr_kb", "disk_mb", "disk_inodes", "open_files", "stack_mb"});
  sandbox::Limits l;
  auto seconds = [&](const char* key, double* out) {
    if (!m.Has(key)) return;
    *out = task::yaml::ReadDouble(file, m.Get(key), key);
    if (*out <= 0) Fail(file, m.Get(key), std::string("limit ") + key + " must be positive");
  };
  auto count = [&](const char* key, auto* out, uint64_t unit) {
    if (m.Has(key)) *out = static_cast<std::remove_reference_t<decltype(*out)>>(
                        ReadPositive(file, m.Get(key), key) * unit);
  };
  seconds("wall_seconds", &l.wall_seconds);
  seconds("cpu_seconds", &l.cpu_seconds);
  count("memory_mb", &l.memory_bytes, sandbox::kMiB);
  count("max_processes", &l.max_processes, 1);
  count("stdout_kb", &l.stdout_bytes, 1024);
  count("stderr_kb", &l.stderr_bytes, 1024);
  count("disk_mb", &l.disk_bytes, sandbox::kMiB);
  count("disk_inodes", &l.disk_inodes, 1);
  count("open_files", &l.open_files, 1);
  count("stack_mb", &l.stack_bytes, sandbox::kMiB);
  return l;
}

// The options of a compiler command (what a PCH must share with the compile): every
// argument starting with '-' but -o and -x with their values.
std::vector<std::string> FlagsOf(const std::vector<std::string>& argv) {
  std::vector<std::string> flags;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "-o" || argv[i] == "-x") {
      ++i;
      continue;
    }
    if (!argv[i].empty() && argv[i][0] == '-') flags.push_back(argv[i]);
  }
  return flags;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : " ") + s;
  return out;
}

void ReadCompile(const YamlFile& file, const YAML::Node& node, Language* l) {
  MapReader m(file, node, "compile",
              {"argv", "output", "readonly_paths", "env", "limits", "cache", "toolchain", "pch"});
  l->compile_argv = ReadArgv(file, m.Require("argv"), "compile argv", false);
  l->binary_file = ReadFileName(file, m.Require("output"), "output");
  l->compile_readonly_paths = ReadPaths(file, m.Require("readonly_paths"), "readonly_paths");
  if (m.Has("env")) l->compile_env = ReadEnv(file, m.Get("env"), "env");
  if (m.Has("limits")) l->compile_limits = ReadCompileLimits(file, m.Get("limits"));
  if (m.Has("cache")) l->compile_cache = task::yaml::ReadBool(file, m.Get("cache"), "cache");
  if (m.Has("toolchain")) l->toolchain = ReadPaths(file, m.Get("toolchain"), "toolchain");
  if (l->compile_cache && l->toolchain.empty())
    Fail(file, m.Has("cache") ? m.Get("cache") : node,
         "compile cache needs \"toolchain\" (the files whose identity keys the cache)");
  if (!m.Has("pch")) return;
  const YAML::Node pch_node = m.Get("pch");
  MapReader pch(file, pch_node, "pch", {"header", "argv"});
  l->pch_header = task::yaml::ReadString(file, pch.Require("header"), "header");
  if (l->pch_header.empty() || l->pch_header[0] == '/' ||
      l->pch_header.find("..") != std::string::npos)
    Fail(file, pch.Get("header"), "pch header must be an include name like bits/stdc++.h");
  l->pch_argv = ReadArgv(file, pch.Require("argv"), "pch argv", false);
  const YAML::Node argv_node = pch.Get("argv");
  for (const char* placeholder : {"{header}", "{output}"})
    if (std::find(l->pch_argv.begin(), l->pch_argv.end(), placeholder) == l->pch_argv.end())
      Fail(file, argv_node, std::string("pch argv must contain ") + placeholder);
  // IMPORTANT: g++ silently ignores a PCH built with other flags than the compile's.
  if (l->pch_argv[0] != l->compile_argv[0] || FlagsOf(l->pch_argv) != FlagsOf(l->compile_argv))
    Fail(file, argv_node,
         "pch argv must run the compile's compiler with exactly its flags (compile: " +
             l->compile_argv[0] + " " + Join(FlagsOf(l->compile_argv)) + "; pch: " +
             l->pch_argv[0] + " " + Join(FlagsOf(l->pch_argv)) + ")");
}

void ReadRun(const YamlFile& file, const YAML::Node& node, Language* l) {
  MapReader m(file, node, "run", {"argv", "readonly_paths", "env", "extra"});
  const YAML::Node argv_node = m.Require("argv");
  l->run_argv = ReadArgv(file, argv_node, "run argv", true);
  const bool compiled = !l->compile_argv.empty();
  for (size_t i = 0; i < l->run_argv.size(); ++i) {
    if (l->run_argv[i] == "{binary}" && !compiled)
      Fail(file, argv_node[i], "run argv names {binary} but the language has no compile step");
    if (l->run_argv[i] == "{source}" && compiled)
      Fail(file, argv_node[i],
           "run argv names {source} but the language compiles (runs see only the binary)");
  }
  l->readonly_paths = ReadPaths(file, m.Require("readonly_paths"), "readonly_paths");
  if (m.Has("env")) l->run_env = ReadEnv(file, m.Get("env"), "env");
  if (m.Has("extra")) {
    MapReader extra(file, m.Get("extra"), "run extra", {"max_processes", "memory_mb"});
    for (const char* key : {"max_processes", "memory_mb"}) {
      if (!extra.Has(key)) continue;
      const int v = task::yaml::ReadInt(file, extra.Get(key), key);
      if (v < 0) Fail(file, extra.Get(key), std::string("extra ") + key + " must not be negative");
      (std::string(key) == "memory_mb" ? l->run_extra.memory_mb : l->run_extra.max_processes) = v;
    }
  }
}

void ReadVersion(const YamlFile& file, const YAML::Node& node, Language* l) {
  MapReader m(file, node, "version", {"argv", "pattern"});
  l->version.argv = ReadArgv(file, m.Require("argv"), "version argv", false);
  if (!m.Has("pattern")) return;
  l->version.pattern = task::yaml::ReadString(file, m.Get("pattern"), "pattern");
  try {
    std::regex check(l->version.pattern);
  } catch (const std::regex_error& e) {
    Fail(file, m.Get("pattern"), "pattern is not a valid regular expression: " +
                                     std::string(e.what()));
  }
}

// `packages: [a, b]` on one line: scripts/setup.sh reads it without a YAML parser.
std::vector<std::string> ReadPackages(const YamlFile& file, const YAML::Node& node) {
  std::ifstream in(file.root / file.relative, std::ios::binary);
  std::string line;
  for (int i = 0; i <= node.Mark().line && std::getline(in, line);) ++i;
  if (node.Mark().pos < 0 || !std::regex_match(line, kPackagesLine))
    Fail(file, node,
         "packages must be written on one line as packages: [name, ...] (scripts/setup.sh "
         "reads that form)");
  std::vector<std::string> packages = ReadStrings(file, node, "packages");
  for (size_t i = 0; i < packages.size(); ++i)
    if (!std::regex_match(packages[i], kPackage))
      Fail(file, node[i], "\"" + packages[i] + "\" is not a Debian package name");
  return packages;
}

std::vector<std::string> ReadUnitStyles(const YamlFile& file, const YAML::Node& node) {
  std::vector<std::string> styles = ReadStrings(file, node, "unit_styles");
  std::string known;
  for (task::UnitStyle s : task::kUnitStyles)
    known += (known.empty() ? "" : ", ") + std::string(task::UnitStyleName(s));
  for (size_t i = 0; i < styles.size(); ++i) {
    bool found = false;
    for (task::UnitStyle s : task::kUnitStyles) found |= task::UnitStyleName(s) == styles[i];
    if (!found)
      Fail(file, node[i], "unknown unit style \"" + styles[i] + "\" (expected one of " + known + ")");
    if (std::find(styles.begin(), styles.begin() + i, styles[i]) != styles.begin() + i)
      Fail(file, node[i], "unit style \"" + styles[i] + "\" listed twice");
  }
  return styles;
}

// `program_tests`: how the `program` unit style assembles a test program (docs/languages.md).
void ReadProgramTests(const YamlFile& file, const YAML::Node& node, Language* l) {
  MapReader m(file, node, "program_tests", {"prelude", "main_pattern", "main_replace", "epilogue"});
  ProgramTests& p = l->program_tests;
  for (auto [key, field] : {std::pair{"prelude", &p.prelude}, {"main_pattern", &p.main_pattern},
                            {"main_replace", &p.main_replace}, {"epilogue", &p.epilogue}})
    if (m.Has(key)) *field = task::yaml::ReadString(file, m.Get(key), key);
  if (m.Has("main_pattern") != m.Has("main_replace"))
    Fail(file, node, "program_tests needs both main_pattern and main_replace, or neither");
  if (m.Has("main_pattern")) {
    try {
      std::regex check(p.main_pattern);
    } catch (const std::regex_error& e) {
      Fail(file, m.Get("main_pattern"),
           "main_pattern is not a valid regular expression: " + std::string(e.what()));
    }
  }
  if ((p.epilogue + p.main_replace).find("PROCTOR_UNIT_MARKER") == std::string::npos)
    Fail(file, node, "program_tests must print PROCTOR_UNIT_MARKER (in epilogue or main_replace)");
}

// Where a name or alias is already taken, or null.
const Language* Owner(const std::vector<Language>& taken, const std::string& tag) {
  for (const Language& l : taken) {
    if (l.name == tag) return &l;
    if (std::find(l.aliases.begin(), l.aliases.end(), tag) != l.aliases.end()) return &l;
  }
  return nullptr;
}

Language Parse(const fs::path& folder, const std::string& file_name,
               const std::vector<Language>& taken) {
  const YamlFile file{folder, file_name};
  const YAML::Node root = task::yaml::LoadYaml(file);
  MapReader m(file, root, "language definition",
              {"name", "aliases", "packages", "source_file", "compile", "run", "version",
               "call_tests", "unit_styles", "program_tests"});
  Language l;
  l.definition_file = file.DisplayPath();
  const YAML::Node name_node = m.Require("name");
  l.name = task::yaml::ReadString(file, name_node, "name");
  if (!std::regex_match(l.name, kName))
    Fail(file, name_node, "language name \"" + l.name + "\" must match [a-z][a-z0-9_]*");
  if (l.name != fs::path(file_name).stem().string())
    Fail(file, name_node, "language \"" + l.name + "\" must be defined in " + l.name + ".yaml");
  if (const Language* owner = Owner(taken, l.name))
    Fail(file, name_node, "language \"" + l.name + "\" is already defined by " +
                              owner->definition_file);
  if (m.Has("aliases")) {
    const YAML::Node aliases = m.Get("aliases");
    l.aliases = ReadStrings(file, aliases, "aliases");
    for (size_t i = 0; i < l.aliases.size(); ++i) {
      const std::string& a = l.aliases[i];
      if (!std::regex_match(a, kAlias))
        Fail(file, aliases[i], "alias \"" + a + "\" must be lower-case [a-z0-9_+#.-]");
      if (a == l.name || std::find(l.aliases.begin(), l.aliases.begin() + i, a) !=
                             l.aliases.begin() + i)
        Fail(file, aliases[i], "alias \"" + a + "\" listed twice");
      if (const Language* owner = Owner(taken, a))
        Fail(file, aliases[i], "alias \"" + a + "\" already names language \"" + owner->name +
                                   "\" (" + owner->definition_file + ")");
    }
  }
  l.packages = ReadPackages(file, m.Require("packages"));
  l.source_file = ReadFileName(file, m.Require("source_file"), "source_file");
  if (m.Has("compile")) ReadCompile(file, m.Get("compile"), &l);
  ReadRun(file, m.Require("run"), &l);
  ReadVersion(file, m.Require("version"), &l);
  if (m.Has("call_tests")) l.call_tests = task::yaml::ReadBool(file, m.Get("call_tests"), "call_tests");
  if (m.Has("unit_styles")) l.unit_styles = ReadUnitStyles(file, m.Get("unit_styles"));
  if (m.Has("program_tests")) ReadProgramTests(file, m.Get("program_tests"), &l);
  if (l.SupportsUnitStyle("program") && !m.Has("program_tests"))
    Fail(file, m.Get("unit_styles"),
         "unit style \"program\" needs program_tests (how a test program prints its marker)");
  return l;
}

template <typename T>
task::LoadResult<T> Guarded(const std::string& where, T (*body)(const fs::path&, const std::string&,
                                                                const std::vector<Language>&),
                            const fs::path& folder, const std::string& name,
                            const std::vector<Language>& taken) {
  try {
    return body(folder, name, taken);
  } catch (const task::yaml::LoadFailure& failure) {
    return failure.error;
  } catch (const YAML::Exception& e) {
    return task::LoadError{{where, 0, 0}, std::string("YAML error: ") + e.what()};
  }
}

}  // namespace

bool Language::SupportsUnitStyle(const std::string& style) const {
  return std::find(unit_styles.begin(), unit_styles.end(), style) != unit_styles.end();
}

task::LoadResult<Language> LoadLanguageFile(const fs::path& folder, const std::string& file_name) {
  return Guarded<Language>((folder / file_name).string(), Parse, folder, file_name, {});
}

task::LoadResult<std::vector<Language>> LoadLanguageFolder(const fs::path& folder,
                                                           const std::vector<Language>& taken) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(folder, ec))
    if (e.path().extension() == ".yaml") names.push_back(e.path().filename().string());
  if (ec)
    return task::LoadError{{folder.string(), 0, 0},
                           "cannot read the language folder: " + ec.message()};
  std::sort(names.begin(), names.end());
  std::vector<Language> all = taken, loaded;
  for (const std::string& name : names) {
    task::LoadResult<Language> l =
        Guarded<Language>((folder / name).string(), Parse, folder, name, all);
    if (!l) return l.error();
    all.push_back(*l);
    loaded.push_back(*std::move(l));
  }
  return loaded;
}

}  // namespace proctor::grader
