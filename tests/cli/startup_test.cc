// `proctor serve` runs `proctor doctor`'s smoke test before it listens. A failing smoke test
// (here: a real one, --keeper-path pointing at a folder whose proctor-keeper and proctor-zygote
// are /bin/false, so every run ends in sandbox_error while every layer still detects as
// present) must stop the server before it listens, with a message naming the smoke test and a
// nonzero exit.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/host_check.h"

namespace {

using proctor::testing::RunCommand;

const std::string kProctor = PROCTOR_BINARY;
const std::string kTasks = PROCTOR_TASKS_DIR;

// A folder holding a proctor-keeper and a proctor-zygote (the fork server, found beside the
// keeper) that are both /bin/false: executable, so the sandbox is created, but every run fails.
class FailingKeeperDir {
 public:
  FailingKeeperDir() {
    char tmpl[] = "/tmp/proctor-failing-keeper.XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    std::filesystem::create_symlink("/bin/false", dir_ + "/proctor-keeper");
    std::filesystem::create_symlink("/bin/false", dir_ + "/proctor-zygote");
  }
  ~FailingKeeperDir() { std::filesystem::remove_all(dir_); }
  std::string keeper() const { return dir_ + "/proctor-keeper"; }

 private:
  std::string dir_;
};

std::vector<std::string> ServeArgv(std::vector<std::string> extra) {
  // `timeout` bounds a regression (a server that listens anyway) to a failed test, not a hang.
  std::vector<std::string> argv = {"/usr/bin/timeout", "60",   kProctor,
                                   "serve",            "--port", "0",
                                   "--http-port",      "-1",   "--pack",
                                   kTasks + "/adversarial"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

TEST(ServeStartup, RefusesToStartWhenTheSmokeTestFails) {
  FailingKeeperDir keeper;
  auto start = std::chrono::steady_clock::now();
  auto out = RunCommand(ServeArgv({"--keeper-path", keeper.keeper()}));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(out.exit_code, 124) << "serve did not exit: it started despite the failed smoke test\n"
                                << out.err;
  EXPECT_EQ(out.exit_code, 1) << out.err;
  EXPECT_LT(seconds, 30);
  EXPECT_NE(out.err.find("smoke test FAILED"), std::string::npos) << out.err;
  EXPECT_NE(out.err.find("sandbox_error"), std::string::npos) << out.err;
  EXPECT_NE(out.err.find("refusing to start"), std::string::npos) << out.err;
  // It never listened: the "listening PORT HTTP_PORT" line is not printed.
  EXPECT_EQ(out.out.find("listening"), std::string::npos) << out.out;
}

TEST(ServeStartup, KeeperThatIsNotExecutableIsAStartupError) {
  auto out = RunCommand(ServeArgv({"--keeper-path", "/nonexistent/proctor-keeper"}));
  EXPECT_EQ(out.exit_code, 1) << out.err;
  EXPECT_NE(out.err.find("keeper binary not executable: /nonexistent/proctor-keeper"),
            std::string::npos)
      << out.err;
  EXPECT_EQ(out.out.find("listening"), std::string::npos) << out.out;
}

TEST(DoctorStartup, SameSmokeTestFailsDoctorToo) {
  FailingKeeperDir keeper;
  auto out = RunCommand({kProctor, "doctor", "--keeper-path", keeper.keeper()});
  EXPECT_EQ(out.exit_code, 1) << out.out << out.err;
  EXPECT_NE(out.out.find("smoke test (python3 in the sandbox): sandbox_error"), std::string::npos)
      << out.out;
  EXPECT_NE(out.out.find("smoke test FAILED"), std::string::npos) << out.out;
}

TEST(DoctorStartup, SaysWhatDecidesGradingSpeedOnThisHost) {
  auto out = RunCommand({kProctor, "doctor"});
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find("speed:\n  runs launched by   fork server (proctor-zygote)"),
            std::string::npos) << out.out;
  EXPECT_NE(out.out.find("compiled once in the fork server"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("libproctor-hugepages.so (transparent huge pages: "), std::string::npos)
      << out.out;
  EXPECT_NE(out.out.find("precompiled header "), std::string::npos) << out.out;
  auto fresh = RunCommand({kProctor, "doctor", "--no-fork-server"});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  EXPECT_NE(fresh.out.find("runs launched by   fresh keeper per run"), std::string::npos)
      << fresh.out;
  EXPECT_NE(fresh.out.find("compiled by every run: no fork server"), std::string::npos)
      << fresh.out;
}

TEST(ServeStartup, ReportsThePassedSmokeTestBeforeListening) {
  int err[2], out[2];
  ASSERT_EQ(::pipe2(err, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  std::vector<std::string> argv = {kProctor, "serve", "--port", "0", "--http-port", "-1",
                                   "--pack", kTasks + "/adversarial"};
  pid_t pid = proctor::testing::Spawn(argv, out[1], err[1]);
  ::close(out[1]);
  ::close(err[1]);
  // stdout's "listening" line comes after every startup line on stderr.
  std::string listening;
  char ch;
  while (::read(out[0], &ch, 1) == 1 && ch != '\n') listening += ch;
  ::kill(pid, SIGTERM);
  std::string log;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(err[0], buf, sizeof buf)) > 0) log.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_EQ(listening.rfind("listening ", 0), 0u) << listening << "\n" << log;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << log;
  size_t smoke = log.find("proctor serve: smoke test passed (python3 in the sandbox, ");
  size_t rpc = log.find("JSON-RPC on");
  ASSERT_NE(smoke, std::string::npos) << log;
  ASSERT_NE(rpc, std::string::npos) << log;
  EXPECT_LT(smoke, rpc) << log;
  EXPECT_NE(log.find(" ms)", smoke), std::string::npos) << log;
}

}  // namespace
