// The cgroup filesystem refusing writes (read-only: a broken delegation, a container runtime
// that mounted it so). The server runs in a private mount namespace (unshare --mount) where
// the test remounts the v1 hierarchies Proctor uses read-only; the host's stay as they are.
#include <gtest/gtest.h>

#include "tests/faults/fault_server.h"

namespace proctor::testing::faults {
namespace {

const std::vector<std::string> kControllers = {"memory", "pids", "cpuacct"};

bool CgroupV1() {
  return ::access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) == 0 &&
         ::access("/sys/fs/cgroup/pids/cgroup.procs", F_OK) == 0;
}

// Remounts each hierarchy in `pid`'s mount namespace read-only (or writable again).
bool RemountIn(pid_t pid, bool read_only) {
  for (const std::string& c : kControllers) {
    const CommandOutput r =
        RunCommand({"/usr/bin/nsenter", "-t", std::to_string(pid), "-m", "/bin/mount", "-o",
                    std::string("remount,bind,") + (read_only ? "ro" : "rw"),
                    "/sys/fs/cgroup/" + c});
    if (r.exit_code != 0) return false;
  }
  return true;
}

TEST(CgroupFilesystemReadOnlyAtStartup, TheServerRefusesToStartNamingEachCgroupLayer) {
  if (!CgroupV1()) GTEST_SKIP() << "needs the v1 memory and pids hierarchies";
  TempDir dir;
  ServerOptions options;
  options.stderr_path = dir.path() + "/stderr";
  std::string remount;
  for (const std::string& c : kControllers)
    remount += "mount -o remount,bind,ro /sys/fs/cgroup/" + c + " && ";
  options.wrapper = {"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                     remount + "exec \"$@\"", "sh"};
  FaultServer server(options);
  EXPECT_EQ(server.port(), 0) << "it started on a read-only cgroup filesystem";
  EXPECT_EQ(server.WaitExit(), 1);
  const std::string err = server.Stderr();
  for (const char* layer : {"cgroup_memory", "cgroup_pids", "cgroup_cpu"})
    EXPECT_NE(err.find(layer), std::string::npos) << layer << " not named in: " << err;
  EXPECT_NE(err.find("Read-only file system"), std::string::npos) << err;
}

TEST(CgroupFilesystemTurnsReadOnlyWhileServing, GradingsAreUngradeableNeverZeroThenServeAgain) {
  if (!CgroupV1()) GTEST_SKIP() << "needs the v1 memory and pids hierarchies";
  TempDir cache;
  ServerOptions options;
  options.wrapper = {"/usr/bin/unshare", "--mount", "--propagation", "private"};
  options.env = {{"PROCTOR_COMPILE_CACHE", cache.path()}};
  FaultServer server(options);
  ASSERT_GT(server.port(), 0);
  LineClient client(server.port());
  ASSERT_TRUE(AllEqual(Rewards(client.Call("grade", GradeParams("T2", {kSumPy}), 1)), 1.0));

  ASSERT_TRUE(RemountIn(server.pid(), true));
  // Python (warm slots and per-run sandboxes alike) and C++ (its compile is a sandboxed run).
  for (int i = 0; i < 3; ++i) {
    const json r = client.Call(
        "grade", GradeParams("T2", {kSumPy + "# " + std::to_string(i) + "\n"}), 10 + i);
    EXPECT_EQ(NeverAWrongReward(r, 1.0), "") << r.dump();
    EXPECT_EQ(CountUngradeable(r), 1) << r.dump();
    if (CountUngradeable(r) == 1) {
      EXPECT_NE(r["result"]["results"][0]["ungradeable_reason"].get<std::string>().find(
                    "Read-only file system"),
                std::string::npos)
          << r.dump();
    }
  }
  const json cpp = client.Call("grade", GradeParams("T4", {kSumCpp}), 20);
  EXPECT_EQ(NeverAWrongReward(cpp, 1.0), "") << cpp.dump();
  EXPECT_EQ(CountUngradeable(cpp), 1) << cpp.dump();
  const json health = client.Call("health", json::object(), 21);
  EXPECT_EQ(health["result"]["status"], "ok");

  ASSERT_TRUE(RemountIn(server.pid(), false));
  const json py = client.Call("grade", GradeParams("T2", {kSumPy + "# again\n"}), 30);
  EXPECT_TRUE(AllEqual(Rewards(py), 1.0)) << py.dump();
  const json cpp_again = client.Call("grade", GradeParams("T4", {kSumCpp}), 31);
  EXPECT_TRUE(AllEqual(Rewards(cpp_again), 1.0)) << cpp_again.dump();
}

}  // namespace
}  // namespace proctor::testing::faults
