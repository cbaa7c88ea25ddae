// Specification of grader/importers/codecontests: deepmind/code_contests rows become stdio
// tasks (tests as files, by origin), PYTHON3 and CPP solutions become reference and wrong
// solutions, limits {seconds, nanos} and bytes are kept; rows lacking fields import what is
// there with a note saying what was missing.
#include "grader/importers/codecontests.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <variant>

#include "grader/task/pack_loader.h"
#include "tests/importers/contest_end_to_end.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class CodeContestsTest : public TempDirTest {
 protected:
  bool Import(const std::string& path, std::string* error) {
    report_ = {};
    ImportRequest request;
    request.input = path;
    request.out_dir = Out();
    request.progress = false;
    return RunCodeContests(request, &report_, error);
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
  ImportReport report_;
};

json Row(const std::string& name) {
  return {{"name", name},
          {"description", "D"},
          {"public_tests", {{"input", {"1\n"}}, {"output", {"1\n"}}}},
          {"private_tests", {{"input", json::array()}, {"output", json::array()}}},
          {"generated_tests", {{"input", json::array()}, {"output", json::array()}}},
          {"solutions", {{"language", {3}}, {"solution", {"print(input())\n"}}}},
          {"incorrect_solutions", {{"language", json::array()}, {"solution", json::array()}}},
          {"time_limit", {{"seconds", 1}, {"nanos", 500000000}}},
          {"memory_limit_bytes", 268435456},
          {"input_file", ""},
          {"output_file", ""}};
}

TEST_F(CodeContestsTest, ImportsTheFixture) {
  const std::string fixture = FixturePath("codecontests.jsonl");
  std::string error;
  ASSERT_TRUE(Import(fixture, &error)) << error;
  EXPECT_EQ(report_.records, 3);
  EXPECT_EQ(report_.tasks, 2);
  EXPECT_EQ(report_.skipped, 1);
  EXPECT_TRUE(HasNote(fixture +
                      ":1: 2 solutions not imported: Python 2, Java or unknown language (only "
                      "PYTHON3 and CPP are)"))
      << Notes();
  EXPECT_TRUE(HasNote(fixture + ":2: missing solutions, incorrect_solutions, time_limit, "
                                "memory_limit_bytes (default limits used)"))
      << Notes();
  EXPECT_TRUE(HasNote(fixture +
                      ":3: skipped: no tests (public_tests, private_tests, generated_tests "
                      "empty)"))
      << Notes();

  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  ASSERT_EQ(pack->tasks.size(), 2u);
  const task::Task& sum = pack->tasks[0];
  EXPECT_EQ(sum.id, "1000_A._Sum_of_Pairs");
  EXPECT_EQ(sum.source_id, "1000_A. Sum of Pairs");
  EXPECT_EQ(sum.source, "codecontests");
  ASSERT_EQ(sum.reference_solutions.size(), 2u);
  EXPECT_EQ(sum.reference_solutions[0].language, task::Language::kPython);
  EXPECT_EQ(sum.reference_solutions[1].language, task::Language::kCpp);
  ASSERT_EQ(sum.wrong_solutions.size(), 2u);
  ASSERT_EQ(sum.tests.size(), 15u);  // 1 public, 2 private, 12 generated
  EXPECT_EQ(sum.tests[0].name, "public-1");
  EXPECT_EQ(sum.tests[2].name, "private-2");
  EXPECT_EQ(sum.tests[14].name, "generated-12");
  EXPECT_TRUE(fs::exists(Out() + "/tasks/1000-a-sum-of-pairs/tests/generated-12.in"));
  EXPECT_EQ(sum.limits.cpu_seconds, 2.0);
  EXPECT_EQ(sum.limits.memory_mb, 245);  // 256000000 bytes, rounded up to MiB

  const task::Task& circle = pack->tasks[1];
  EXPECT_EQ(circle.id, "p00001_Circle_Area");
  EXPECT_TRUE(circle.reference_solutions.empty());
  EXPECT_TRUE(std::get<task::StdioTest>(circle.tests[0].body).use_checker);  // float checker
  EXPECT_TRUE(circle.checker.has_value());
}

TEST_F(CodeContestsTest, LanguageNamesAndFractionalLimits) {
  json row = Row("A");
  row["solutions"] = {{"language", {"PYTHON3", "JAVA"}}, {"solution", {"print(input())\n", "x"}}};
  std::string path = Write("in.jsonl", row.dump() + "\n");
  std::string error;
  ASSERT_TRUE(Import(path, &error)) << error;
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->tasks[0].reference_solutions.size(), 1u);
  EXPECT_EQ(pack->tasks[0].limits.cpu_seconds, 1.5);
  EXPECT_EQ(pack->tasks[0].limits.memory_mb, 256);
}

TEST_F(CodeContestsTest, TimeLimitFlattenedToSeconds) {
  json row = Row("A");
  row["time_limit"] = 2.5;
  std::string path = Write("in.jsonl", row.dump() + "\n");
  std::string error;
  ASSERT_TRUE(Import(path, &error)) << error;
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->tasks[0].limits.cpu_seconds, 2.5);
}

TEST_F(CodeContestsTest, MalformedFieldsSkipTheRecordNamingTheField) {
  json mismatched = Row("B");
  mismatched["private_tests"] = {{"input", {"1\n", "2\n"}}, {"output", {"1\n"}}};
  json bad_solutions = Row("C");
  bad_solutions["solutions"] = {{"language", {3, 2}}, {"solution", {"x"}}};
  json file_io = Row("D");
  file_io["input_file"] = "input.txt";
  json unnamed = Row("");
  std::string path =
      Write("in.jsonl", Row("A").dump() + "\n" + mismatched.dump() + "\n" + bad_solutions.dump() +
                            "\n" + file_io.dump() + "\n" + unnamed.dump() + "\n");
  std::string error;
  ASSERT_TRUE(Import(path, &error)) << error;
  EXPECT_EQ(report_.tasks, 1);
  EXPECT_TRUE(HasNote(path + ":2: skipped: field \"private_tests\" has 2 inputs but 1 outputs"))
      << Notes();
  EXPECT_TRUE(HasNote(path + ":3: skipped: field \"solutions\" is not {language: [...], solution: "
                             "[...]} of equal lengths"))
      << Notes();
  EXPECT_TRUE(HasNote(path + ":4: skipped: field \"input_file\" names a file: file I/O is not "
                             "supported"))
      << Notes();
  EXPECT_TRUE(HasNote(path + ":5: skipped: field \"name\" is missing or not a string")) << Notes();
}

TEST_F(CodeContestsTest, EndToEnd) { ExpectEndToEnd("codecontests", dir_); }

}  // namespace
}  // namespace proctor::grader::importers
