#include "grader/task/task_parser.h"

#include <algorithm>
#include <map>

#include "grader/task/field_readers.h"
#include "grader/task/python_packages.h"
#include "grader/task/yaml_value.h"

namespace proctor::grader::task {

using yaml::Fail;
using yaml::MapReader;
using yaml::YamlFile;

namespace {

// `python_packages: [python3-numpy, ...]`: each name installed, resolved with its python3-*
// dependencies (python_packages.h); a name that is not installed fails at its position,
// naming the command that installs it.
std::vector<PythonPackage> ReadPythonPackages(const YamlFile& file, const YAML::Node& node) {
  if (!node.IsSequence()) {
    Fail(file, node, "python_packages must be a list of Debian package names, not " +
                         yaml::Describe(node));
  }
  std::vector<PythonPackage> packages;
  std::vector<std::string> seen;
  for (const YAML::Node& item : node) {
    const std::string name = yaml::ReadString(file, item, "python_packages item");
    if (!IsPythonPackageName(name)) {
      Fail(file, item, "python_packages item \"" + name +
                           "\" is not a Debian Python 3 package name (python3-[a-z0-9.+-]+)");
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    auto resolved = ResolvePythonPackage(name, &seen);
    if (!resolved) {
      Fail(file, item, "python package \"" + name + "\" is not installed; install it with: " +
                           InstallCommand({name}) + " (or: proctor pack deps DIR --install)");
    }
    packages.insert(packages.end(), resolved->begin(), resolved->end());
  }
  return packages;
}

}  // namespace

Pack ParsePackFile(const YamlFile& file) {
  YAML::Node root = yaml::LoadYaml(file);
  MapReader map(file, root, "pack.yaml",
                {"name", "version", "description", "defaults", "python_packages"});
  Pack pack;
  pack.name = yaml::ReadString(file, map.Require("name"), "name");
  pack.version = yaml::ReadString(file, map.Require("version"), "version");
  if (map.Has("description")) {
    pack.description = yaml::ReadString(file, map.Get("description"), "description");
  }
  if (map.Has("python_packages")) {
    pack.python_packages = ReadPythonPackages(file, map.Get("python_packages"));
  }
  if (map.Has("defaults")) {
    MapReader defaults(file, map.Get("defaults"), "defaults",
                       {"limits", "languages", "scoring", "stdio_compare", "call_compare"});
    PackDefaults& d = pack.defaults;
    if (defaults.Has("limits")) d.limits = ReadLimits(file, defaults.Get("limits"), d.limits);
    if (defaults.Has("languages")) d.languages = ReadLanguages(file, defaults.Get("languages"));
    if (defaults.Has("scoring")) d.scoring = ReadScoring(file, defaults.Get("scoring"), d.scoring);
    if (defaults.Has("stdio_compare")) {
      bool use_checker = false;
      d.stdio_compare = ReadStdioCompare(file, defaults.Get("stdio_compare"), &use_checker);
      if (use_checker) {
        Fail(file, defaults.Get("stdio_compare"),
             "\"checker\" cannot be a pack default: checkers belong to tasks");
      }
    }
    if (defaults.Has("call_compare")) {
      d.call_compare = ReadCallCompare(file, defaults.Get("call_compare"));
    }
  }
  return pack;
}

namespace {

// Task-level defaults for its tests: the pack's, overridden by the task's own keys.
struct TestDefaults {
  compare::TextCompareSpec stdio_compare;
  bool stdio_use_checker = false;
  compare::ValueCompareOptions call_compare;
  std::string entry_point;
};

// `code:` or `file:` (exactly one) from a mapping that allows both.
Code ReadCode(const MapReader& map) {
  const YamlFile& file = map.file();
  Code code;
  code.where = yaml::Where(file, map.node());
  if (map.Has("code") == map.Has("file")) {
    Fail(file, map.node(), map.what() + " needs exactly one of \"code\" and \"file\"");
  }
  if (map.Has("code")) {
    code.text = yaml::ReadString(file, map.Get("code"), "code");
  } else {
    auto [relative, contents] = yaml::ReadReferencedFile(file, map.Get("file"), "file");
    code.file = std::move(relative);
    code.text = std::move(contents);
  }
  return code;
}

Solution ReadSolution(const YamlFile& file, const YAML::Node& node, const std::string& what) {
  MapReader map(file, node, what, {"language", "code", "file"});
  Solution solution;
  solution.language = ReadLanguage(file, map.Require("language"));
  solution.code = ReadCode(map);
  solution.where = yaml::Where(file, node);
  return solution;
}

std::vector<Solution> ReadSolutions(const YamlFile& file, const YAML::Node& node,
                                    std::string_view key, const std::string& what) {
  yaml::RequireList(file, node, key);
  std::vector<Solution> solutions;
  for (const YAML::Node& item : node) solutions.push_back(ReadSolution(file, item, what));
  return solutions;
}

// A string given inline under `key` or read from a file under `file_key` (at most one).
std::string ReadTextOrFile(const MapReader& map, const char* key, const char* file_key,
                           bool* present) {
  if (map.Has(key) && map.Has(file_key)) {
    Fail(map.file(), map.Get(file_key),
         "give at most one of \"" + std::string(key) + "\" and \"" + file_key + "\"");
  }
  *present = map.Has(key) || map.Has(file_key);
  if (map.Has(key)) return yaml::ReadString(map.file(), map.Get(key), key);
  if (map.Has(file_key)) {
    return yaml::ReadReferencedFile(map.file(), map.Get(file_key), file_key).second;
  }
  return "";
}

CallTest ReadCallTest(const YamlFile& file, const YAML::Node& node, const TestDefaults& defaults) {
  MapReader map(file, node, "call test",
                {"function", "args", "kwargs", "expected", "raises", "compare"});
  CallTest call;
  call.function = map.Has("function") ? yaml::ReadString(file, map.Get("function"), "function")
                                      : defaults.entry_point;
  if (map.Has("args")) {
    for (const YAML::Node& arg : yaml::RequireList(file, map.Get("args"), "args")) {
      call.args.push_back(yaml::ReadValue(file, arg));
    }
  }
  if (map.Has("kwargs")) {
    const YAML::Node kwargs = map.Get("kwargs");
    if (!kwargs.IsMap()) {
      Fail(file, kwargs, "\"kwargs\" must be a mapping (got " + yaml::Describe(kwargs) + ")");
    }
    for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
      std::string name = yaml::ReadString(file, it->first, "kwargs name");
      for (const auto& [seen, value] : call.kwargs) {
        if (seen == name) Fail(file, it->first, "duplicate key \"" + name + "\" in kwargs");
      }
      call.kwargs.emplace_back(std::move(name), yaml::ReadValue(file, it->second));
    }
  }
  if (map.Has("expected") == map.Has("raises")) {
    Fail(file, node, "call test needs exactly one of \"expected\" and \"raises\"");
  }
  if (map.Has("expected")) call.expected = yaml::ReadValue(file, map.Get("expected"));
  if (map.Has("raises")) call.raises = yaml::ReadString(file, map.Get("raises"), "raises");
  call.compare =
      map.Has("compare") ? ReadCallCompare(file, map.Get("compare")) : defaults.call_compare;
  return call;
}

StdioTest ReadStdioTest(const YamlFile& file, const YAML::Node& node,
                        const TestDefaults& defaults) {
  MapReader map(file, node, "stdio test",
                {"stdin", "stdin_file", "expected_stdout", "expected_stdout_file", "compare"});
  StdioTest stdio;
  bool present = false;
  stdio.stdin_data = ReadTextOrFile(map, "stdin", "stdin_file", &present);
  stdio.compare = defaults.stdio_compare;
  stdio.use_checker = defaults.stdio_use_checker;
  if (map.Has("compare")) {
    stdio.compare = ReadStdioCompare(file, map.Get("compare"), &stdio.use_checker);
  }
  stdio.expected_stdout = ReadTextOrFile(map, "expected_stdout", "expected_stdout_file", &present);
  if (!present && !stdio.use_checker) {
    Fail(file, node, "missing required key \"expected_stdout\" in stdio test");
  }
  return stdio;
}

UnitTest ReadUnitTest(const YamlFile& file, const YAML::Node& node) {
  MapReader map(file, node, "unit test",
                {"style", "language", "code", "file", "expected_tests"});
  UnitTest unit;
  unit.style = yaml::ReadEnum<UnitStyle>(file, map.Require("style"), "style",
                                         {{"humaneval", UnitStyle::kHumanEval},
                                          {"pytest", UnitStyle::kPytest},
                                          {"asserts", UnitStyle::kAsserts},
                                          {"cpp_asserts", UnitStyle::kCppAsserts},
                                          {"program", UnitStyle::kProgram},
                                          {"go_test", UnitStyle::kGoTest},
                                          {"java_main", UnitStyle::kJavaMain},
                                          {"node_require", UnitStyle::kNodeRequire}});
  if (map.Has("language")) {
    unit.language = ReadLanguage(file, map.Get("language"));
    unit.language_where = yaml::Where(file, map.Get("language"));
  }
  unit.code = ReadCode(map);
  if (map.Has("expected_tests")) {
    unit.expected_tests = yaml::ReadInt(file, map.Get("expected_tests"), "expected_tests");
  }
  return unit;
}

Test ReadTest(const YamlFile& file, const YAML::Node& node, const TestDefaults& defaults,
              std::map<std::string, int>* kind_counts) {
  MapReader map(file, node, "test",
                {"name", "visibility", "weight", "group", "call", "stdio", "unit"});
  Test test;
  test.where = yaml::Where(file, node);
  int bodies = map.Has("call") + map.Has("stdio") + map.Has("unit");
  if (bodies != 1) {
    Fail(file, node, "a test needs exactly one of \"call\", \"stdio\" and \"unit\"");
  }
  std::string kind;
  if (map.Has("call")) {
    kind = "call";
    test.body = ReadCallTest(file, map.Get("call"), defaults);
  } else if (map.Has("stdio")) {
    kind = "stdio";
    test.body = ReadStdioTest(file, map.Get("stdio"), defaults);
  } else {
    kind = "unit";
    test.body = ReadUnitTest(file, map.Get("unit"));
  }
  int number = ++(*kind_counts)[kind];
  test.name = map.Has("name") ? yaml::ReadString(file, map.Get("name"), "name")
                              : kind + "-" + std::to_string(number);
  if (map.Has("visibility")) {
    test.visibility = yaml::ReadEnum<Visibility>(
        file, map.Get("visibility"), "visibility",
        {{"public", Visibility::kPublic}, {"hidden", Visibility::kHidden}});
  }
  if (map.Has("weight")) test.weight = yaml::ReadDouble(file, map.Get("weight"), "weight");
  if (map.Has("group")) test.group = yaml::ReadString(file, map.Get("group"), "group");
  return test;
}

Task ReadTask(const YamlFile& file, const YAML::Node& node, const PackDefaults& pack) {
  MapReader map(file, node, "task",
                {"id", "title", "source", "source_id", "prompt", "prompt_file", "languages", "limits", "scoring",
                 "entry_point", "starter", "reference_solutions", "wrong_solutions", "checker",
                 "stdio_compare", "call_compare", "tests"});
  Task task;
  task.file = file.relative;
  task.where = yaml::Where(file, node);
  task.id = yaml::ReadString(file, map.Require("id"), "id");
  if (map.Has("title")) task.title = yaml::ReadString(file, map.Get("title"), "title");
  if (map.Has("source")) task.source = yaml::ReadString(file, map.Get("source"), "source");
  if (map.Has("source_id")) {
    task.source_id = yaml::ReadString(file, map.Get("source_id"), "source_id");
  }
  bool has_prompt = false;
  task.prompt = ReadTextOrFile(map, "prompt", "prompt_file", &has_prompt);
  if (!has_prompt) Fail(file, node, "missing required key \"prompt\" in task");
  task.languages =
      map.Has("languages") ? ReadLanguages(file, map.Get("languages")) : pack.languages;
  task.limits = map.Has("limits") ? ReadLimits(file, map.Get("limits"), pack.limits) : pack.limits;
  task.scoring =
      map.Has("scoring") ? ReadScoring(file, map.Get("scoring"), pack.scoring) : pack.scoring;
  if (map.Has("entry_point")) {
    task.entry_point = yaml::ReadString(file, map.Get("entry_point"), "entry_point");
  }
  if (map.Has("starter")) {
    task.starter = ReadSolutions(file, map.Get("starter"), "starter", "starter");
  }
  if (map.Has("reference_solutions")) {
    task.reference_solutions = ReadSolutions(file, map.Get("reference_solutions"),
                                             "reference_solutions", "reference solution");
  }
  if (map.Has("wrong_solutions")) {
    task.wrong_solutions =
        ReadSolutions(file, map.Get("wrong_solutions"), "wrong_solutions", "wrong solution");
  }
  if (map.Has("checker")) {
    Solution checker = ReadSolution(file, map.Get("checker"), "checker");
    task.checker = Checker{checker.language, std::move(checker.code), checker.where};
  }
  TestDefaults defaults;
  defaults.stdio_compare = pack.stdio_compare;
  defaults.call_compare = pack.call_compare;
  defaults.entry_point = task.entry_point;
  if (map.Has("stdio_compare")) {
    defaults.stdio_compare =
        ReadStdioCompare(file, map.Get("stdio_compare"), &defaults.stdio_use_checker);
  }
  if (map.Has("call_compare")) {
    defaults.call_compare = ReadCallCompare(file, map.Get("call_compare"));
  }
  std::map<std::string, int> kind_counts;
  for (const YAML::Node& item : yaml::RequireList(file, map.Require("tests"), "tests")) {
    task.tests.push_back(ReadTest(file, item, defaults, &kind_counts));
  }
  return task;
}

}  // namespace

std::vector<Task> ParseTaskFile(const YamlFile& file, const PackDefaults& defaults) {
  YAML::Node root = yaml::LoadYaml(file);
  std::vector<Task> tasks;
  if (root.IsSequence()) {
    for (const YAML::Node& item : root) tasks.push_back(ReadTask(file, item, defaults));
  } else if (root.IsMap()) {
    tasks.push_back(ReadTask(file, root, defaults));
  } else {
    Fail(
        file, root,
        "a task file holds a task (mapping) or a list of tasks (got " + yaml::Describe(root) + ")");
  }
  return tasks;
}

}  // namespace proctor::grader::task
