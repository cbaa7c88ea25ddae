// A client that sends requests with large responses and never reads them: the server stops
// reading from it while its unsent output is over a bound (backpressure: the client's own
// sends block), so the server's memory stays bounded, other clients are served at once, and
// the stalled connection is closed after idle_timeout_seconds without write progress.
#include <sys/socket.h>

#include <fstream>

#include <gtest/gtest.h>

#include "tests/faults/fault_server.h"

namespace proctor::testing::faults {
namespace {

long RssMiB(pid_t pid) {
  std::istringstream in(ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6) / 1024;
  return -1;
}

TEST(ClientThatNeverReads, OthersAreServedTheServersMemoryStaysBoundedAndItIsClosedWhenStalled) {
  TempDir dir;
  const std::string config = dir.path() + "/server.yaml";
  std::ofstream(config) << "idle_timeout_seconds: 3\n";
  ServerOptions options;
  options.flags = {"--config", config};
  options.packs = {kTasks + "/adversarial", kTasks + "/basics"};
  FaultServer server(options);
  ASSERT_GT(server.port(), 0);
  LineClient probe(server.port());
  const json listed = probe.Call("tasks.list", json::object(), 1);
  ASSERT_GT(listed.dump().size(), 2000u) << "tasks.list should be a large response";
  const long rss_before = RssMiB(server.pid());

  // Thousands of requests per send, each answered with a few KiB that are never read.
  const int fd = ConnectLoopback(server.port());
  ASSERT_GE(fd, 0);
  std::string burst;
  for (int i = 0; i < 1000; ++i)
    burst += json{{"jsonrpc", "2.0"}, {"id", i}, {"method", "tasks.list"}, {"params", json::object()}}
                 .dump() +
             "\n";
  size_t sent = 0;
  bool blocked = false;
  // Send until the server stops taking requests (our send blocks for a second) or 64 MiB of
  // requests (~200 MB of answers) went in.
  while (!blocked && sent < (64u << 20)) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 1000) != 1) {
      blocked = true;
      break;
    }
    const ssize_t n = ::send(fd, burst.data(), burst.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN) break;
    if (n > 0) sent += static_cast<size_t>(n);
  }
  EXPECT_TRUE(blocked) << "the server read " << (sent >> 20) << " MiB of requests it cannot answer";
  EXPECT_LT(RssMiB(server.pid()) - rss_before, 64) << "the server buffers a non-reader's output";

  // Everyone else is served meanwhile.
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(probe.Call("health", json::object(), 2)["result"]["status"], "ok");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  const json graded = probe.Call("grade", GradeParams("T2", {kSumPy}), 3);
  EXPECT_TRUE(AllEqual(Rewards(graded), 1.0)) << graded.dump();
  EXPECT_EQ(Http(server.http_port(), "GET", "/healthz").status, 200);

  // No write progress for the idle timeout: the server drops the connection.
  EXPECT_TRUE(WaitFor([&] {
    return probe.Call("stats", json::object(), 4)["result"]["connections"] == 1;
  }, std::chrono::seconds(20))) << "the stalled connection is still held";
  ::close(fd);
  EXPECT_LT(RssMiB(server.pid()) - rss_before, 64);
}

}  // namespace
}  // namespace proctor::testing::faults
