// The wall clock (CLOCK_REALTIME) jumping by hours, forwards and backwards, while the server
// grades: limits, deadlines and timers use the monotonic clock, so no verdict changes.
//
// What this covers: the server process, under libfaketime (LD_PRELOAD, the wall clock read
// from a file the test rewrites during the gradings; the monotonic clock left alone, as the
// kernel leaves it when an administrator or NTP steps the time): its scheduler, request
// deadlines (deadline_ms), idle timers and the supervisor's backstop timer of every run. The
// fork server, keepers and runs start with an environment of Proctor's own (no LD_PRELOAD),
// so their clocks are not faked; what decides a run's wall limit there is the keeper's and
// the zygote's CLOCK_MONOTONIC (sandbox/keeper/run_end.cc, docs/sandbox.md "Timeouts").
#include <atomic>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/faults/fault_server.h"

namespace proctor::testing::faults {
namespace {

const char* kFaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

void WriteOffset(const std::string& path, const std::string& offset) {
  const std::string tmp = path + ".new";
  std::ofstream(tmp) << offset << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

TEST(WallClockJumpsDuringGradings, NoVerdictChanges) {
  if (::access(kFaketime, R_OK) != 0) GTEST_SKIP() << "libfaketime missing (scripts/setup.sh)";
  TempDir dir;
  const std::string offset = dir.path() + "/offset";
  WriteOffset(offset, "+0");
  ServerOptions options;
  options.env = {{"LD_PRELOAD", kFaketime},
                 {"FAKETIME_TIMESTAMP_FILE", offset},
                 {"FAKETIME_NO_CACHE", "1"},
                 {"FAKETIME_DONT_FAKE_MONOTONIC", "1"}};
  FaultServer server(options);
  ASSERT_GT(server.port(), 0);
  ASSERT_NE(ReadFileOrEmpty("/proc/" + std::to_string(server.pid()) + "/maps").find("libfaketime"),
            std::string::npos)
      << "the server did not load libfaketime";

  // The wall clock goes back and forth by hours and days until the gradings are done.
  std::atomic<bool> stop{false};
  std::atomic<int> jumps{0};
  std::thread jumper([&] {
    const std::vector<std::string> offsets = {"+10h", "-10h", "+3d", "-3d", "+0", "-1y"};
    for (size_t i = 0; !stop; ++i) {
      WriteOffset(offset, offsets[i % offsets.size()]);
      ++jumps;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the fault's own pace
    }
  });

  LineClient client(server.port());
  // An honest program that takes a while: passes every test, none near a time limit.
  json honest_params = GradeParams("T2", {SlowSumPy(1.0, 1), SlowSumPy(0.5, 2)});
  honest_params["deadline_ms"] = 120000;
  client.Send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "grade"}, {"params", honest_params}});
  // A sleeper still times out at its 5 s wall limit, not hours early or late.
  client.Send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "grade"},
               {"params", GradeParams("T2", {"import time\ntime.sleep(600)\n"})}});
  // A CPU burner still stops at its 2 s CPU limit (or its wall limit on a busy machine).
  client.Send({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "grade"},
               {"params", GradeParams("T2", {"while True:\n    pass\n"})}});
  std::map<int, json> answers;
  while (answers.size() < 3) {
    const json m = client.Read(300000);
    if (m.is_null()) break;
    if (m.contains("id")) answers[m["id"].get<int>()] = m;
  }
  stop = true;
  jumper.join();
  EXPECT_GE(jumps.load(), 10);
  ASSERT_EQ(answers.size(), 3u);

  EXPECT_TRUE(AllEqual(Rewards(answers[1]), 1.0)) << answers[1].dump();
  for (const json& r : answers[1]["result"]["results"])
    for (const json& t : r["tests"]) EXPECT_EQ(t["verdict"], "passed") << t.dump();

  for (int id : {2, 3}) {
    const json& a = answers[id];
    ASSERT_TRUE(a.contains("result")) << a.dump();
    const json& r = a["result"]["results"][0];
    EXPECT_EQ(r["reward"], 0.0) << r.dump();
    int limited = 0;
    for (const json& t : r["tests"]) {
      if (t["verdict"] == "skipped") continue;
      EXPECT_EQ(t["verdict"], "time_limit") << t.dump();
      limited += t["verdict"] == "time_limit" ? 1 : 0;
      // Stopped by the limit it reached, never early, never hours late: the 5 s wall limit
      // (on the monotonic clock) or the 2 s CPU limit (the burner, when the machine gave it
      // the CPU before its wall time ran out).
      if (id == 2) {
        EXPECT_EQ(t.value("limit", ""), "wall") << t.dump();
      }
      if (t.value("limit", "") == "cpu") {
        EXPECT_GE(t.value("cpu_seconds", 0.0), 1.5) << t.dump();
      } else {
        EXPECT_GE(t.value("wall_seconds", 0.0), 4.5) << t.dump();
      }
      EXPECT_LT(t.value("wall_seconds", 0.0), 20.0) << t.dump();
    }
    EXPECT_GE(limited, 1) << r.dump();
  }
  // The server's own timers: an idle session and the health check still work.
  EXPECT_EQ(client.Call("health", json::object(), 4)["result"]["status"], "ok");
}

}  // namespace
}  // namespace proctor::testing::faults
