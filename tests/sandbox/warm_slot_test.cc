// Warm slots (issue 11): a slot's namespaces, root and cgroup are reused run after run, so
// nothing a run leaves may reach the next run in that slot. testcases/warm/hostile.py leaves
// every kind of state it can (files, a full quota, SysV and POSIX IPC, sockets and ports,
// survivors, charged memory, a changed environment); testcases/warm/honest.py then looks for
// each kind and uses its whole disk and memory limits. The reuse is forced (one slot), the
// pair also runs at the same time in two slots, and a slot that fails its after-run
// verification is replaced, never reused.
#include <fcntl.h>
#include <mqueue.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "grader/languages/language.h"
#include "sandbox/sandbox.h"
#include "tests/support/host_check.h"

namespace proctor::sandbox {

// Statuses by name in gtest's messages.
void PrintTo(Status status, std::ostream* os) { *os << StatusName(status); }

namespace {

using nlohmann::json;

const std::string kWarmCases = std::string(PROCTOR_TESTCASES) + "/warm";

// Both programs run under the same limits. The hostile run charges about 120 MiB (a 40 MiB
// /dev/shm file, a 48 MiB SysV segment, the rest of the 64 MiB quota in /tmp); the honest run
// touches 170 MiB of its 192 (its peak is about 175 MiB): any 17 MiB of an earlier run still
// charged to the slot's cgroup gets it killed (memory_limit).
constexpr uint64_t kMemoryBytes = 192 * kMiB;
constexpr uint64_t kDiskBytes = 64 * kMiB;
constexpr uint64_t kDiskInodes = 256;
constexpr uint64_t kHonestDiskWrite = kDiskBytes - 1 * kMiB;
constexpr uint64_t kHonestMemoryTouch = 170 * kMiB;
// A fresh quota holds the root, the three writable dirs and the script: a few blocks, inodes.
constexpr uint64_t kFreshBytesUsedAtMost = 64 * 1024;
constexpr uint64_t kFreshInodesUsedAtMost = 8;
// What hostile.py names, as the host would see it if anything escaped.
constexpr key_t kSysvKey = 0x5A17C0DE;
const char* const kMqueueName = "/proctor-warm";
const int kHostilePorts[] = {47011, 47012, 47013, 47014, 47021, 47022};

Limits WarmLimits() {
  Limits limits;
  limits.memory_bytes = kMemoryBytes;
  limits.disk_bytes = kDiskBytes;
  limits.disk_inodes = kDiskInodes;
  limits.wall_seconds = 20;
  limits.cpu_seconds = 10;
  return limits;
}

// `python3 -I -S file args...` with the file in the work dir, so that the fork server runs it
// in its preloaded interpreter. Both programs share one root shape, hence one kind of slot.
RunSpec PythonSpec(const std::string& file, const std::vector<std::string>& args) {
  RunSpec spec;
  spec.argv = {"/usr/bin/python3", "-I", "-S", file};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.policy.files = {{file, testing::ReadFileOrEmpty(kWarmCases + "/" + file), false}};
  spec.policy.readonly_paths = grader::FindLanguage("python")->readonly_paths;
  spec.policy.limits = WarmLimits();
  return spec;
}
// hostile.py's flags: --handshake (fd 3 and 4, see the concurrent test), --inflight-cycle.
RunSpec HostileSpec(const std::vector<std::string>& flags = {}) {
  return PythonSpec("hostile.py", flags);
}
RunSpec HonestSpec() {
  return PythonSpec("honest.py", {std::to_string(kHonestDiskWrite),
                                  std::to_string(kHonestMemoryTouch)});
}

// hostile.py then honest.py in one run (testcases/warm/control.py): proof that honest.py's
// checks see each kind of state when it is there.
RunSpec ControlSpec() {
  RunSpec spec = PythonSpec("control.py", {std::to_string(kHonestDiskWrite),
                                           std::to_string(kHonestMemoryTouch)});
  for (const char* file : {"hostile.py", "honest.py"})
    spec.policy.files.push_back({file, testing::ReadFileOrEmpty(kWarmCases + "/" + file), false});
  return spec;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

json ParseLine(const std::vector<std::string>& lines, size_t index) {
  if (index >= lines.size()) return json();
  return json::parse(lines[index], nullptr, /*allow_exceptions=*/false);
}

std::string Describe(const Result& r) {
  return std::string(StatusName(r.status)) + " error=" + r.error + " detail=" + r.detail +
         "\nstdout: " + r.stdout_data.substr(0, 4000) + "\nstderr: " + r.stderr_data;
}

bool Succeeded(const json& attempt) { return attempt.is_boolean() && attempt.get<bool>(); }

// The hostile run really left each kind of state (else the honest run's findings prove
// nothing), and it did not wait for its survivors.
void ExpectHostileLeftEverything(const Result& r) {
  SCOPED_TRACE("hostile run");
  ASSERT_EQ(r.status, Status::kOk) << Describe(r);
  EXPECT_LT(r.wall_seconds, 10.0) << "the run must end when its main process exits";
  json h = ParseLine(Lines(r.stdout_data), 0);  // non-const: a missing key reads as null
  ASSERT_TRUE(h.is_object()) << r.stdout_data;
  for (const char* kind : {"daemon", "child"}) {
    SCOPED_TRACE(kind);
    ASSERT_TRUE(h["survivors"].contains(kind)) << h["survivors"].dump();
    json& s = h["survivors"][kind];
    EXPECT_TRUE(Succeeded(s["abstract"])) << s.dump();
    EXPECT_TRUE(Succeeded(s["tcp"])) << s.dump();
    EXPECT_TRUE(Succeeded(s["deleted_file"])) << s.dump();
  }
  // The daemon is a session leader's child (setsid, then a second fork); the child is not.
  EXPECT_NE(h["survivors"]["daemon"]["sid"], h["survivors"]["child"]["sid"]);
  for (const char* key : {"file /box", "file /tmp", "file /dev/shm", "dir /tmp",
                          "abstract_socket", "path_socket", "tcp_any", "udp_any"})
    EXPECT_TRUE(Succeeded(h[key])) << key << ": " << h[key].dump();
  EXPECT_EQ(h["shm_file"], json::array({40 * kMiB, 0}));
  EXPECT_EQ(h["sysv_shm"]["touched"], 48 * kMiB) << h["sysv_shm"].dump();
  EXPECT_EQ(h["sysv_shm_private"]["touched"], kMiB) << h["sysv_shm_private"].dump();
  EXPECT_TRUE(h["sysv_sem"].is_number_integer()) << h["sysv_sem"].dump();
  EXPECT_GT(h["sysv_msg"].value("sent", 0), 0) << h["sysv_msg"].dump();
  // RLIMIT_MSGQUEUE is 0 in the sandbox (sandbox/linux/rlimits.cc): creating any POSIX queue
  // is refused with EMFILE. Should that limit ever go, the queue must be created and sent to.
  const json refused_by_rlimit = {{"errno", EMFILE}};
  EXPECT_TRUE(h["mqueue"] == refused_by_rlimit || h["mqueue"].value("sent", 0) == 7)
      << h["mqueue"].dump();
  // The loopback is down, so 127.0.0.1 has no address: binding it may be refused.
  const json refused_no_address = {{"errno", EADDRNOTAVAIL}};
  for (const char* key : {"tcp_loopback", "udp_loopback"})
    EXPECT_TRUE(Succeeded(h[key]) || h[key] == refused_no_address) << h[key].dump();
  EXPECT_EQ(h["lo_up"], json({{"errno", EPERM}})) << "the program may not bring lo up";
  EXPECT_EQ(h["cwd"], "/tmp");
  EXPECT_NE(std::find(h["environ"].begin(), h["environ"].end(), "ADVMARK_ENV"),
            h["environ"].end());
  // The quota is full: bytes first, then inodes.
  EXPECT_EQ(h["disk_fill"][1], ENOSPC) << h["disk_fill"].dump();
  EXPECT_EQ(h["inode_fill"][1], ENOSPC) << h["inode_fill"].dump();
  EXPECT_LT(h["statvfs_after"]["bytes_free"].get<uint64_t>(), 64 * 1024u);
  EXPECT_EQ(h["statvfs_after"]["inodes_free"], 0);
}

// The honest run finds nothing of any earlier run and gets its full limits.
void ExpectHonestFoundNothing(const Result& r, const RunSpec& spec) {
  SCOPED_TRACE("honest run");
  ASSERT_EQ(r.status, Status::kOk) << Describe(r);
  const std::vector<std::string> lines = Lines(r.stdout_data);
  json s = ParseLine(lines, 0);  // non-const: a missing key reads as null
  ASSERT_TRUE(s.is_object()) << r.stdout_data << r.stderr_data;
  // Processes: its init and itself; no survivor of an earlier run.
  EXPECT_EQ(s["processes"].size(), 2u) << s["processes"].dump();
  EXPECT_TRUE(s["processes"].contains("1")) << s["processes"].dump();
  EXPECT_TRUE(s["processes"].contains(std::to_string(s["self"].get<int>())));
  for (const auto& [pid, comm] : s["processes"].items())
    EXPECT_EQ(comm.get<std::string>().find("ADVMARK"), std::string::npos) << pid;
  // Files: the work dir holds only the script; /tmp and /dev/shm are empty.
  EXPECT_EQ(s["files"]["/box"], json::array({"honest.py"}));
  EXPECT_EQ(s["files"]["/tmp"], json::array());
  EXPECT_EQ(s["files"]["/dev/shm"], json::array());
  EXPECT_FALSE(s["path_socket_exists"].get<bool>());
  // A socket kept alive only by its own descriptor in flight is gone with its name.
  EXPECT_EQ(s["inflight_sendto"], ECONNREFUSED);
  // The whole quota is free: bytes and inodes.
  json& st = s["statvfs"];
  EXPECT_EQ(st["bytes_total"], kDiskBytes);
  EXPECT_GE(st["bytes_free"].get<uint64_t>(), kDiskBytes - kFreshBytesUsedAtMost) << st.dump();
  EXPECT_EQ(st["inodes_total"], kDiskInodes);
  EXPECT_GE(st["inodes_free"].get<uint64_t>(), kDiskInodes - kFreshInodesUsedAtMost)
      << st.dump();
  EXPECT_EQ(s["disk_write"], json::array({kHonestDiskWrite, 0}));
  EXPECT_EQ(s["inodes_created"][1], ENOSPC) << s["inodes_created"].dump();
  EXPECT_GE(s["inodes_created"][0].get<uint64_t>(), kDiskInodes - kFreshInodesUsedAtMost - 1)
      << s["inodes_created"].dump();
  // SysV IPC and POSIX message queues: nothing listed, the hostile names find nothing.
  for (const char* kind : {"shm", "sem", "msg"})
    EXPECT_EQ(s["sysvipc"][kind], json::array()) << kind;
  for (const char* call : {"shmget", "semget", "msgget", "mq_open"})
    EXPECT_EQ(s[call], ENOENT) << call;
  // Sockets and ports: none in the network namespace, nobody listening, every port free.
  EXPECT_EQ(s["unix_sockets"], json::array()) << s["unix_sockets"].dump();
  for (const auto& [proto, sockets] : s["inet_sockets"].items())
    EXPECT_EQ(sockets, json::array()) << proto;
  for (const auto& [name, err] : s["abstract_connect"].items())
    EXPECT_EQ(err, ECONNREFUSED) << name;
  for (const auto& [port, err] : s["bind_any"].items()) EXPECT_EQ(err, 0) << port;
  for (const auto& [port, err] : s["bind_loopback"].items())
    EXPECT_TRUE(err == 0 || err == EADDRNOTAVAIL) << port << ": errno " << err;
  EXPECT_EQ(s["lo_flags"].get<int>() & 1, 0) << "lo must stay down";
  // Its own world: the policy's working directory, environment and hostname.
  EXPECT_EQ(s["cwd"], spec.policy.workdir);
  EXPECT_EQ(s["env"], json(spec.policy.env));
  EXPECT_EQ(s["hostname"], spec.policy.hostname);
  // Memory: nearly the whole limit, every page touched, without an OOM kill.
  json m = ParseLine(lines, 1);
  ASSERT_TRUE(m.is_object()) << r.stdout_data;
  EXPECT_GE(m["memory_touched"].get<uint64_t>(), kHonestMemoryTouch);
}

// Nothing of the hostile run is on the host: survivors, files, IPC objects, ports.
void ExpectHostUntouched() {
  SCOPED_TRACE("host");
  EXPECT_EQ(testing::FindAdvmarkProcesses(), std::vector<std::string>{});
  EXPECT_EQ(testing::FindAdvmarkPaths(), std::vector<std::string>{});
  errno = 0;
  EXPECT_EQ(::shmget(kSysvKey, 0, 0), -1);
  EXPECT_EQ(errno, ENOENT);
  errno = 0;
  EXPECT_EQ(::semget(kSysvKey, 0, 0), -1);
  EXPECT_EQ(errno, ENOENT);
  errno = 0;
  EXPECT_EQ(::msgget(kSysvKey, 0), -1);
  EXPECT_EQ(errno, ENOENT);
  errno = 0;
  EXPECT_EQ(::mq_open(kMqueueName, O_RDONLY), static_cast<mqd_t>(-1));
  EXPECT_EQ(errno, ENOENT);
  for (const char* table : {"/proc/net/tcp", "/proc/net/udp", "/proc/net/tcp6", "/proc/net/udp6"}) {
    const std::string text = testing::ReadFileOrEmpty(table);
    for (int port : kHostilePorts) {
      char local[16];
      std::snprintf(local, sizeof local, ":%04X ", port);
      EXPECT_EQ(text.find(local), std::string::npos) << table << " has port " << port;
    }
  }
}

// Proctor's cgroups still present, less those that belong to other test processes running
// at the same time on this machine: a run's cgroup is named "<supervisor pid>-<n>", a slot's
// "slot-<zygote pid>-<n>" (a zygote is a child of its supervisor).
std::vector<std::string> LeftoverCgroupsNotOfOtherLiveProcesses() {
  const std::string self = std::to_string(::getpid());
  auto alive = [](const std::string& pid) { return ::access(("/proc/" + pid).c_str(), F_OK) == 0; };
  auto parent_of = [](const std::string& pid) {
    const std::string stat = testing::ReadFileOrEmpty("/proc/" + pid + "/stat");
    const size_t close = stat.rfind(')');
    return close == std::string::npos ? std::string()
                                      : std::to_string(std::atoi(stat.c_str() + close + 4));
  };
  std::vector<std::string> ours;
  for (const std::string& path : testing::LeftoverRunCgroups()) {
    std::string name = path.substr(path.rfind('/') + 1);
    const bool slot = name.rfind("slot-", 0) == 0;
    if (slot) name = name.substr(5);
    const std::string pid = name.substr(0, name.find('-'));
    const bool numeric = !pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos;
    const bool others = numeric && alive(pid) && (slot ? parent_of(pid) != self : pid != self);
    if (!others) ours.push_back(path);
  }
  return ours;
}

class WarmSlotTest : public ::testing::Test {
 protected:
  void Start(int warm_slots, bool fail_verification = false) {
    SandboxConfig config;
    config.keeper_path = PROCTOR_KEEPER;
    config.use_fork_server = true;
    config.warm_slots = warm_slots;
    config.test_fail_slot_verification = fail_verification;
    std::string error;
    sandbox_ = Sandbox::Create(config, &error);
    ASSERT_NE(sandbox_, nullptr) << error;
  }
  // The sandbox (its fork server and every slot) goes first: then neither the host nor
  // Proctor's cgroups may keep anything of the runs.
  void TearDown() override {
    sandbox_.reset();
    ExpectHostUntouched();
    EXPECT_EQ(LeftoverCgroupsNotOfOtherLiveProcesses(), std::vector<std::string>{});
  }

  // Runs `first` (which gets fds 3 and 4) and, once it has written `signal` on its fd 3,
  // `second`; `first` waits for EOF on its fd 4, sent when `second` is done, so the two
  // overlap: two slots. Returns both results and whether `second` started on the signal.
  std::tuple<Result, Result, bool> RunOverlapping(RunSpec first, const std::string& signal,
                                                  const RunSpec& second) {
    int said[2], release[2];
    if (::pipe2(said, O_CLOEXEC) != 0 || ::pipe2(release, O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2: " << std::strerror(errno);
      return {};
    }
    first.pass_fds = {said[1], release[0]};
    boost::asio::io_context io;
    boost::asio::posix::stream_descriptor said_reader(io, said[0]);
    std::string said_text;
    Result first_result, second_result;
    bool on_signal = false;
    sandbox_->AsyncRun(io.get_executor(), first, [&](Result r) {
      first_result = std::move(r);
      ::close(said[1]);  // a first run that died before its signal ends the wait, too
      ::close(release[0]);
    });
    boost::asio::async_read_until(
        said_reader, boost::asio::dynamic_buffer(said_text), '\n',
        [&](boost::system::error_code ec, size_t) {
          on_signal = !ec && said_text == signal;
          sandbox_->AsyncRun(io.get_executor(), second, [&](Result r) {
            second_result = std::move(r);
            ::close(release[1]);
          });
        });
    io.run();
    return {std::move(first_result), std::move(second_result), on_signal};
  }

  std::unique_ptr<Sandbox> sandbox_;
};

// The honest program's checks can fail: in the hostile program's own run, they see it all.
TEST_F(WarmSlotTest, HonestChecksReportEveryKindOfStateLeftInTheirOwnRun) {
  Start(1);
  Result control = sandbox_->Run(ControlSpec());
  ASSERT_NE(control.status, Status::kSandboxError) << Describe(control);
  json s = ParseLine(Lines(control.stdout_data), 0);
  ASSERT_TRUE(s.is_object()) << Describe(control);
  bool survivor_seen = false;
  for (const auto& [pid, comm] : s["processes"].items())
    survivor_seen |= comm.get<std::string>().find("ADVMARK-warm") != std::string::npos;
  EXPECT_TRUE(survivor_seen) << s["processes"].dump();
  EXPECT_GT(s["processes"].size(), 2u);
  EXPECT_NE(s["files"]["/box"], json::array({"honest.py"}));
  EXPECT_NE(s["files"]["/tmp"], json::array());
  EXPECT_NE(s["files"]["/dev/shm"], json::array());
  EXPECT_TRUE(s["path_socket_exists"].get<bool>());
  EXPECT_LT(s["statvfs"]["bytes_free"].get<uint64_t>(), kDiskBytes / 2);
  EXPECT_EQ(s["statvfs"]["inodes_free"], 0);
  EXPECT_EQ(s["disk_write"][1], ENOSPC);
  for (const char* kind : {"shm", "sem", "msg"})
    EXPECT_NE(s["sysvipc"][kind], json::array()) << kind;
  for (const char* call : {"shmget", "semget", "msgget"}) EXPECT_EQ(s[call], 0) << call;
  EXPECT_NE(s["unix_sockets"], json::array());
  EXPECT_NE(s["inet_sockets"]["tcp"], json::array());
  // The survivors still listen on their abstract names and hold their port.
  EXPECT_EQ(s["abstract_connect"]["proctor-warm-daemon"], 0);
  EXPECT_EQ(s["abstract_connect"]["proctor-warm-child"], 0);
  EXPECT_EQ(s["bind_any"]["tcp 47021"], EADDRINUSE);
  EXPECT_EQ(s["bind_any"]["tcp 47022"], EADDRINUSE);
  EXPECT_EQ(s["cwd"], "/tmp");
  EXPECT_TRUE(s["env"].contains("ADVMARK_ENV"));
  // And the next run finds nothing of it (in its slot, or in a new one if it was discarded).
  const RunSpec honest_spec = HonestSpec();
  Result honest = sandbox_->Run(honest_spec);
  ExpectHonestFoundNothing(honest, honest_spec);
  EXPECT_GE(honest.warm_slot, 0);
}

TEST_F(WarmSlotTest, HonestRunAfterHostileInSameSlotFindsNothing) {
  Start(1);
  const RunSpec honest_spec = HonestSpec();
  Result hostile = sandbox_->Run(HostileSpec());
  ExpectHostileLeftEverything(hostile);
  ExpectHostUntouched();
  Result honest = sandbox_->Run(honest_spec);
  ExpectHonestFoundNothing(honest, honest_spec);
  // The reuse really happened: both in the one slot, the honest run right after.
  EXPECT_GE(hostile.warm_slot, 0);
  EXPECT_EQ(honest.warm_slot, hostile.warm_slot)
      << "the hostile run's slot was discarded, so this run proves nothing about reuse "
         "(proctor-zygote's stderr says why)";
  EXPECT_GE(hostile.warm_slot_run, 1);
  EXPECT_EQ(honest.warm_slot_run, hostile.warm_slot_run + 1);
}

TEST_F(WarmSlotTest, HonestRunBesideHostileInAnotherSlotFindsNothingAndBothSlotsStayClean) {
  Start(2);
  // The honest run starts only once the hostile run has planted everything (it says so on
  // its fd 3) and the hostile run keeps it all alive until the honest run is done (EOF on
  // its fd 4), so the two really overlap.
  const RunSpec honest_spec = HonestSpec();
  auto [hostile, honest, honest_started_after_planting] =
      RunOverlapping(HostileSpec({"--handshake"}), "planted\n", honest_spec);
  EXPECT_TRUE(honest_started_after_planting);
  ExpectHostileLeftEverything(hostile);
  ExpectHonestFoundNothing(honest, honest_spec);
  ASSERT_GE(hostile.warm_slot, 0);
  ASSERT_GE(honest.warm_slot, 0);
  EXPECT_NE(honest.warm_slot, hostile.warm_slot);

  // Then an honest run in each of the two slots, again overlapping (so each holds a slot).
  RunSpec holding_spec = HonestSpec();
  holding_spec.argv.push_back("--hold");
  auto [again_a, again_b, overlapped] = RunOverlapping(holding_spec, "holding\n", honest_spec);
  EXPECT_TRUE(overlapped);
  ExpectHonestFoundNothing(again_a, honest_spec);
  ExpectHonestFoundNothing(again_b, honest_spec);
  EXPECT_EQ((std::set<int>{again_a.warm_slot, again_b.warm_slot}),
            (std::set<int>{hostile.warm_slot, honest.warm_slot}));
  std::map<int, int> previous_run = {{hostile.warm_slot, hostile.warm_slot_run},
                                     {honest.warm_slot, honest.warm_slot_run}};
  for (const Result* again : {&again_a, &again_b})
    EXPECT_EQ(again->warm_slot_run, previous_run[again->warm_slot] + 1)
        << "slot " << again->warm_slot;
}

TEST_F(WarmSlotTest, SlotThatFailsVerificationIsDiscardedNotReused) {
  Start(1, /*fail_verification=*/true);
  const RunSpec honest_spec = HonestSpec();
  Result hostile = sandbox_->Run(HostileSpec());
  ExpectHostileLeftEverything(hostile);
  Result honest1 = sandbox_->Run(honest_spec);
  ExpectHonestFoundNothing(honest1, honest_spec);
  Result honest2 = sandbox_->Run(honest_spec);
  ExpectHonestFoundNothing(honest2, honest_spec);
  std::set<int> slots;
  for (const Result* r : {&hostile, &honest1, &honest2}) {
    EXPECT_GE(r->warm_slot, 0);
    EXPECT_EQ(r->warm_slot_run, 1) << "slot " << r->warm_slot << " was reused";
    slots.insert(r->warm_slot);
  }
  EXPECT_EQ(slots.size(), 3u) << "every run needs a new slot";
}

TEST_F(WarmSlotTest, ConsecutiveRunsWithOneSlotReuseItInOrder) {
  Start(1);
  const RunSpec honest_spec = HonestSpec();
  std::vector<Result> runs;
  for (int i = 0; i < 3; ++i) {
    runs.push_back(sandbox_->Run(honest_spec));
    ExpectHonestFoundNothing(runs.back(), honest_spec);
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_GE(runs[i].warm_slot, 0) << "run " << i;
    EXPECT_EQ(runs[i].warm_slot, runs[0].warm_slot) << "run " << i;
    EXPECT_EQ(runs[i].warm_slot_run, i + 1) << "run " << i;
  }
}

// Unix sockets whose only references are their own descriptors in flight (SCM_RIGHTS) outlive
// every process of the run until the kernel's garbage collector finds the cycle, seconds
// later: one keeps an abstract name bound. The next run must not find it, whether the slot
// waited for the collection or was discarded.
TEST_F(WarmSlotTest, SocketsKeptAliveOnlyInFlightDoNotReachTheNextRun) {
  Start(1);
  const RunSpec honest_spec = HonestSpec();
  Result hostile = sandbox_->Run(HostileSpec({"--inflight-cycle"}));
  ExpectHostileLeftEverything(hostile);
  json h = ParseLine(Lines(hostile.stdout_data), 0);
  EXPECT_TRUE(Succeeded(h["inflight_cycles"])) << h["inflight_cycles"].dump();
  Result honest = sandbox_->Run(honest_spec);
  ExpectHonestFoundNothing(honest, honest_spec);
  EXPECT_GE(honest.warm_slot, 0);
}

// Kernel memory a run charges that the kernel keeps after the run (negative dentries of host
// paths: 200,000 of them are some 40 MiB) is not taken from the next run's memory limit,
// whether the slot reclaimed it or was replaced.
TEST_F(WarmSlotTest, KernelMemoryAnEarlierRunLeftCachedDoesNotShrinkTheNextRunsLimit) {
  Start(1);
  Result dentries = sandbox_->Run(PythonSpec("dentries.py", {"200000"}));
  ASSERT_EQ(dentries.status, Status::kOk) << Describe(dentries);
  EXPECT_EQ(dentries.stdout_data, "{\"missing\": 200000}\n");
  EXPECT_GE(dentries.peak_memory_bytes, 30 * kMiB) << "the dentries were not charged to the run";
  const RunSpec honest_spec = HonestSpec();
  Result honest = sandbox_->Run(honest_spec);
  ExpectHonestFoundNothing(honest, honest_spec);
  EXPECT_GE(honest.warm_slot, 0);
  EXPECT_LT(honest.peak_memory_bytes, kHonestMemoryTouch + 16 * kMiB);
}

// A run's CPU time, peak memory and limits count that run only, not the slot's earlier ones:
// the second 1-second spin under a 1.6-second CPU limit is no cpu_timeout.
TEST_F(WarmSlotTest, EarlierRunsInTheSlotCountNothingTowardsTheNextRunsCpuAndMemory) {
  Start(1);
  auto spin = [](double cpu_seconds, uint64_t memory_bytes) {
    RunSpec spec = PythonSpec("spin.py", {std::to_string(cpu_seconds),
                                          std::to_string(memory_bytes)});
    spec.policy.limits.cpu_seconds = 1.6;
    return spec;
  };
  std::vector<Result> runs;
  for (int i = 0; i < 2; ++i) {
    runs.push_back(sandbox_->Run(spin(1.0, kHonestMemoryTouch)));
    const Result& r = runs.back();
    ASSERT_EQ(r.status, Status::kOk) << "run " << i << ": " << Describe(r);
    EXPECT_GE(r.cpu_seconds, 1.0) << "run " << i;
    EXPECT_LT(r.cpu_seconds, 1.5) << "run " << i;
    EXPECT_GE(r.peak_memory_bytes, kHonestMemoryTouch) << "run " << i;
  }
  runs.push_back(sandbox_->Run(spin(0, 0)));
  const Result& idle = runs.back();
  ASSERT_EQ(idle.status, Status::kOk) << Describe(idle);
  EXPECT_LT(idle.cpu_seconds, 0.5);
  EXPECT_LT(idle.peak_memory_bytes, 64 * kMiB) << "the peak of an earlier run was reported";
  for (size_t i = 1; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].warm_slot, runs[0].warm_slot) << "run " << i;
    EXPECT_EQ(runs[i].warm_slot_run, runs[i - 1].warm_slot_run + 1) << "run " << i;
  }
  EXPECT_GE(runs[0].warm_slot, 0);
}

// The knob's other end: with warm slots off, every layer is built for each run.
TEST_F(WarmSlotTest, WithWarmSlotsOffNoRunUsesASlot) {
  Start(0);
  const RunSpec honest_spec = HonestSpec();
  Result hostile = sandbox_->Run(HostileSpec());
  ExpectHostileLeftEverything(hostile);
  Result honest = sandbox_->Run(honest_spec);
  ExpectHonestFoundNothing(honest, honest_spec);
  for (const Result* r : {&hostile, &honest}) {
    EXPECT_EQ(r->warm_slot, -1);
    EXPECT_EQ(r->warm_slot_run, 0);
  }
}

}  // namespace
}  // namespace proctor::sandbox
