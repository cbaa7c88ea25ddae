// Specification of grader/importers/taco: TACO rows (BAAI/TACO layout: APPS' fields plus
// name, time_limit and memory_limit as text) become tasks whose published limits are kept,
// scaled by --time-scale; missing or unreadable limits get the defaults and a note.
#include "grader/importers/taco.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <variant>

#include "grader/importers/contest_pack.h"
#include "grader/task/pack_loader.h"
#include "tests/importers/contest_end_to_end.h"
#include "tests/importers/temp_dir.h"

namespace proctor::grader::importers {
namespace {

using nlohmann::json;

class TacoTest : public TempDirTest {
 protected:
  bool Import(const std::string& path, double time_scale, std::string* error) {
    report_ = {};
    ImportRequest request;
    request.input = path;
    request.out_dir = Out();
    request.time_scale = time_scale;
    request.progress = false;
    return RunTaco(request, &report_, error);
  }
  std::string Notes() const {
    std::string out;
    for (const std::string& n : report_.notes) out += n + "\n";
    return out;
  }
  ImportReport report_;
};

TEST(TacoLimits, PublishedTextIsParsed) {
  EXPECT_EQ(ParseTacoSeconds("1 second"), 1.0);
  EXPECT_EQ(ParseTacoSeconds("2 seconds"), 2.0);
  EXPECT_EQ(ParseTacoSeconds(" 0.5 seconds "), 0.5);
  EXPECT_EQ(ParseTacoSeconds("1500 ms"), 1.5);
  EXPECT_EQ(ParseTacoSeconds("3"), 3.0);
  EXPECT_EQ(ParseTacoSeconds("fast"), std::nullopt);
  EXPECT_EQ(ParseTacoSeconds("2 hours"), std::nullopt);
  EXPECT_EQ(ParseTacoSeconds("0 seconds"), std::nullopt);
  EXPECT_EQ(ParseTacoMegabytes("256 megabytes"), 256.0);
  EXPECT_EQ(ParseTacoMegabytes("64 MB"), 64.0);
  EXPECT_EQ(ParseTacoMegabytes("1 gigabyte"), 1024.0);
  EXPECT_EQ(ParseTacoMegabytes("262144 kilobytes"), 256.0);
  EXPECT_EQ(ParseTacoMegabytes("lots"), std::nullopt);
}

TEST_F(TacoTest, ImportsTheFixtureWithScaledLimits) {
  const std::string fixture = FixturePath("taco.jsonl");
  std::string error;
  ASSERT_TRUE(Import(fixture, 2.5, &error)) << error;
  EXPECT_EQ(report_.tasks, 3);
  EXPECT_NE(Notes().find(fixture + ":2: no time_limit, default used\n"), std::string::npos)
      << Notes();
  EXPECT_NE(Notes().find(fixture + ":2: no memory_limit, default used\n"), std::string::npos);
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  ASSERT_EQ(pack->tasks.size(), 3u);

  const task::Task& multiply = pack->tasks[0];
  EXPECT_EQ(multiply.id, "taco/0");  // TACO rows have no id: the row number
  EXPECT_EQ(multiply.title, "Multiply Pairs");
  EXPECT_EQ(multiply.limits.cpu_seconds, 2.5);  // "1 seconds" x 2.5
  EXPECT_EQ(multiply.limits.wall_seconds, 7.0);
  EXPECT_EQ(multiply.limits.memory_mb, 256);

  // No published limit: the pack default, not scaled (`pack check --calibrate` may set one).
  const task::Task& factorial = pack->tasks[1];
  EXPECT_EQ(factorial.limits.memory_mb, kDefaultMemoryMb);
  EXPECT_EQ(factorial.limits.cpu_seconds, kDefaultCpuSeconds);
  // 25! survives the JSON string exactly, as an int.
  const auto& big = std::get<task::CallTest>(factorial.tests[2].body);
  EXPECT_EQ(Repr(*big.expected), "[15511210043330985984000000]");
  EXPECT_EQ(big.expected->items()[0].kind(), ValueKind::kInt);

  // input_output given as an object instead of a JSON string imports the same way.
  const task::Task& reverse = pack->tasks[2];
  EXPECT_EQ(std::get<task::StdioTest>(reverse.tests[1].body).stdin_data, "racecar\n");
  EXPECT_EQ(reverse.limits.cpu_seconds, 1.25);  // "0.5 seconds" x 2.5
  EXPECT_EQ(reverse.limits.memory_mb, 64);
}

TEST_F(TacoTest, UnreadableLimitsGetTheDefaultAndANote) {
  json row = {{"question", "Q"},
              {"solutions", "[]"},
              {"starter_code", ""},
              {"input_output", json{{"inputs", {"1\n"}}, {"outputs", {"1\n"}}}.dump()},
              {"name", "x"},
              {"time_limit", "about a second"},
              {"memory_limit", "256 parsecs"}};
  std::string path = Write("in.jsonl", row.dump() + "\n");
  std::string error;
  ASSERT_TRUE(Import(path, 1.0, &error)) << error;
  EXPECT_NE(Notes().find(path + ":1: time_limit \"about a second\" is not a time: default used"),
            std::string::npos)
      << Notes();
  EXPECT_NE(Notes().find(path + ":1: memory_limit \"256 parsecs\" is not a size: default used"),
            std::string::npos)
      << Notes();
  EXPECT_NE(Notes().find(path + ":1: no solutions: task imported without a reference"),
            std::string::npos)
      << Notes();
}

TEST_F(TacoTest, APublishedLimitCoversEveryCallTestOfTheSession) {
  json io = {{"fn_name", "f"}, {"inputs", {{1}, {2}, {3}}}, {"outputs", {1, 2, 3}}};
  json row = {{"question", "Q"},
              {"solutions", "[\"def f(x):\\n    return x\\n\"]"},
              {"starter_code", ""},
              {"input_output", io.dump()},
              {"name", "x"},
              {"time_limit", "2 seconds"},
              {"memory_limit", "128 MB"}};
  json many = row;
  many["input_output"] =
      json{{"fn_name", "f"}, {"inputs", json::array()}, {"outputs", json::array()}}.dump();
  for (int i = 0; i < 40; ++i) {
    json io_many = json::parse(many["input_output"].get<std::string>());
    io_many["inputs"].push_back({i});
    io_many["outputs"].push_back(i);
    many["input_output"] = io_many.dump();
  }
  std::string path = Write("in.jsonl", row.dump() + "\n" + many.dump() + "\n");
  std::string error;
  ASSERT_TRUE(Import(path, 1.0, &error)) << error;
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->tasks[0].limits.cpu_seconds, 6.0);   // 3 tests x 2 s, in one session
  EXPECT_EQ(pack->tasks[1].limits.cpu_seconds, 30.0);  // 40 x 2 s, capped
  EXPECT_EQ(pack->tasks[0].limits.memory_mb, 128);
}

TEST_F(TacoTest, EndToEnd) { ExpectEndToEnd("taco", dir_); }

// `pack import --calibrate`: a task without a published limit gets one measured from its
// references; published limits stay as the import scaled them (never scaled twice).
TEST_F(TacoTest, ImportWithCalibrateSetsOnlyTheMissingLimits) {
  auto import = testing::RunCommand({PROCTOR_BINARY, "pack", "import", "taco",
                                     FixturePath("taco.jsonl"), "--out", Out(), "--time-scale",
                                     "2.5", "--calibrate"});
  ASSERT_EQ(import.exit_code, 0) << import.out << import.err;
  EXPECT_NE(import.out.find("calibrate: 3 task(s) measured, 1 changed"), std::string::npos)
      << import.out;
  auto pack = task::LoadPack(Out());
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  EXPECT_EQ(pack->tasks[0].limits.cpu_seconds, 2.5);  // "1 seconds" x 2.5, once
  EXPECT_EQ(pack->tasks[0].limits.wall_seconds, 7.0);
  EXPECT_EQ(pack->tasks[1].limits.cpu_seconds, 1.0);  // measured: the floor, max(1 s, 3 x ~0)
  EXPECT_EQ(pack->tasks[1].limits.wall_seconds, 3.0);
  EXPECT_EQ(pack->tasks[2].limits.cpu_seconds, 1.25);  // "0.5 seconds" x 2.5, once
}

}  // namespace
}  // namespace proctor::grader::importers
