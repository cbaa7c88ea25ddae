// The bundled packs of tasks/: each loads without error, and tasks/basics covers every test
// kind, unit style, comparator, language and scoring mode of docs/task-format.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "grader/task/pack_loader.h"

namespace proctor::grader::task {
namespace {

namespace fs = std::filesystem;

const fs::path kTasks = PROCTOR_TASKS_DIR;

std::vector<fs::path> PackDirs() {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(kTasks))
    if (entry.is_directory()) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

Pack MustLoad(const std::string& name) {
  auto pack = LoadPack((kTasks / name).string());
  if (!pack) ADD_FAILURE() << pack.error().ToString();
  return pack ? *pack : Pack{};
}

TEST(PacksTest, EveryBundledPackLoads) {
  std::vector<fs::path> dirs = PackDirs();
  ASSERT_GE(dirs.size(), 2u);
  for (const fs::path& dir : dirs) {
    auto pack = LoadPack(dir.string());
    EXPECT_TRUE(pack.has_value()) << pack.error().ToString();
    if (!pack) continue;
    EXPECT_EQ(pack->name, dir.filename().string());
    for (const Task& task : pack->tasks) {
      EXPECT_FALSE(task.reference_solutions.empty()) << dir << " " << task.id;
      EXPECT_FALSE(task.wrong_solutions.empty()) << dir << " " << task.id;
    }
  }
}

TEST(PacksTest, Adversarial) {
  Pack pack = MustLoad("adversarial");
  ASSERT_EQ(pack.tasks.size(), 4u);
  const char* ids[] = {"T1", "T2", "T3", "T4"};
  for (int i = 0; i < 4; ++i) {
    const Task& task = pack.tasks[i];
    EXPECT_EQ(task.id, ids[i]);
    EXPECT_EQ(task.scoring.mode, ScoringMode::kAllOrNothing);
    EXPECT_EQ(task.limits.wall_seconds, 5);
    EXPECT_EQ(task.limits.cpu_seconds, 2);
    EXPECT_EQ(task.limits.memory_mb, 256);
    EXPECT_EQ(task.limits.max_processes, 32);
    EXPECT_EQ(task.limits.output_kb, 1024);
    EXPECT_EQ(task.limits.disk_kb, 16384);
    EXPECT_EQ(task.limits.disk_inodes, 1024);
    EXPECT_EQ(task.limits.open_files, 64);
    EXPECT_EQ(task.limits.compile_wall_seconds, 10);
    EXPECT_EQ(task.limits.compile_memory_mb, 512);
    ASSERT_EQ(task.languages.size(), 1u);
    EXPECT_EQ(task.languages[0], i == 3 ? Language::kCpp : Language::kPython);
  }
  auto count = [](const Task& task, Visibility v) {
    return std::count_if(task.tests.begin(), task.tests.end(),
                         [v](const task::Test& t) { return t.visibility == v; });
  };
  // T1: 2 visible + 8 hidden call tests; ints type-strict, floats within tolerance.
  EXPECT_EQ(count(pack.tasks[0], Visibility::kPublic), 2);
  EXPECT_EQ(count(pack.tasks[0], Visibility::kHidden), 8);
  int float_tests = 0;
  for (const task::Test& test : pack.tasks[0].tests) {
    const auto& call = std::get<CallTest>(test.body);
    bool is_float = call.expected->kind() == ValueKind::kFloat;
    EXPECT_EQ(call.compare.float_tolerance.has_value(), is_float) << test.name;
    if (is_float) {
      ++float_tests;
      EXPECT_EQ(call.compare.float_tolerance->rel_tol, 1e-9);
      EXPECT_EQ(call.compare.float_tolerance->abs_tol, 1e-12);
    }
  }
  EXPECT_EQ(float_tests, 3);
  // T2 and T4: the same 1 + 5 stdio tests, compared as tokens.
  for (int i : {1, 3}) {
    EXPECT_EQ(count(pack.tasks[i], Visibility::kPublic), 1);
    EXPECT_EQ(count(pack.tasks[i], Visibility::kHidden), 5);
    for (const task::Test& test : pack.tasks[i].tests)
      EXPECT_EQ(std::get<StdioTest>(test.body).compare.mode, compare::TextMode::kTokens);
  }
  // T3: the hidden pytest file with its 6 tests.
  bool has_pytest = false;
  for (const task::Test& test : pack.tasks[2].tests) {
    const auto& unit = std::get<UnitTest>(test.body);
    if (unit.style == UnitStyle::kPytest && test.visibility == Visibility::kHidden) {
      has_pytest = true;
      EXPECT_EQ(unit.expected_tests, 6);
    }
  }
  EXPECT_TRUE(has_pytest);
}

TEST(PacksTest, BasicsCoversTheFormat) {
  Pack pack = MustLoad("basics");
  EXPECT_GE(pack.tasks.size(), 20u);
  std::set<std::string> seen;
  for (const Task& task : pack.tasks) {
    seen.insert("scoring:" + std::string(ScoringModeName(task.scoring.mode)));
    for (Language l : task.languages) seen.insert("language:" + std::string(LanguageName(l)));
    if (task.languages.size() == 2) {
      std::set<Language> refs;
      for (const Solution& s : task.reference_solutions) refs.insert(s.language);
      if (refs.size() == 2) seen.insert("stdio in both languages");
    }
    for (const task::Test& test : task.tests) {
      seen.insert("visibility:" + std::string(VisibilityName(test.visibility)));
      if (test.weight != 1.0) seen.insert("weight");
      if (const auto* call = std::get_if<CallTest>(&test.body)) {
        if (call->compare.unordered) {
          seen.insert("call:unordered");
        } else if (call->compare.float_tolerance) {
          seen.insert("call:float");
        } else {
          seen.insert("call:type_strict");
        }
        if (!call->raises.empty()) seen.insert("call:raises");
      } else if (const auto* stdio = std::get_if<StdioTest>(&test.body)) {
        if (stdio->use_checker) {
          seen.insert("stdio:checker");
        } else {
          seen.insert("stdio:" + std::string(compare::TextModeName(stdio->compare.mode)));
          if (stdio->compare.mode == compare::TextMode::kFloat) {
            if (stdio->compare.tolerance.abs_tol > 0) seen.insert("stdio:float abs_tol");
            if (stdio->compare.tolerance.rel_tol > 0) seen.insert("stdio:float rel_tol");
          }
        }
      } else {
        seen.insert("unit:" + std::string(UnitStyleName(std::get<UnitTest>(test.body).style)));
      }
    }
  }
  for (const char* want : {"scoring:fraction",
                           "scoring:all_or_nothing",
                           "scoring:weighted",
                           "language:python",
                           "language:cpp",
                           "stdio in both languages",
                           "visibility:public",
                           "visibility:hidden",
                           "weight",
                           "call:type_strict",
                           "call:unordered",
                           "call:float",
                           "call:raises",
                           "stdio:exact",
                           "stdio:whitespace",
                           "stdio:tokens",
                           "stdio:float",
                           "stdio:float abs_tol",
                           "stdio:float rel_tol",
                           "stdio:unordered_lines",
                           "stdio:checker",
                           "unit:humaneval",
                           "unit:pytest",
                           "unit:asserts",
                           "unit:cpp_asserts"}) {
    EXPECT_TRUE(seen.count(want)) << "no task of tasks/basics uses " << want;
  }
}

// tasks/values: results and arguments of every richer kind of docs/wire-format.md, and
// objects of the solution used through handles (a humaneval check) and stdlib values in a
// pytest harness.
TEST(PacksTest, ValuesCoversTheRicherKinds) {
  Pack pack = MustLoad("values");
  std::set<std::string> seen;
  std::function<void(const Value&)> visit = [&](const Value& v) {
    seen.insert(std::string(KindName(v.kind())));
    if (v.has_items()) {
      for (const Value& item : v.items()) visit(item);
    } else if (v.has_entries()) {
      for (const auto& [key, value] : v.entries()) {
        visit(key);
        visit(value);
      }
    }
  };
  for (const Task& task : pack.tasks) {
    for (const task::Test& test : task.tests) {
      if (const auto* call = std::get_if<CallTest>(&test.body)) {
        for (const Value& a : call->args) {
          if (a.kind() == ValueKind::kType) seen.insert("type as an argument");
          visit(a);
        }
        if (call->expected) visit(*call->expected);
      } else if (const auto* unit = std::get_if<UnitTest>(&test.body)) {
        seen.insert("unit:" + std::string(UnitStyleName(unit->style)));
      }
    }
  }
  for (const char* want : {"counter", "defaultdict", "deque", "namedtuple", "dataclass",
                           "complex", "fraction", "decimal", "frozenset", "type",
                           "type as an argument",
                           "unit:humaneval", "unit:pytest"}) {
    EXPECT_TRUE(seen.count(want)) << "no task of tasks/values uses " << want;
  }
}

}  // namespace
}  // namespace proctor::grader::task
