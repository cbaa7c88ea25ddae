// Specification of grader/importers/codeforces: open-r1/codeforces rows become stdio tasks
// from their official tests, with the generated checker wrapped as the task's checker;
// interactive and file-I/O problems are refused with a note saying so.
#include "grader/importers/codeforces.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <variant>

#include "grader/task/pack_loader.h"
#include "tests/importers/contest_end_to_end.h"
#include "tests/importers/temp_dir.h"
#include "tests/support/host_check.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

class CodeforcesTest : public TempDirTest {
 protected:
  bool Import(const std::string& path, double time_scale, std::string* error) {
    report_ = {};
    ImportRequest request;
    request.input = path;
    request.out_dir = Out();
    request.time_scale = time_scale;
    request.progress = false;
    return RunCodeforces(request, &report_, error);
  }
  bool HasNote(const std::string& note) const {
    for (const std::string& n : report_.notes)
      if (n == note) return true;
    return false;
  }
  std::string Notes() const {
    std::string out;
    for (const std::string& n : report_.notes) out += n + "\n";
    return out;
  }
  // Runs the wrapped checker on the host's python3 with the three files.
  int RunChecker(const std::string& checker, const std::string& output) {
    Write("checker.py", CodeforcesCheckerWrapper(checker));
    Write("input.txt", "5\n");
    Write("expected.txt", "2 3\n");
    Write("output.txt", output);
    return testing::RunCommand({"/usr/bin/python3", "-I", "-S", "-B", dir_ + "/checker.py",
                                dir_ + "/input.txt", dir_ + "/expected.txt", dir_ + "/output.txt"})
        .exit_code;
  }
  ImportReport report_;
};

TEST_F(CodeforcesTest, ImportsTheFixture) {
  const std::string fixture = FixturePath("codeforces.jsonl");
  std::string error;
  ASSERT_TRUE(Import(fixture, 1.5, &error)) << error;
  EXPECT_EQ(report_.records, 4);
  EXPECT_EQ(report_.tasks, 2);
  EXPECT_EQ(report_.skipped, 2);
  EXPECT_TRUE(HasNote(fixture +
                      ":3: skipped: field \"interaction_format\" is set: interactive problems "
                      "are not supported"))
      << Notes();
  EXPECT_TRUE(HasNote(fixture + ":4: skipped: field \"input_mode\" is \"file\": only stdio is "
                                "supported"))
      << Notes();
  EXPECT_TRUE(HasNote(fixture + ":2: official_tests_complete is false: only the tests upstream "
                                "has"))
      << Notes();

  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  ASSERT_EQ(pack->tasks.size(), 2u);
  // File-name order: 1899-a before 4-a.
  const task::Task& split = pack->tasks[0];
  EXPECT_EQ(split.id, "1899/A");
  ASSERT_TRUE(split.checker.has_value());
  EXPECT_NE(split.checker->code.text.find("CHECKER = \"import sys"), std::string::npos);
  for (const task::Test& test : split.tests)
    EXPECT_TRUE(std::get<task::StdioTest>(test.body).use_checker) << test.name;
  EXPECT_EQ(split.limits.cpu_seconds, 3.0);  // 2 s x 1.5

  const task::Task& watermelon = pack->tasks[1];
  EXPECT_EQ(watermelon.id, "4/A");
  EXPECT_EQ(watermelon.title, "Watermelon");
  EXPECT_FALSE(watermelon.checker.has_value());
  ASSERT_EQ(watermelon.tests.size(), 4u);
  EXPECT_EQ(watermelon.tests[0].name, "official-1");
  EXPECT_EQ(watermelon.limits.memory_mb, 64);
  EXPECT_NE(watermelon.prompt.find("## Example 1\n\nInput:\n\n```\n8\n```"), std::string::npos)
      << watermelon.prompt;
  EXPECT_NE(watermelon.prompt.find("## Note\n\nFor example, 2 and 6."), std::string::npos);
}

TEST_F(CodeforcesTest, TheCheckerWrapperAcceptsOnlyAPrintedOne) {
  const std::string sum_checker =
      "import sys\n"
      "n = int(open(sys.argv[1]).read())\n"
      "a, b = map(int, open(sys.argv[3]).read().split())\n"
      "print(1 if a + b == n and a > 0 and b > 0 else 0)\n";
  EXPECT_EQ(RunChecker(sum_checker, "1 4\n"), 0);
  EXPECT_EQ(RunChecker(sum_checker, "2 3"), 0);
  EXPECT_EQ(RunChecker(sum_checker, "5 0\n"), 1);
  EXPECT_EQ(RunChecker(sum_checker, "garbage\n"), 1);  // the checker raises: rejected
  EXPECT_EQ(RunChecker("print(1)\nimport sys\nsys.exit(3)\n", ""), 1);
  EXPECT_EQ(RunChecker("print('1.0')\n", ""), 1);
  EXPECT_EQ(RunChecker("print(' 1 ')\nimport sys\nsys.exit(0)\n", ""), 0);
  EXPECT_EQ(RunChecker("print('1'); print('1')\n", ""), 1);
  // exit() works as under a plain `python checker.py` (the sandbox runs Python without site).
  EXPECT_EQ(RunChecker("print(1)\nexit(0)\n", ""), 0);
  EXPECT_EQ(RunChecker("print(0)\nexit()\n", ""), 1);
}

TEST_F(CodeforcesTest, RecordsWithoutTestsOrMarkedNotExecutableAreSkipped) {
  json base = {{"id", "1/A"},
               {"title", "T"},
               {"description", "D"},
               {"time_limit", nullptr},
               {"memory_limit", nullptr},
               {"input_mode", "stdio"},
               {"interaction_format", nullptr},
               {"official_tests", {{{"input", "1\n"}, {"output", "1\n"}}}},
               {"generated_checker", nullptr}};
  json empty = base;
  empty["id"] = "1/B";
  empty["official_tests"] = json::array();
  json not_executable = base;
  not_executable["id"] = "1/C";
  not_executable["executable"] = false;
  json with_generated = base;
  with_generated["id"] = "1/E";
  with_generated["generated_tests"] = {{{"input", "2\n"}, {"output", "2\n"}}};
  json bad_test = base;
  bad_test["id"] = "1/D";
  bad_test["official_tests"] = {{{"input", 1}}};
  std::string path =
      Write("in.jsonl", base.dump() + "\n" + empty.dump() + "\n" + not_executable.dump() + "\n" +
                            bad_test.dump() + "\n" + with_generated.dump() + "\n");
  std::string error;
  ASSERT_TRUE(Import(path, 1.0, &error)) << error;
  EXPECT_EQ(report_.tasks, 2);
  EXPECT_TRUE(HasNote(path + ":1: no time_limit, default used")) << Notes();
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  ASSERT_EQ(pack->tasks.size(), 2u);
  ASSERT_EQ(pack->tasks[1].tests.size(), 2u);  // 1/E: official-1 and generated-1
  EXPECT_EQ(pack->tasks[1].tests[1].name, "generated-1");
  EXPECT_TRUE(HasNote(path + ":1: no memory_limit, default used")) << Notes();
  EXPECT_TRUE(HasNote(path + ":2: skipped: field \"official_tests\" is empty: no tests"))
      << Notes();
  EXPECT_TRUE(HasNote(path +
                      ":3: skipped: field \"executable\" is false: upstream marks the problem "
                      "as not runnable"))
      << Notes();
  EXPECT_TRUE(HasNote(path + ":4: skipped: field \"official_tests\" item 0 is not {input: string, "
                             "output: string}"))
      << Notes();
}

TEST_F(CodeforcesTest, TheCliScalesPublishedLimits) {
  auto import = testing::RunCommand({PROCTOR_BINARY, "pack", "import", "codeforces",
                                     FixturePath("codeforces.jsonl"), "--out", Out(),
                                     "--time-scale", "2.5", "--name", "cf-scaled"});
  ASSERT_EQ(import.exit_code, 0) << import.err;
  // The notes are printed, each naming its line.
  EXPECT_NE((import.out + import.err).find(":3: skipped: field \"interaction_format\" is set"),
            std::string::npos)
      << import.out << import.err;
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->name, "cf-scaled");
  EXPECT_EQ(pack->tasks[0].limits.cpu_seconds, 5.0);   // 1899/A: 2 s x 2.5
  EXPECT_EQ(pack->tasks[1].limits.cpu_seconds, 2.5);   // 4/A: 1 s x 2.5
  EXPECT_EQ(pack->tasks[1].limits.wall_seconds, 7.0);  // 2 x cpu + 2
}

TEST_F(CodeforcesTest, EndToEnd) { ExpectEndToEnd("codeforces", dir_); }

}  // namespace
}  // namespace proctor::grader::importers
