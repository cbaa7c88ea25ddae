// Each isolation layer, proven by a tiny program run through the real sandbox: what it can see,
// which calls kill it, which limits stop it, and that nothing of a run outlives it.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "grader/languages/program.h"
#include "sandbox/sandbox.h"
#include "tests/support/host_check.h"

namespace proctor::sandbox {
namespace {

using nlohmann::json;
const std::string kTestcases = PROCTOR_TESTCASES;

// Every property is checked on both launchers: the fork server (proctor-zygote, the default,
// Python scripts run in-process) and a fresh proctor-keeper per run.
enum class Launcher { kForkServer, kFreshKeeper };

class IsolationTest : public ::testing::TestWithParam<Launcher> {
 protected:
  static void SetUpTestSuite() {
    for (Launcher launcher : {Launcher::kForkServer, Launcher::kFreshKeeper}) {
      SandboxConfig config;
      config.keeper_path = PROCTOR_KEEPER;
      config.use_fork_server = launcher == Launcher::kForkServer;
      std::string error;
      Sandbox* sandbox = Sandbox::Create(config, &error).release();
      ASSERT_NE(sandbox, nullptr) << error;
      sandboxes_[static_cast<int>(launcher)] = sandbox;
    }
    grader::CompileOutcome compile;
    probe_ = grader::PreparedProgram::Prepare(
                 *sandboxes_[0], *grader::FindLanguage("cpp"),
                 testing::ReadFileOrEmpty(kTestcases + "/syscall_probe.cc"), &compile)
                 .release();
    ASSERT_NE(probe_, nullptr) << compile.message;
  }
  static void TearDownTestSuite() {
    delete probe_;
    for (Sandbox*& s : sandboxes_) {
      delete s;
      s = nullptr;
    }
  }

  Sandbox* sandbox() const { return sandboxes_[static_cast<int>(GetParam())]; }

  Result RunPython(const std::string& file, std::vector<std::string> extra_args = {},
                   Limits limits = {}) {
    grader::CompileOutcome compile;
    auto program = grader::PreparedProgram::Prepare(
        *sandbox(), *grader::FindLanguage("python"),
        testing::ReadFileOrEmpty(kTestcases + "/" + file), &compile);
    RunSpec spec = program->MakeRunSpec(limits, "");
    spec.argv.insert(spec.argv.end(), extra_args.begin(), extra_args.end());
    return sandbox()->Run(spec);
  }
  // As a script file, so that the fork server runs it in its preloaded interpreter.
  RunSpec PythonCodeSpec(const std::string& code, Limits limits = {}) {
    RunSpec spec;
    spec.argv = {"/usr/bin/python3", "-I", "-S", "main.py"};
    spec.policy.files = {{"main.py", code, false}};
    spec.policy.readonly_paths = grader::FindLanguage("python")->readonly_paths;
    spec.policy.limits = limits;
    return spec;
  }
  Result RunPythonCode(const std::string& code, Limits limits = {}) {
    return sandbox()->Run(PythonCodeSpec(code, limits));
  }
  Result RunProbe(const std::string& call) {
    RunSpec spec = probe_->MakeRunSpec({}, "");
    spec.argv.push_back(call);
    return sandbox()->Run(spec);
  }

  static inline Sandbox* sandboxes_[2] = {nullptr, nullptr};
  static inline grader::PreparedProgram* probe_ = nullptr;
};

TEST_P(IsolationTest, EveryLayerIsActiveOnThisHost) {
  for (const LayerState& l : sandbox()->host_layers().layers)
    EXPECT_TRUE(l.active) << LayerName(l.layer) << ": " << l.detail;
}

TEST_P(IsolationTest, ProgramSeesOnlyItsOwnWorld) {
  Result r = RunPython("isolation_probe.py");
  ASSERT_EQ(r.status, Status::kOk) << r.error << r.stderr_data;
  json p = json::parse(r.stdout_data);
  // user namespace: an unprivileged uid, no capabilities, no_new_privs.
  EXPECT_EQ(p["uid"], 1000);
  EXPECT_EQ(p["euid"], 1000);
  EXPECT_EQ(p["gid"], 1000);
  EXPECT_EQ(p["cap_eff"], "0000000000000000");
  EXPECT_EQ(p["cap_prm"], "0000000000000000");
  EXPECT_EQ(p["cap_bnd"], "0000000000000000");
  EXPECT_EQ(p["no_new_privs"], "1");
  EXPECT_EQ(p["seccomp"], "2");  // filter mode
  // pid namespace: not pid 1, and only the run's own processes are visible.
  EXPECT_EQ(p["pid"], 2);
  EXPECT_EQ(p["pids"], json::array({1, 2}));
  // uts namespace.
  EXPECT_EQ(p["hostname"], "proctor");
  // network namespace: at most a loopback that is down, no connection anywhere.
  for (const auto& iface : p["net"]) EXPECT_EQ(iface, "lo");
  EXPECT_FALSE(p["connected"].get<bool>());
  // fds: only stdin, stdout, stderr (and the one listdir itself opens).
  EXPECT_LE(p["fds"].size(), 4u) << p["fds"].dump();
  for (int fd : p["fds"]) EXPECT_TRUE(fd <= 3) << fd;
  // rlimits: hard == soft, so they cannot be raised back.
  for (const auto& [name, pair] : p["rlimits"].items())
    EXPECT_EQ(pair[0], pair[1]) << name;
  EXPECT_EQ(p["rlimits"]["RLIMIT_CORE"][0], 0);
  // mount namespace: a minimal read-only root; writable only the capped work space.
  for (const char* hidden : {"/home", "/root", "/etc/shadow", "/work", "/usr/include", "/sys"})
    EXPECT_FALSE(p["exists"][hidden].get<bool>()) << hidden;
  EXPECT_FALSE(p["writable"]["/"].get<bool>());
  EXPECT_FALSE(p["writable"]["/usr"].get<bool>());
  EXPECT_FALSE(p["writable"]["/etc"].get<bool>());
  EXPECT_TRUE(p["writable"]["/box"].get<bool>());
  EXPECT_TRUE(p["writable"]["/tmp"].get<bool>());
  EXPECT_TRUE(p["writable"]["/dev/shm"].get<bool>());
  EXPECT_EQ(p["cwd"], "/box");
  // environment: the allowlist only, nothing of the host's.
  EXPECT_EQ(p["env"], json::array({"HOME", "LANG", "PATH", "TMPDIR"}));
}

TEST_P(IsolationTest, SeccompKillsEachDangerousCall) {
  for (const char* call :
       {"ptrace", "process_vm_readv", "mount", "umount2", "pivot_root", "chroot", "unshare",
        "setns", "bpf", "perf_event_open", "keyctl", "add_key", "kexec_load", "init_module",
        "reboot", "io_uring_setup", "userfaultfd", "open_by_handle_at", "clone_newuser",
        "clone_newnet", "x32"}) {
    Result r = RunProbe(call);
    EXPECT_EQ(r.status, Status::kViolation) << call << ": " << r.stdout_data << r.error;
    EXPECT_EQ(r.stdout_data.find("REACHED"), std::string::npos) << r.stdout_data;
  }
}

TEST_P(IsolationTest, Clone3IsRefusedSoLibcFallsBackToInspectableClone) {
  Result r = RunProbe("clone3");
  EXPECT_EQ(r.status, Status::kOk) << r.error;
  EXPECT_EQ(r.stdout_data, "REFUSED clone3 errno=38\n");  // ENOSYS
}

TEST_P(IsolationTest, FiftyMegabyteFloodStopsAtTheCapPromptly) {
  Result r = RunPythonCode(
      "import os\nb = b'x' * 65536\nfor _ in range(800): os.write(1, b)\n");
  EXPECT_EQ(r.status, Status::kOutputLimit);
  EXPECT_TRUE(r.stdout_truncated);
  EXPECT_EQ(r.stdout_data.size(), Limits{}.stdout_bytes);
  EXPECT_LT(r.wall_seconds, 2.0);
}

TEST_P(IsolationTest, StdoutAndStderrAreDrainedConcurrently) {
  Result r = RunPythonCode(
      "import sys\nsys.stderr.write('e' * 786432)\nsys.stdout.write('o' * 786432)\n");
  EXPECT_EQ(r.status, Status::kOk) << r.error;
  EXPECT_EQ(r.stdout_data.size(), 786432u);
  EXPECT_EQ(r.stderr_data.size(), 786432u);
}

TEST_P(IsolationTest, MemoryBombIsStoppedByTheCgroupWithoutSwap) {
  Limits limits;
  limits.memory_bytes = 64 * kMiB;
  Result r = RunPythonCode("x = []\nwhile True: x.append(bytearray(8 << 20))\n", limits);
  EXPECT_EQ(r.status, Status::kMemoryLimit) << r.error << r.stderr_data;
  EXPECT_LE(r.peak_memory_bytes, 64 * kMiB + kMiB);
}

TEST_P(IsolationTest, ForkBombIsBoundedByThePidsLimit) {
  Limits limits;
  limits.max_processes = 16;
  limits.wall_seconds = 3;
  limits.cpu_seconds = 1;
  Result r = RunPythonCode("import os\nwhile True:\n  try: os.fork()\n  except OSError: pass\n",
                           limits);
  EXPECT_TRUE(r.status == Status::kCpuTimeout || r.status == Status::kWallTimeout)
      << StatusName(r.status);
  EXPECT_TRUE(r.pids_limit_hit);
  EXPECT_EQ(testing::LeftoverRunCgroups(), std::vector<std::string>{});
}

TEST_P(IsolationTest, CpuTimeCountsEveryThread) {
  Limits limits;
  limits.cpu_seconds = 1;
  limits.wall_seconds = 10;
  Result r = RunPythonCode(
      "import threading\n"
      "def spin():\n  while True: pass\n"
      "for _ in range(4): threading.Thread(target=spin, daemon=True).start()\n"
      "spin()\n",
      limits);
  EXPECT_EQ(r.status, Status::kCpuTimeout);
  EXPECT_GE(r.cpu_seconds, 1.0);
  EXPECT_LT(r.cpu_seconds, 1.5);
}

TEST_P(IsolationTest, WritableSpaceIsCappedInBytesAndInodes) {
  Limits limits;
  limits.disk_bytes = 4 * kMiB;
  limits.disk_inodes = 64;
  Result r = RunPythonCode(
      "import os\n"
      "try:\n  open('/tmp/big', 'wb').write(b'x' * (8 << 20)); print('big ok')\n"
      "except OSError as e: print('big', e.errno)\n"
      "os.remove('/tmp/big')\n"
      "n = 0\n"
      "try:\n  for i in range(1000): open('/box/f%d' % i, 'w').close(); n += 1\n"
      "except OSError as e: print('inodes', e.errno, n < 64)\n",
      limits);
  EXPECT_EQ(r.status, Status::kOk) << r.error << r.stderr_data;
  // EFBIG (the file-size rlimit) or ENOSPC (the tmpfs, which also holds main.py): capped.
  EXPECT_TRUE(r.stdout_data.find("big 27") != std::string::npos ||
              r.stdout_data.find("big 28") != std::string::npos)
      << r.stdout_data;
  EXPECT_NE(r.stdout_data.find("inodes 28 True"), std::string::npos) << r.stdout_data;
}

TEST_P(IsolationTest, SetsidAndDoubleForkSurvivorsDieWithTheRun) {
  std::random_device rd;
  const std::string token = "proctor-survivor-" + std::to_string(rd());
  Result r = RunPython("survivors.py", {token});
  EXPECT_EQ(r.status, Status::kOk) << r.error;
  EXPECT_EQ(r.stdout_data, "parent done\n");
  EXPECT_LT(r.wall_seconds, 3.0) << "the run must not wait for survivors to exit";
  DIR* d = ::opendir("/proc");
  while (dirent* e = ::readdir(d)) {
    std::string pid = e->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = testing::ReadFileOrEmpty("/proc/" + pid + "/cmdline");
    EXPECT_EQ(cmd.find(token), std::string::npos) << "survivor pid " << pid;
  }
  ::closedir(d);
  EXPECT_EQ(testing::LeftoverRunCgroups(), std::vector<std::string>{});
}

// Each run reports the host's monotonic clock (not namespaced) when it starts and ends, so the
// test checks that runs really were alive at the same time instead of hoping they were.
TEST_P(IsolationTest, ConcurrentRunsOnOneEventLoopDoNotMix) {
  boost::asio::io_context io;
  std::vector<Result> results(8);
  for (int i = 0; i < 8; ++i) {
    RunSpec spec = PythonCodeSpec(
        "import os, time\nstart = time.monotonic()\ntime.sleep(0.2)\n"
        "print(" + std::to_string(i) +
        ", len([p for p in os.listdir('/proc') if p.isdigit()]))\n"
        "print(start, time.monotonic())\n");
    sandbox()->AsyncRun(io.get_executor(), spec, [&results, i](Result r) { results[i] = r; });
  }
  io.run();
  std::vector<std::pair<double, double>> alive;  // [start, end] of each run
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(results[i].status, Status::kOk) << results[i].error;
    std::istringstream out(results[i].stdout_data);
    std::string first_line;
    std::getline(out, first_line);
    EXPECT_EQ(first_line, std::to_string(i) + " 2");  // its own output, and alone in its pid ns
    double start = 0, end = 0;
    if (out >> start >> end) alive.emplace_back(start, end);
  }
  ASSERT_EQ(alive.size(), 8u);
  bool overlapped = false;
  for (size_t a = 0; a < alive.size(); ++a)
    for (size_t b = a + 1; b < alive.size(); ++b)
      overlapped |= alive[a].first < alive[b].second && alive[b].first < alive[a].second;
  EXPECT_TRUE(overlapped) << "no two runs were alive at the same time: nothing was tested";
}

// Two runs at the same time: what one leaves or attempts (files in /tmp and /dev/shm, an
// abstract socket, SysV shared memory, kill(-1)) is invisible to and harmless for the other.
// The runs take turns by handshake over pipes (fds 3-5), so each step happens while the other
// run is alive, however loaded the machine is: the victim looks only once everything is
// planted, and the attacker kill(-1)s only once the victim has looked and waits for the result.
TEST_P(IsolationTest, ConcurrentRunsCannotSeeOrAffectEachOther) {
  const std::string attacker = R"(
import os, socket, ctypes
open('/tmp/planted', 'w').write('x')
open('/dev/shm/planted', 'w').write('x')
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind('\0proctor-planted'); s.listen(1)
libc = ctypes.CDLL(None, use_errno=True)
print('shm', libc.shmget(0x5eed, 4096, 0o1666))
os.write(3, b'p')                  # planted
print('victim looked', os.read(4, 1) == b'l', flush=True)
try:
    os.kill(-1, 9)                 # every process it can reach (none: ESRCH)
except ProcessLookupError:
    pass
print('attacker done', flush=True)
os.write(5, b'k')                  # killed what it could
)";
  const std::string victim = R"(
import os, socket, ctypes
assert os.read(3, 1) == b'p'       # everything is planted now
seen = []
for path in ('/tmp/planted', '/dev/shm/planted'):
    if os.path.exists(path): seen.append(path)
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect('\0proctor-planted')
    seen.append('socket')
except OSError:
    pass
libc = ctypes.CDLL(None, use_errno=True)
if libc.shmget(0x5eed, 0, 0o666) >= 0: seen.append('shm')
os.write(4, b'l')                  # looked
assert os.read(5, 1) == b'k'       # the attacker's kill(-1) has happened
print('victim alive, saw', seen)
)";
  int planted[2], looked[2], killed[2];
  ASSERT_EQ(::pipe(planted), 0);
  ASSERT_EQ(::pipe(looked), 0);
  ASSERT_EQ(::pipe(killed), 0);
  RunSpec a_spec = PythonCodeSpec(attacker), b_spec = PythonCodeSpec(victim);
  a_spec.pass_fds = {planted[1], looked[0], killed[1]};
  b_spec.pass_fds = {planted[0], looked[1], killed[0]};
  boost::asio::io_context io;
  Result a, b;
  sandbox()->AsyncRun(io.get_executor(), a_spec, [&a](Result r) { a = r; });
  sandbox()->AsyncRun(io.get_executor(), b_spec, [&b](Result r) { b = r; });
  for (int fd : {planted[0], planted[1], looked[0], looked[1], killed[0], killed[1]}) ::close(fd);
  io.run();
  EXPECT_NE(a.stdout_data.find("victim looked True"), std::string::npos)
      << a.stdout_data << a.stderr_data;
  EXPECT_NE(a.stdout_data.find("attacker done"), std::string::npos) << a.stdout_data << a.stderr_data;
  EXPECT_NE(a.stdout_data.find("shm "), std::string::npos);
  EXPECT_EQ(b.status, Status::kOk) << b.stderr_data;
  EXPECT_EQ(b.stdout_data, "victim alive, saw []\n");
}

// A run starts from the launcher's memory image (the zygote's, forked): nothing of an earlier
// run's files may be in it. The first run's secret is searched for in the second's memory.
TEST_P(IsolationTest, LaterRunsFindNothingOfEarlierRunsInTheirMemory) {
  std::mt19937_64 rng(std::random_device{}());
  char token[33];
  std::snprintf(token, sizeof token, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  const std::string secret = std::string("ZYGSECRET-") + token;
  Result first = RunPythonCode("SECRET = '" + secret + "'\nprint(len(SECRET))\n");
  ASSERT_EQ(first.status, Status::kOk) << first.stderr_data;
  // The scanner knows only the secret's hash, so its own memory holds no copy of the secret.
  // Positive control: a second secret the scanner builds at run time must be found.
  const std::string control_token = std::string(token).substr(16) + std::string(token).substr(0, 16);
  const std::string scanner = R"(
import hashlib, re
CONTROL = 'ZYGSECRET-' + CONTROL_TOKEN
pattern = re.compile(rb'ZYGSECRET-[0-9a-f]{32}')
found = control = 0
with open('/proc/self/maps') as maps, open('/proc/self/mem', 'rb', 0) as mem:
    for line in maps:
        addr, perms = line.split()[:2]
        if 'r' not in perms or '[vvar]' in line or '[vsyscall]' in line: continue
        lo, hi = (int(x, 16) for x in addr.split('-'))
        try:
            mem.seek(lo); data = mem.read(hi - lo)
        except OSError:
            continue
        for m in pattern.finditer(data):
            digest = hashlib.sha256(m.group()).hexdigest()
            found += digest == HASH
            control += digest == CONTROL_HASH
print('found', found, 'control found', control > 0)
)";
  Result hashes = RunPythonCode("import hashlib\nfor s in (b'" + secret + "', b'ZYGSECRET-" +
                                control_token + "'):\n  print(hashlib.sha256(s).hexdigest())\n");
  ASSERT_EQ(hashes.stdout_data.size(), 130u) << hashes.stdout_data << hashes.stderr_data;
  Result second = RunPythonCode("HASH = '" + hashes.stdout_data.substr(0, 64) +
                                "'\nCONTROL_HASH = '" + hashes.stdout_data.substr(65, 64) +
                                "'\nCONTROL_TOKEN = '" + control_token + "'\n" + scanner);
  EXPECT_EQ(second.status, Status::kOk) << second.stderr_data;
  EXPECT_EQ(second.stdout_data, "found 0 control found True\n");
}

// The fork server dying mid-run is Proctor's failure (sandbox_error, never the program's
// fault), leaves nothing behind, and the next run gets a new fork server.
TEST_P(IsolationTest, ADeadForkServerFailsItsRunsAsSandboxErrorAndIsReplaced) {
  if (GetParam() != Launcher::kForkServer) GTEST_SKIP() << "fork server only";
  ASSERT_EQ(RunPythonCode("print('warm')").status, Status::kOk);
  auto zygotes = [] {
    std::vector<pid_t> out;
    DIR* d = ::opendir("/proc");
    while (dirent* e = ::readdir(d)) {
      pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
      if (pid <= 0) continue;
      std::string stat = testing::ReadFileOrEmpty("/proc/" + std::string(e->d_name) + "/stat");
      // "pid (comm) state ppid ...": our own fork servers only.
      size_t close = stat.rfind(')');
      if (stat.find("(proctor-zygote)") == std::string::npos || close == std::string::npos)
        continue;
      if (std::atoi(stat.c_str() + close + 4) == ::getpid()) out.push_back(pid);
    }
    ::closedir(d);
    return out;
  };
  std::vector<pid_t> before = zygotes();
  ASSERT_EQ(before.size(), 1u);
  boost::asio::io_context io;
  Result sleeper;
  sandbox()->AsyncRun(io.get_executor(), PythonCodeSpec("import time\ntime.sleep(30)\n"),
                      [&sleeper](Result r) { sleeper = r; });
  io.run_for(std::chrono::milliseconds(500));
  ::kill(before[0], SIGKILL);
  auto start = std::chrono::steady_clock::now();
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(sleeper.status, Status::kSandboxError);
  EXPECT_NE(sleeper.error.find("zygote"), std::string::npos) << sleeper.error;
  Result next = RunPythonCode("print('again')");
  EXPECT_EQ(next.status, Status::kOk) << next.error;
  EXPECT_EQ(next.stdout_data, "again\n");
  std::vector<pid_t> after = zygotes();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0], before[0]);
  EXPECT_EQ(testing::LeftoverRunCgroups(), std::vector<std::string>{});
}

TEST_P(IsolationTest, MissingProgramIsSandboxErrorNotTheProgramsFault) {
  RunSpec spec;
  spec.argv = {"/usr/bin/does-not-exist"};
  Result r = sandbox()->Run(spec);
  EXPECT_EQ(r.status, Status::kSandboxError);
  EXPECT_NE(r.error.find("No such file"), std::string::npos) << r.error;
}

// A step of the program's own set-up (after init forked it, before exec) that fails is
// Proctor's failure, and the error names the step and its errno. The program's process places
// stdin, stdout, stderr and the passed descriptors at 0, 1, 2, 3, ..., at most 64 of them.
TEST_P(IsolationTest, AFailedSetupStepOfTheProgramsProcessIsNamedInTheError) {
  std::vector<int> fds;
  for (int i = 0; i < 62; ++i) fds.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_EQ(std::count(fds.begin(), fds.end(), -1), 0);
  Limits limits;
  limits.open_files = 128;  // room for the 64, and for python3 to load its libraries
  RunSpec spec =
      PythonCodeSpec("import os\nprint(len(os.listdir('/proc/self/fd')))\n", limits);
  spec.pass_fds.assign(fds.begin(), fds.begin() + 61);  // 64 in all: the most there may be
  Result fits = sandbox()->Run(spec);
  spec.pass_fds = fds;  // one too many
  Result too_many = sandbox()->Run(spec);
  for (int fd : fds) ::close(fd);

  EXPECT_EQ(fits.status, Status::kOk) << fits.error << fits.stderr_data;
  EXPECT_EQ(fits.stdout_data, "65\n");  // 0..63 and listdir's own
  EXPECT_EQ(too_many.status, Status::kSandboxError) << too_many.stdout_data;
  EXPECT_NE(too_many.error.find(std::string("program setup: too many descriptors: ") +
                                std::strerror(EMFILE)),
            std::string::npos)
      << too_many.error;
}

TEST_P(IsolationTest, CompileErrorIsReportedWithTheCompilersMessage) {
  grader::CompileOutcome compile;
  auto program = grader::PreparedProgram::Prepare(*sandbox(), *grader::FindLanguage("cpp"),
                                                  "int main() { return undefined_name; }\n",
                                                  &compile);
  EXPECT_EQ(program, nullptr);
  EXPECT_FALSE(compile.ok);
  EXPECT_FALSE(compile.infra_error);
  EXPECT_NE(compile.message.find("undefined_name"), std::string::npos) << compile.message;
  EXPECT_NE(compile.message.find("was not declared"), std::string::npos)
      << compile.message;
}

TEST_P(IsolationTest, SameCppSourceCompilesOnceThenComesFromTheCache) {
  // A source no earlier run can have cached: a fresh random constant.
  const std::string token = std::to_string(std::random_device{}());
  const std::string source = "#include <cstdio>\nint main() { std::puts(\"" + token + "\"); }\n";
  grader::CompileOutcome first, second;
  auto a = grader::PreparedProgram::Prepare(*sandbox(), *grader::FindLanguage("cpp"), source, &first);
  auto b = grader::PreparedProgram::Prepare(*sandbox(), *grader::FindLanguage("cpp"), source, &second);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(first.cached);
  EXPECT_TRUE(second.cached);
  Result r = sandbox()->Run(b->MakeRunSpec({}, ""));
  EXPECT_EQ(r.status, Status::kOk) << r.error;
  EXPECT_EQ(r.stdout_data, token + "\n");
  // A compile error is never cached: reported exactly, every time.
  grader::CompileOutcome bad1, bad2;
  grader::PreparedProgram::Prepare(*sandbox(), *grader::FindLanguage("cpp"), "int main( {", &bad1);
  grader::PreparedProgram::Prepare(*sandbox(), *grader::FindLanguage("cpp"), "int main( {", &bad2);
  EXPECT_FALSE(bad2.cached);
  EXPECT_EQ(bad1.message, bad2.message);
  EXPECT_NE(bad2.message.find("error"), std::string::npos);
}

TEST(LayerPlan, MissingLayerIsAStartupErrorNamingIt) {
  HostLayers host;
  for (Layer layer : kAllLayers) host.layers.push_back({layer, true, "ok"});
  host.layers[6].active = false;
  ASSERT_EQ(host.layers[6].layer, Layer::kSeccomp);
  host.layers[6].detail = "kernel without seccomp";
  LayerPlan plan;
  std::string error;
  EXPECT_FALSE(PlanLayers(host, {}, &plan, &error));
  EXPECT_NE(error.find("seccomp (kernel without seccomp)"), std::string::npos) << error;
  EXPECT_TRUE(PlanLayers(host, {Layer::kSeccomp}, &plan, &error));
  EXPECT_FALSE(plan.seccomp);
  EXPECT_TRUE(plan.pid_ns);
}

INSTANTIATE_TEST_SUITE_P(Launchers, IsolationTest,
                         ::testing::Values(Launcher::kForkServer, Launcher::kFreshKeeper),
                         [](const ::testing::TestParamInfo<Launcher>& info) {
                           return info.param == Launcher::kForkServer ? "ForkServer"
                                                                      : "FreshKeeper";
                         });

}  // namespace
}  // namespace proctor::sandbox
