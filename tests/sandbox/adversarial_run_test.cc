// Every hostile case of shared/adversarial whose category is escape, resource, crash or io, and
// the honest controls, run through the real `proctor run`: each must end with the expected
// sandbox status and leave the host untouched (README "Conventions for checking the host").
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include <cstring>

#include <gtest/gtest.h>

#include "tests/support/host_check.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kShared = PROCTOR_SHARED_DIR;
const std::string kProctor = PROCTOR_BINARY;

struct Expectation {
  std::set<std::string> statuses;   // any of these
  std::string stdout_equals;        // when non-empty, exact stdout
};

// What each case must end with at the sandbox level (the reward is the grader's business).
const std::map<std::string, Expectation>& Expectations() {
  static const std::map<std::string, Expectation> table = {
      {"01-honest-add-py", {{"ok"}, "5\n"}},
      {"02-honest-sum-py", {{"ok"}, "5\n"}},
      {"03-honest-isprime-py", {{"ok"}, "True\n"}},
      {"04-honest-sum-cpp", {{"ok"}, "5\n"}},
      {"05-honest-stderr-heavy-py", {{"ok"}, "5\n"}},
      {"06-honest-threads-cpp", {{"ok"}, "5\n"}},
      {"07-fork-bomb-py", {{"cpu_timeout", "wall_timeout"}, ""}},
      {"08-fork-bomb-cpp", {{"cpu_timeout", "wall_timeout"}, ""}},
      {"09-memory-bomb-py", {{"memory_limit"}, ""}},
      {"10-memory-touch-cpp", {{"memory_limit", "cpu_timeout", "wall_timeout"}, ""}},
      {"11-infinite-loop-py", {{"cpu_timeout"}, ""}},
      {"12-sleep-past-wall-py", {{"wall_timeout"}, ""}},
      {"13-cpu-threads-cpp", {{"cpu_timeout"}, ""}},
      {"14-stdout-flood-py", {{"output_limit"}, ""}},
      {"15-tmp-disk-fill-py", {{"ok", "disk_limit", "nonzero_exit"}, ""}},
      {"16-many-files-py", {{"cpu_timeout", "wall_timeout", "disk_limit", "nonzero_exit"}, ""}},
      {"17-deep-recursion-py", {{"signaled", "nonzero_exit", "memory_limit"}, ""}},
      {"18-stack-overflow-cpp", {{"signaled"}, ""}},
      // Python runs without the 4,300-digit int/str limit (a correct program may print a
      // big integer), so printing 40 million bits now runs into the CPU limit.
      {"19-giant-int-result-py", {{"nonzero_exit", "cpu_timeout"}, ""}},
      {"35-read-secrets-py", {{"ok", "nonzero_exit"}, ""}},
      {"36-write-outside-py", {{"ok", "nonzero_exit"}, ""}},
      {"37-net-loopback-py", {{"ok", "nonzero_exit"}, ""}},
      {"38-ptrace-procmem-cpp", {{"violation"}, ""}},
      {"39-unshare-mount-chroot-cpp", {{"violation"}, ""}},
      {"40-kill-parent-py", {{"signaled", "nonzero_exit", "ok"}, ""}},
      {"41-ignore-signals-py", {{"wall_timeout"}, ""}},
      {"42-setrlimit-raise-cpp", {{"memory_limit", "cpu_timeout", "wall_timeout"}, ""}},
      {"43-exec-shell-py", {{"ok", "nonzero_exit", "violation"}, ""}},
      {"45-daemon-setsid-py", {{"ok", "wall_timeout", "nonzero_exit"}, ""}},
      {"47-int80-32bit-abi-cpp", {{"violation", "signaled"}, ""}},
  };
  return table;
}

// Lines that prove a probe succeeded; none may ever appear.
const std::vector<std::string> kForbiddenMarkers = {
    "ADVMARK-NET-CONNECTED", "ADVMARK-DNS-ANSWER",   "ADVMARK-UNIX-CONNECTED",
    "ADVMARK-PTRACE-",       "ADVMARK-VMREAD-ALLOWED", "ADVMARK-PROCMEM-OPEN",
    "ADVMARK-CHROOT",        "ADVMARK-HOST-FILE",    "ADVMARK-SETNS",
    "ADVMARK-BIND-ROOT",     "ADVMARK-USERNS",       "ADVMARK-MNTNS",
    "ADVMARK-RLIMIT-",       "ADVMARK-NICE-RAISED",  "ADVMARK-I386-",
    "ADVMARK-WRITABLE",      "ADVMARK-MOUNT-TMPFS",  "ADVMARK-REMOUNT-ROOT",
    "ADVMARK-PIVOT-ROOT",    "ADVMARK-UMOUNT-PROC",  "ADVMARK-MKNOD",
    "ADVMARK-KILL-ALL-SENT"};

struct Case {
  std::string name, task, language, category, source_path;
};

// gtest prints parameters of failing tests: the case name says it all.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  const fs::path dir = fs::path(kShared) / "adversarial" / "cases";
  if (!fs::exists(dir)) return cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    json meta = json::parse(std::ifstream(entry.path() / "case.json"));
    std::string category = meta.at("category");
    static const std::set<std::string> kSandboxCategories = {"escape", "resource", "crash", "io",
                                                              "honest"};
    if (!kSandboxCategories.count(category)) continue;
    Case c{entry.path().filename(), meta.at("task"), meta.at("language"), category, ""};
    c.source_path = entry.path() / (c.language == "cpp" ? "solution.cpp" : "solution.py");
    cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return cases;
}

class AdversarialRunTest : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    std::random_device rd;
    canary_ = "canary-" + std::to_string(rd()) + std::to_string(rd());
    ::setenv("ADVMARK_CANARY", canary_.c_str(), 1);  // inherited by proctor, never by programs
    data_dir_ = fs::temp_directory_path() / ("proctor-test-data-" + std::to_string(::getpid()));
    fs::create_directories(data_dir_);
    std::ofstream(data_dir_ / "canary.txt") << canary_;
    work_dir_ = fs::temp_directory_path() / ("proctor-test-work-" + std::to_string(::getpid()));
    fs::create_directories(work_dir_);
  }
  static void TearDownTestSuite() {
    fs::remove_all(data_dir_);
    fs::remove_all(work_dir_);
  }
  static inline std::string canary_;
  static inline fs::path data_dir_, work_dir_;
};

// Function tasks (T1, T3) get a one-line driver so the run calls into the submission.
std::string Driver(const std::string& task) {
  if (task == "T1") return "\nprint(add(2, 3))\n";
  if (task == "T3") return "\nprint(is_prime(7))\n";
  return "";
}

TEST_P(AdversarialRunTest, EndsWithExpectedStatusAndLeavesHostUntouched) {
  const Case& c = GetParam();
  ASSERT_TRUE(Expectations().count(c.name)) << "no expectation written for new case " << c.name;
  const Expectation& expect = Expectations().at(c.name);

  std::string source = proctor::testing::ReadFileOrEmpty(c.source_path) + Driver(c.task);
  const fs::path program = work_dir_ / (c.name + (c.language == "cpp" ? ".cpp" : ".py"));
  const fs::path input = work_dir_ / "stdin.txt";
  std::ofstream(program) << source;
  std::ofstream(input) << "2 3\n";

  // Case 37: a host listener on loopback must never see a connection.
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(8080);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  bool listening = ::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                   ::listen(listener, 8) == 0;
  // The check must not disappear silently: case 37 is the one that aims at this port.
  if (!listening && c.name.rfind("37", 0) == 0)
    ADD_FAILURE() << "127.0.0.1:8080 is busy on this host (" << std::strerror(errno)
                  << "): case 37's host-listener check cannot run";

  auto out = proctor::testing::RunCommand(
      {kProctor, "run", "--language", c.language, program.string(), "--stdin", input.string(),
       "--wall-seconds", "5", "--cpu-seconds", "2", "--memory-mb", "256", "--max-processes",
       "32", "--stdout-kb", "1024", "--stderr-kb", "1024", "--disk-mb", "16"});
  ASSERT_EQ(out.exit_code, 0) << out.err << out.out;
  json result = json::parse(out.out);
  const std::string status = result.at("status");
  EXPECT_TRUE(expect.statuses.count(status))
      << c.name << " ended " << status << ": " << result.dump(2).substr(0, 3000);
  if (!expect.stdout_equals.empty()) EXPECT_EQ(result.at("stdout"), expect.stdout_equals);

  const std::string printed = result.dump();
  for (const std::string& marker : kForbiddenMarkers)
    EXPECT_EQ(printed.find(marker), std::string::npos) << c.name << " printed " << marker;
  EXPECT_EQ(printed.find(canary_), std::string::npos) << c.name << " leaked the canary";

  if (listening) {
    int conn = ::accept(listener, nullptr, nullptr);
    EXPECT_LT(conn, 0) << c.name << " reached a host listener on 127.0.0.1:8080";
    if (conn >= 0) ::close(conn);
  }
  ::close(listener);

  EXPECT_EQ(proctor::testing::FindAdvmarkPaths({data_dir_.string(), work_dir_.string()}),
            std::vector<std::string>{});
  EXPECT_EQ(proctor::testing::FindAdvmarkProcesses(), std::vector<std::string>{});
  EXPECT_EQ(proctor::testing::LeftoverRunCgroups(), std::vector<std::string>{});
  if (c.name == "14-stdout-flood-py") {
    EXPECT_TRUE(result.at("stdout_truncated").get<bool>());
    EXPECT_LT(result.at("wall_seconds").get<double>(), 3.0) << "output_limit must be prompt";
  }
  if (c.name.find("fork-bomb") != std::string::npos)
    EXPECT_TRUE(result.at("pids_limit_hit").get<bool>()) << "pids.max must stop the bomb";
}

INSTANTIATE_TEST_SUITE_P(SharedCorpus, AdversarialRunTest, ::testing::ValuesIn(LoadCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.name;
                           for (char& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(AdversarialCorpus, IsPresent) {
  if (!fs::exists(fs::path(kShared) / "adversarial"))
    GTEST_SKIP() << "shared/adversarial not found at " << kShared;
  EXPECT_GE(LoadCases().size(), 25u);
}

// The controls still pass after the whole hostile corpus ran (liveness).
TEST(AdversarialCorpus, HonestControlStillPassesAfterward) {
  const fs::path input = fs::temp_directory_path() / "proctor-liveness-stdin.txt";
  std::ofstream(input) << "40 2\n";
  auto out = proctor::testing::RunCommand(
      {kProctor, "run", "--language", "python",
       kShared + "/adversarial/cases/02-honest-sum-py/solution.py", "--stdin", input.string()});
  fs::remove(input);
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(json::parse(out.out).at("status"), "ok");
  EXPECT_EQ(json::parse(out.out).at("stdout"), "42\n");
}

}  // namespace
