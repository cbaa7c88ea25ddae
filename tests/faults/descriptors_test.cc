// The server out of file descriptors (its RLIMIT_NOFILE lowered under it with prlimit, then
// more connections opened than it may hold): accept fails with EMFILE. The accept loop must
// neither die nor spin on the still-readable listening socket, gradings that cannot get their
// descriptors are ungradeable (never 0), and once descriptors are free it accepts and serves.
#include <sys/resource.h>

#include <gtest/gtest.h>

#include "tests/faults/fault_server.h"

namespace proctor::testing::faults {
namespace {

int OpenDescriptors(pid_t pid) {
  return static_cast<int>(ListDir("/proc/" + std::to_string(pid) + "/fd").size());
}

double CpuSeconds(pid_t pid) {
  const std::string stat = ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream in(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::atoll(field.c_str());
    if (i == 15) stime = std::atoll(field.c_str());
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

bool SetOpenFilesLimit(pid_t pid, rlim_t soft) {
  rlimit old{};
  if (::prlimit(pid, RLIMIT_NOFILE, nullptr, &old) != 0) return false;
  rlimit lim{soft, old.rlim_max};
  return ::prlimit(pid, RLIMIT_NOFILE, &lim, nullptr) == 0;
}

TEST(DescriptorsExhausted, TheAcceptLoopNeitherDiesNorSpinsAndServesOnceDescriptorsAreFree) {
  FaultServer server({});
  ASSERT_GT(server.port(), 0);
  rlimit original{};
  ASSERT_EQ(::prlimit(server.pid(), RLIMIT_NOFILE, nullptr, &original), 0);
  // Room for a handful of connections, then EMFILE.
  const int in_use = OpenDescriptors(server.pid());
  ASSERT_TRUE(SetOpenFilesLimit(server.pid(), static_cast<rlim_t>(in_use + 6)));
  std::vector<std::unique_ptr<LineClient>> clients;
  for (int i = 0; i < 40; ++i) clients.push_back(std::make_unique<LineClient>(server.port()));
  ASSERT_TRUE(WaitFor([&] { return OpenDescriptors(server.pid()) >= in_use + 6; }))
      << "the server never filled its descriptors";

  // Refused connections wait in the backlog while the server is idle: it must not burn a core
  // retrying accept (it did: ~1 CPU second per second).
  const double cpu_before = CpuSeconds(server.pid());
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // measuring a rate, not waiting
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT((CpuSeconds(server.pid()) - cpu_before) / elapsed, 0.3) << "the accept loop spins";

  // A connection it did accept may ask for a grading it has no descriptors for: ungradeable.
  const json starved = clients[0]->Call("grade", GradeParams("T2", {kSumPy}), 1);
  EXPECT_EQ(NeverAWrongReward(starved, 1.0), "") << starved.dump();

  clients.clear();
  ASSERT_TRUE(SetOpenFilesLimit(server.pid(), original.rlim_cur));
  LineClient client(server.port());
  const json health = client.Call("health", json::object(), 2);
  EXPECT_EQ(health["result"]["status"], "ok") << health.dump();
  const json graded = client.Call("grade", GradeParams("T2", {kSumPy}), 3);
  EXPECT_TRUE(AllEqual(Rewards(graded), 1.0)) << graded.dump();
  const HttpReply http = Http(server.http_port(), "GET", "/healthz");
  EXPECT_EQ(http.status, 200);
  EXPECT_TRUE(WaitFor([&] {
    return client.Call("stats", json::object(), 4)["result"]["connections"] == 1;
  })) << "connections of the refused clients are still held";
}

}  // namespace
}  // namespace proctor::testing::faults
