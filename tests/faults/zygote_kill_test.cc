// The fork server (proctor-zygote) or a warm slot's holder (proctor-slot) killed with SIGKILL
// while a batch is being graded through `proctor serve`: the runs it had are Proctor's failure
// (sandbox_error, graded as infra_error), the grading of their submissions is retried, a
// submission that cannot be graded is "ungradeable" (reward null) and never 0, the next runs
// start a new fork server, and the server goes on serving.
#include <atomic>

#include <gtest/gtest.h>

#include "tests/faults/fault_server.h"

namespace proctor::testing::faults {
namespace {

std::vector<std::string> SlowBatch(int n, double seconds, int salt) {
  std::vector<std::string> codes;
  for (int i = 0; i < n; ++i) codes.push_back(SlowSumPy(seconds, salt * 100 + i));
  return codes;
}

TEST(ZygoteKilledMidBatch, ItsRunsAreRetriedOnANewZygoteAndTheNextBatchIsServedByIt) {
  FaultServer server({});
  ASSERT_GT(server.port(), 0);
  LineClient client(server.port());
  client.Send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "grade"},
               {"params", GradeParams("T2", SlowBatch(6, 0.3, 1))}});
  // Mid-batch: runs of this server are alive in the sandbox.
  ASSERT_TRUE(WaitFor([&] { return !RunProcesses(server.pid()).empty(); }))
      << "no run started";
  const std::vector<pid_t> zygotes = server.Zygotes();
  ASSERT_EQ(zygotes.size(), 1u);
  const std::vector<pid_t> killed_runs = RunProcesses(server.pid());
  ASSERT_EQ(::kill(zygotes[0], SIGKILL), 0);

  const json response = client.Read(120000);
  // The runs that died with it could not have passed: every 1.0 below is a retried grading.
  EXPECT_EQ(NeverAWrongReward(response, 1.0), "") << response.dump();
  EXPECT_EQ(Rewards(response).size(), 6u);
  EXPECT_TRUE(WaitFor([&] {
    for (pid_t p : killed_runs)
      if (Alive(p)) return false;
    return true;
  })) << "a run of the killed zygote survived it";

  // A new fork server serves the next batch, in full.
  const json next = client.Call("grade", GradeParams("T2", SlowBatch(4, 0.0, 2)), 2);
  EXPECT_TRUE(AllEqual(Rewards(next), 1.0)) << next.dump();
  const std::vector<pid_t> now = server.Zygotes();
  ASSERT_EQ(now.size(), 1u);
  EXPECT_NE(now[0], zygotes[0]);
  // The dead one's warm slots are swept by its successor.
  EXPECT_TRUE(WaitFor([&] { return CgroupsOf(0, zygotes).empty(); }))
      << ::testing::PrintToString(CgroupsOf(0, zygotes));
}

// Killed again and again, on every attempt: the submissions end ungradeable, with a reason,
// never with a reward; once the killing stops, the same server grades them right.
TEST(ZygoteKilledOnEveryAttempt, ItsSubmissionsAreUngradeableNeverZeroAndTheServerRecovers) {
  FaultServer server({});
  ASSERT_GT(server.port(), 0);
  std::atomic<bool> stop{false};
  std::atomic<int> kills{0};
  std::thread killer([&] {
    // Any fork server of this server that has runs in flight dies.
    while (!stop) {
      if (!RunProcesses(server.pid()).empty())
        for (pid_t z : server.Zygotes())
          if (::kill(z, SIGKILL) == 0) ++kills;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  LineClient client(server.port());
  const json response = client.Call("grade", GradeParams("T2", SlowBatch(2, 1.0, 3)), 1);
  stop = true;
  killer.join();
  EXPECT_GE(kills.load(), 2) << "the zygote was not killed on both attempts";
  EXPECT_EQ(NeverAWrongReward(response, 1.0), "") << response.dump();
  EXPECT_GE(CountUngradeable(response), 1) << response.dump();
  for (const json& r : response["result"]["results"]) {
    if (r["reward"].is_null()) {
      EXPECT_NE(r["ungradeable_reason"].get<std::string>().find("zygote"), std::string::npos)
          << r["ungradeable_reason"];
    }
  }
  EXPECT_EQ(response["result"]["group"]["ungradeable"], CountUngradeable(response));

  const json again = client.Call("grade", GradeParams("T2", SlowBatch(2, 0.0, 4)), 2);
  EXPECT_TRUE(AllEqual(Rewards(again), 1.0)) << again.dump();
}

// A warm slot's holder (the process whose namespaces and cgroups a run borrows) killed while
// its run is in flight: that run fails as Proctor's, its submission is graded again, the fork
// server itself lives on and keeps serving from other (and rebuilt) slots.
TEST(WarmSlotHolderKilledMidBatch, ItsRunIsRetriedAndTheZygoteServesOn) {
  FaultServer server({});
  ASSERT_GT(server.port(), 0);
  LineClient client(server.port());
  const std::vector<pid_t> zygotes = server.Zygotes();
  ASSERT_EQ(zygotes.size(), 1u);
  client.Send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "grade"},
               {"params", GradeParams("T2", SlowBatch(6, 0.3, 5))}});
  // A busy holder: a proctor-slot child of our zygote with a run (its init) under it.
  std::set<pid_t> killed;
  const bool found = WaitFor([&] {
    for (pid_t holder : ChildrenNamed(zygotes[0], "proctor-slot"))
      if (!killed.count(holder) && !Descendants(holder).empty() && ::kill(holder, SIGKILL) == 0)
        killed.insert(holder);
    return killed.size() >= 2;
  });
  ASSERT_TRUE(found) << "no busy warm slot seen (killed " << killed.size() << ")";
  const json response = client.Read(120000);
  EXPECT_EQ(NeverAWrongReward(response, 1.0), "") << response.dump();
  EXPECT_EQ(Rewards(response).size(), 6u);
  EXPECT_EQ(server.Zygotes(), zygotes) << "the fork server itself should survive a holder";
  const json next = client.Call("grade", GradeParams("T2", SlowBatch(6, 0.0, 6)), 2);
  EXPECT_TRUE(AllEqual(Rewards(next), 1.0)) << next.dump();
  EXPECT_TRUE(WaitFor([&] {
    for (pid_t h : killed)
      if (Alive(h)) return false;
    return true;
  }));
}

}  // namespace
}  // namespace proctor::testing::faults
