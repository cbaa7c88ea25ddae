// 10,000 connections opened at once and dropped at once (reset, not closed politely), on the
// JSON-RPC and the HTTP port: the server accepts them, lets them all go, and answers at once.
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "tests/faults/fault_server.h"

namespace proctor::testing::faults {
namespace {

constexpr int kConnections = 10000;

int StartConnect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // EINPROGRESS
  return fd;
}

void Reset(int fd) {
  linger l{1, 0};  // close() sends RST
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

int OpenDescriptors(pid_t pid) {
  return static_cast<int>(ListDir("/proc/" + std::to_string(pid) + "/fd").size());
}

TEST(TenThousandConnectionsOpenedAndDroppedAtOnce, TheServerLetsThemGoAndAnswersAtOnce) {
  // This process and the server (which inherits it) need a descriptor per connection.
  rlimit lim{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  const rlim_t need = 2 * kConnections + 1000;
  if (lim.rlim_cur < need) {
    lim.rlim_cur = std::max(need, lim.rlim_cur);
    lim.rlim_max = std::max(lim.rlim_max, lim.rlim_cur);  // root may raise the hard limit
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) {
      lim.rlim_cur = lim.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &lim);
    }
  }
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  if (lim.rlim_cur < static_cast<rlim_t>(kConnections) + 200)
    GTEST_SKIP() << "RLIMIT_NOFILE " << lim.rlim_cur << " cannot hold " << kConnections;
  FaultServer server({});
  ASSERT_GT(server.port(), 0);
  const int baseline = OpenDescriptors(server.pid());
  LineClient survivor(server.port());  // a connection that stays through it all

  for (int port : {server.port(), server.http_port()}) {
    std::vector<int> fds;
    for (int i = 0; i < kConnections; ++i) {
      const int fd = StartConnect(port);
      ASSERT_GE(fd, 0) << "socket " << i << ": " << std::strerror(errno);
      fds.push_back(fd);
    }
    // Held by the server (accepted), all of them.
    EXPECT_TRUE(WaitFor([&] { return OpenDescriptors(server.pid()) >= baseline + kConnections; },
                        std::chrono::seconds(60)))
        << "accepted " << OpenDescriptors(server.pid()) - baseline << " on port " << port;
    for (int fd : fds) Reset(fd);
    const auto t0 = std::chrono::steady_clock::now();
    const json health = survivor.Call("health", json::object(), port);
    EXPECT_EQ(health["result"]["status"], "ok") << health.dump();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    // And lets every one of them go.
    EXPECT_TRUE(WaitFor([&] { return OpenDescriptors(server.pid()) <= baseline + 2; },
                        std::chrono::seconds(60)))
        << OpenDescriptors(server.pid()) - baseline << " descriptors still held";
  }
  const json graded = survivor.Call("grade", GradeParams("T2", {kSumPy}), 1);
  EXPECT_TRUE(AllEqual(Rewards(graded), 1.0)) << graded.dump();
  EXPECT_EQ(Http(server.http_port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(survivor.Call("stats", json::object(), 2)["result"]["connections"], 1);
}

}  // namespace
}  // namespace proctor::testing::faults
