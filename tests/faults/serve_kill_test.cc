// `proctor serve` itself killed with SIGKILL mid-batch (no destructor, no drain): nothing of
// its runs stays behind (processes, cgroups, mounts, temporary files), and a server started
// again at once serves.
#include <gtest/gtest.h>

#include "tests/faults/fault_server.h"

namespace proctor::testing::faults {
namespace {

bool HasBuildDir(const std::string& dir) {
  for (const std::string& p : ListDir(dir))
    if (p.find("/proctor-build-") != std::string::npos) return true;
  return false;
}

TEST(ServeKilledMidBatch, LeavesNoProcessCgroupMountOrTempFileAndARestartedServerServesAtOnce) {
  TempDir tmp;  // the server's TMPDIR: C++ build directories live there
  TempDir cache;
  ASSERT_FALSE(tmp.path().empty());
  const std::set<std::string> mounts_before = MountPoints();
  ServerOptions options;
  options.env = {{"TMPDIR", tmp.path()}, {"PROCTOR_COMPILE_CACHE", cache.path()}};
  FaultServer server(options);
  ASSERT_GT(server.port(), 0);
  const pid_t dead = server.pid();

  // A Python batch and a C++ batch in flight at once.
  LineClient py(server.port()), cpp(server.port());
  std::vector<std::string> py_codes, cpp_codes;
  for (int i = 0; i < 4; ++i) py_codes.push_back(SlowSumPy(2.0, i));
  for (int i = 0; i < 2; ++i) cpp_codes.push_back(SlowSumCpp(1500000, i));
  py.Send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "grade"},
           {"params", GradeParams("T2", py_codes)}});
  cpp.Send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "grade"},
            {"params", GradeParams("T4", cpp_codes)}});
  ASSERT_TRUE(WaitFor([&] { return HasBuildDir(tmp.path()) && !RunProcesses(dead).empty(); },
                      std::chrono::seconds(60)))
      << "the batches never got going";
  const std::vector<pid_t> zygotes = server.Zygotes();
  const std::vector<ProcInfo> tree = Descendants(dead);
  ASSERT_FALSE(tree.empty());
  server.Kill();

  // Every process it had (fork server, slots, runs, compilers) dies with it, and the fork
  // server removes the cgroups on its way out (its control socket closed).
  EXPECT_TRUE(WaitFor([&] {
    for (const ProcInfo& p : tree)
      if (Alive(p.pid)) return false;
    return true;
  })) << "a process of the killed server lives on";
  EXPECT_TRUE(WaitFor([&] { return CgroupsOf(dead, zygotes).empty(); }))
      << ::testing::PrintToString(CgroupsOf(dead, zygotes));
  std::vector<std::string> new_mounts;
  for (const std::string& m : MountPoints())
    if (!mounts_before.count(m)) new_mounts.push_back(m);
  EXPECT_EQ(new_mounts, std::vector<std::string>{});
  // Build directories of a dead process may remain until the next Proctor in this TMPDIR...
  // A client of the dead server sees its connection closed, not a reward.
  EXPECT_TRUE(py.Read(10000).is_null());

  // ...which starts at once and removes them with its first compile.
  ASSERT_TRUE(server.Start());
  EXPECT_LT(server.ready_after(), std::chrono::seconds(30));
  LineClient again(server.port());
  const json health = again.Call("health", json::object(), 3);
  EXPECT_EQ(health["result"]["status"], "ok") << health.dump();
  const json graded = again.Call("grade", GradeParams("T4", {kSumCpp}), 4);
  EXPECT_TRUE(AllEqual(Rewards(graded), 1.0)) << graded.dump();
  const json py_graded = again.Call("grade", GradeParams("T2", {kSumPy}), 5);
  EXPECT_TRUE(AllEqual(Rewards(py_graded), 1.0)) << py_graded.dump();
  EXPECT_TRUE(WaitFor([&] { return ListDir(tmp.path()).empty(); }))
      << ::testing::PrintToString(ListDir(tmp.path()));
}

}  // namespace
}  // namespace proctor::testing::faults
