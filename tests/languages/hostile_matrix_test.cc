// The hostile matrix (issue 14): for every language defined in languages/, the programs of
// tests/languages/hostile/<language>/ run through the real `proctor run`, each must end with
// the expected status and leave the host untouched (the shared corpus' checks, made safe to
// run in parallel: a listener on a port of its own, markers named per language and case, and
// only the cgroups of this test's own `proctor` process looked at); and each language's
// unit-style pack (tests/languages/hostile/<language>/unit) passes `proctor pack check`: the
// reference scores 1.0, a wrong solution and one that exits 0 before the tests do not.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/host_check.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using proctor::testing::ReadFileOrEmpty;

const std::string kProctor = PROCTOR_BINARY;
const fs::path kSourceDir = PROCTOR_SOURCE_DIR;
const fs::path kHostile = kSourceDir / "tests" / "languages" / "hostile";

// Every language the matrix knows, with its programs' file extension and the short code its
// programs put in their markers (ADVM-fork-<code>, ADVMARK-write-<code>).
struct LanguageFiles {
  std::string name, extension, code;
};
const std::vector<LanguageFiles> kLanguages = {
    {"python", "py", "py"},   {"cpp", "cpp", "cpp"},     {"c", "c", "c"},
    {"bash", "sh", "sh"},     {"go", "go", "go"},        {"rust", "rs", "rs"},
    {"java", "java", "java"}, {"javascript", "js", "js"}, {"typescript", "ts", "ts"},
};

enum class Case {
  kHonest,
  kCompileError,
  kForkBomb,
  kMemoryBomb,
  kInfiniteLoop,
  kOutputFlood,
  kWriteOutside,
  kNetwork,
};
const std::vector<std::pair<Case, std::string>> kCases = {
    {Case::kHonest, "honest"},
    {Case::kCompileError, "compile_error"},
    {Case::kForkBomb, "fork_bomb"},
    {Case::kMemoryBomb, "memory_bomb"},
    {Case::kInfiniteLoop, "infinite_loop"},
    {Case::kOutputFlood, "output_flood"},
    {Case::kWriteOutside, "write_outside"},
    {Case::kNetwork, "network"},
};

// How a compile error shows: compiled languages say `compile_error` with the compiler's own
// message; interpreted ones exit nonzero with the interpreter's message on stderr.
struct CompileErrorExpectation {
  std::string status, field, text;
};
const std::map<std::string, CompileErrorExpectation> kCompileErrors = {
    {"python", {"nonzero_exit", "stderr", "SyntaxError: invalid syntax"}},
    {"bash", {"nonzero_exit", "stderr", "syntax error near unexpected token"}},
    {"cpp", {"compile_error", "message", "error: ‘undeclared_name’ was not declared in this scope"}},
    {"c", {"compile_error", "message", "error: ‘undeclared_name’ undeclared"}},
    {"go", {"compile_error", "message", "main.go:4:6: undefined: undeclaredName"}},
    {"rust", {"compile_error", "message", "cannot find value `undeclared_name` in this scope"}},
    {"java", {"compile_error", "message", "error: cannot find symbol"}},
    {"javascript", {"nonzero_exit", "stderr", "SyntaxError"}},
    {"typescript", {"compile_error", "message", "Cannot find name 'undeclaredName'"}},
};

// The statuses each case may end with, per language where runtimes differ.
std::set<std::string> ExpectedStatuses(Case c, const std::string& language) {
  const bool managed = language == "java" || language == "javascript" || language == "typescript";
  switch (c) {
    case Case::kHonest: return {"ok"};
    case Case::kCompileError: return {kCompileErrors.at(language).status};
    case Case::kForkBomb: return {"cpu_timeout", "wall_timeout"};
    // A managed runtime may report its own heap's end (OutOfMemoryError, V8's fatal error)
    // before the cgroup's limit is reached.
    case Case::kMemoryBomb:
      return managed ? std::set<std::string>{"memory_limit", "nonzero_exit", "signaled"}
                     : std::set<std::string>{"memory_limit"};
    case Case::kInfiniteLoop: return {"cpu_timeout"};
    case Case::kOutputFlood: return {"output_limit"};
    case Case::kWriteOutside: return {"ok", "nonzero_exit"};
    case Case::kNetwork: return {"ok", "nonzero_exit"};
  }
  return {};
}

struct Param {
  LanguageFiles language;
  Case c;
  std::string case_name;
  fs::path program;
};
void PrintTo(const Param& p, std::ostream* os) { *os << p.language.name << "/" << p.case_name; }

bool Defined(const std::string& language) {
  return fs::exists(kSourceDir / "languages" / (language + ".yaml"));
}

// Every (language, case) whose language is defined and whose program exists.
std::vector<Param> Params() {
  std::vector<Param> out;
  for (const LanguageFiles& l : kLanguages) {
    if (!Defined(l.name)) continue;
    for (const auto& [c, name] : kCases) {
      const fs::path program = kHostile / l.name / (name + "." + l.extension);
      if (fs::exists(program)) out.push_back({l, c, name, program});
    }
  }
  return out;
}

// Runs argv, returning its pid (for the cgroups named after it), exit code and output.
struct Ran {
  pid_t pid = -1;
  proctor::testing::CommandOutput output;
};
Ran RunKeepingPid(const std::vector<std::string>& argv) {
  Ran ran;
  char out_path[] = "/tmp/proctor-matrix-outXXXXXX";
  char err_path[] = "/tmp/proctor-matrix-errXXXXXX";
  const int out_fd = ::mkstemp(out_path), err_fd = ::mkstemp(err_path);
  ran.pid = proctor::testing::Spawn(argv, out_fd, err_fd);
  int status = 0;
  ::waitpid(ran.pid, &status, 0);
  ran.output.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ran.output.out = ReadFileOrEmpty(out_path);
  ran.output.err = ReadFileOrEmpty(err_path);
  ::close(out_fd);
  ::close(err_fd);
  ::unlink(out_path);
  ::unlink(err_path);
  return ran;
}

// Cgroups of `owner`'s runs (<owner>-<n> under each controller's proctor/) still present.
std::vector<std::string> CgroupsOf(pid_t owner) {
  std::vector<std::string> found;
  const std::string prefix = std::to_string(owner) + "-";
  for (const char* controller : {"memory", "pids", "cpuacct", "unified"}) {
    const fs::path base = fs::path("/sys/fs/cgroup") / controller / "proctor";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base, ec))
      if (e.path().filename().string().rfind(prefix, 0) == 0) found.push_back(e.path());
  }
  return found;
}

// Whether `pid` is in a cgroup of a run of another live Proctor process (<owner>-<n> with a
// live owner other than `mine`, or a live fork server's slot-<zygote>-<n>): the same program
// run by a test running in parallel, not a leftover of ours.
bool InAnotherLiveRun(const std::string& pid, pid_t mine) {
  std::istringstream lines(ReadFileOrEmpty("/proc/" + pid + "/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    const size_t at = line.find("/proctor/");
    if (at == std::string::npos) continue;
    const std::string name = line.substr(at + 9);
    int owner = 0;
    if (std::sscanf(name.c_str(), "slot-%d-", &owner) != 1 &&
        std::sscanf(name.c_str(), "%d-", &owner) != 1)
      continue;
    if (owner > 0 && owner != mine && (::kill(owner, 0) == 0 || errno == EPERM)) return true;
  }
  return false;
}

// Live processes whose name or command line contains `marker`, but for those of another live
// Proctor process' runs.
std::vector<std::string> ProcessesWith(const std::string& marker, pid_t mine) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string pid = e.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadFileOrEmpty("/proc/" + pid + "/cmdline");
    for (char& ch : cmdline)
      if (ch == '\0') ch = ' ';
    const std::string text = ReadFileOrEmpty("/proc/" + pid + "/comm") + cmdline;
    if (text.find(marker) != std::string::npos && !InAnotherLiveRun(pid, mine))
      found.push_back(pid + ": " + text);
  }
  return found;
}

// Host paths whose name contains `marker`, in the places a write might land.
std::vector<std::string> PathsWith(const std::string& marker, const std::vector<fs::path>& more) {
  std::vector<std::string> found;
  for (const std::string& path : proctor::testing::FindAdvmarkPaths())
    if (path.find(marker) != std::string::npos) found.push_back(path);
  for (const fs::path& dir : more) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().filename().string().find(marker) != std::string::npos)
        found.push_back(e.path());
  }
  return found;
}

class HostileMatrixTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    const Param& p = GetParam();
    dir_ = fs::temp_directory_path() /
           ("proctor-matrix-" + std::to_string(::getpid()) + "-" + p.language.name + "-" +
            p.case_name);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (listener_ >= 0) ::close(listener_);
    fs::remove_all(dir_);
  }

  // A listener on the host's loopback, on a port of its own; returns the port.
  int Listen() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0)
        << std::strerror(errno);
    EXPECT_EQ(::listen(listener_, 8), 0) << std::strerror(errno);
    EXPECT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    return ntohs(addr.sin_port);
  }

  fs::path dir_;
  int listener_ = -1;
};

TEST_P(HostileMatrixTest, EndsWithTheExpectedStatusAndLeavesTheHostUntouched) {
  const Param& p = GetParam();
  const std::string& language = p.language.name;
  const fs::path victim = dir_ / "victim.txt";
  std::string stdin_data;
  switch (p.c) {
    case Case::kHonest: stdin_data = "40 2\n"; break;
    case Case::kWriteOutside:
      std::ofstream(victim) << "host file\n";
      stdin_data = victim.string() + "\n";
      break;
    case Case::kNetwork: stdin_data = std::to_string(Listen()) + "\n"; break;
    default: break;
  }
  const fs::path input = dir_ / "stdin.txt";
  std::ofstream(input) << stdin_data;
  // The corpus' limits (tests/sandbox/adversarial_run_test.cc). The infinite loop gets a
  // long wall clock and a short CPU limit, so that it ends by its CPU even on a busy machine.
  const bool loop = p.c == Case::kInfiniteLoop;
  const Ran ran = RunKeepingPid(
      {kProctor, "run", "--language", language, p.program.string(), "--stdin", input.string(),
       "--wall-seconds", loop ? "30" : "5", "--cpu-seconds", loop ? "1" : "2", "--memory-mb",
       "256", "--max-processes", "32", "--stdout-kb", "1024", "--stderr-kb", "1024",
       "--disk-mb", "16"});
  ASSERT_EQ(ran.output.exit_code, 0) << ran.output.err << ran.output.out;
  const json r = json::parse(ran.output.out, nullptr, false);
  ASSERT_FALSE(r.is_discarded()) << ran.output.out;
  const std::string status = r.value("status", "");
  const std::string shown = r.dump(2).substr(0, 3000);
  EXPECT_TRUE(ExpectedStatuses(p.c, language).count(status)) << "ended " << status << ": " << shown;
  EXPECT_EQ(r.value("language", ""), language);
  const std::string out = r.value("stdout", "");

  switch (p.c) {
    case Case::kHonest: EXPECT_EQ(out, "42\n") << shown; break;
    case Case::kCompileError: {
      const CompileErrorExpectation& e = kCompileErrors.at(language);
      EXPECT_NE(r.value(e.field, "").find(e.text), std::string::npos)
          << "the " << e.field << " should carry \"" << e.text << "\": " << shown;
      break;
    }
    case Case::kForkBomb:
      EXPECT_TRUE(r.value("pids_limit_hit", false)) << "pids.max must stop the bomb: " << shown;
      break;
    case Case::kOutputFlood:
      EXPECT_TRUE(r.value("stdout_truncated", false)) << shown;
      EXPECT_LT(r.value("wall_seconds", 99.0), 3.0) << "output_limit must be prompt: " << shown;
      break;
    case Case::kWriteOutside: {
      // Only the run's own /tmp is writable; the host file is neither visible nor changed.
      std::istringstream lines(out);
      for (std::string line; std::getline(lines, line);)
        EXPECT_EQ(line, "WROTE /tmp") << "a write outside the run's own space succeeded";
      EXPECT_EQ(ReadFileOrEmpty(victim), "host file\n");
      EXPECT_EQ(PathsWith("ADVMARK-write-" + p.language.code, {dir_, fs::current_path()}),
                std::vector<std::string>{});
      break;
    }
    case Case::kNetwork: {
      EXPECT_EQ(out.find("ADVMARK-NET-CONNECTED"), std::string::npos) << shown;
      const int conn = ::accept(listener_, nullptr, nullptr);
      EXPECT_LT(conn, 0) << "the program reached a host listener";
      if (conn >= 0) ::close(conn);
      break;
    }
    default: break;
  }
  // Nothing of the run is left: no process carrying its marker (fork bombs name themselves
  // ADVM-fork-<code>; only the fork bomb case looks, since ctest runs this language's fork
  // bomb beside its other cases), no cgroup of the `proctor` process that ran it.
  if (p.c == Case::kForkBomb) {
    EXPECT_EQ(ProcessesWith("ADVM-fork-" + p.language.code, ran.pid), std::vector<std::string>{});
  }
  EXPECT_EQ(CgroupsOf(ran.pid), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(Languages, HostileMatrixTest, ::testing::ValuesIn(Params()),
                         [](const ::testing::TestParamInfo<Param>& info) {
                           return info.param.language.name + "_" + info.param.case_name;
                         });

// Each language's unit-style pack: `proctor pack check` grades the reference (1.0 required),
// a wrong solution and one that exits 0 before the tests ran (each below 1.0 required).
class UnitStyleTest : public ::testing::TestWithParam<std::string> {};

std::vector<std::string> UnitPacks() {
  std::vector<std::string> out;
  for (const LanguageFiles& l : kLanguages)
    if (Defined(l.name) && fs::exists(kHostile / l.name / "unit" / "pack.yaml"))
      out.push_back(l.name);
  return out;
}

TEST_P(UnitStyleTest, ReferencePassesWrongAndEarlyExitDoNot) {
  const fs::path pack = kHostile / GetParam() / "unit";
  const auto out = proctor::testing::RunCommand({kProctor, "pack", "check", pack.string()});
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find(" 0 problems)"), std::string::npos) << out.out << out.err;
}

INSTANTIATE_TEST_SUITE_P(Languages, UnitStyleTest, ::testing::ValuesIn(UnitPacks()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace

namespace {

TEST(GoTestStyle, ATestFileDefiningTestMainIsRefusedAtTheTest) {
  // Proctor's harness is the test binary's TestMain: a pack's own would replace it (and the
  // marker), so such a pack does not load.
  if (!Defined("go")) GTEST_SKIP() << "languages/go.yaml is not there";
  const fs::path dir = fs::temp_directory_path() /
                       ("proctor-matrix-testmain-" + std::to_string(::getpid()));
  fs::create_directories(dir / "tasks");
  std::ofstream(dir / "pack.yaml") << "name: testmain\nversion: \"1\"\n";
  std::ofstream(dir / "tasks" / "t.yaml")
      << "id: t\nprompt: p\nlanguages: [go]\ntests:\n"
         "  - unit:\n      style: go_test\n      code: |\n        package main\n"
         "        import \"testing\"\n"
         "        func TestMain(m *testing.M) { m.Run() }\n";
  const auto out = proctor::testing::RunCommand({kProctor, "pack", "check", dir.string()});
  fs::remove_all(dir);
  EXPECT_EQ(out.exit_code, 2) << out.out << out.err;
  EXPECT_NE((out.out + out.err).find("tasks/t.yaml:5:5: a go_test file must not define TestMain"),
            std::string::npos)
      << out.out << out.err;
}

}  // namespace
