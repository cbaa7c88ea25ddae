// Disks that fail Proctor: the compile cache's disk full, its files corrupted, and the
// server's TMPDIR (where a C++ submission's binary is put) full. Full disks are tiny tmpfs
// mounted in the server's own mount namespace (unshare --mount), so the host sees nothing.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/faults/fault_server.h"

namespace proctor::testing::faults {
namespace {

// Wraps the server so that `dir` is a `size` tmpfs in its own mount namespace, filled to the
// last byte by a file "fill" (reachable from outside as /proc/<server>/root/<dir>/fill).
std::vector<std::string> FullTmpfsAt(const std::string& dir, const std::string& size) {
  return {"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
          "mount -t tmpfs -o size=" + size + " proctor-fault-full '" + dir +
              "' && { cat /dev/zero > '" + dir + "/fill' 2>/dev/null; exec \"$@\"; }",
          "sh"};
}

std::vector<std::string> CacheEntries(const std::string& dir) {
  std::vector<std::string> out;
  for (const std::string& p : ListDir(dir))
    if (std::filesystem::path(p).filename().string().rfind(".tmp-", 0) != 0) out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

std::string NewEntry(const std::vector<std::string>& before, const std::vector<std::string>& after) {
  for (const std::string& p : after)
    if (std::find(before.begin(), before.end(), p) == before.end()) return p;
  return "";
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// The cache may be corrupted in any way (a swapped entry, a truncated one, flipped bytes):
// a corrupted entry is never run; the submission is compiled again and graded right.
TEST(CompileCacheFilesCorrupted, ACorruptedEntryIsCompiledAgainNeverRun) {
  TempDir cache;
  ServerOptions options;
  options.env = {{"PROCTOR_COMPILE_CACHE", cache.path()}};
  FaultServer server(options);
  ASSERT_GT(server.port(), 0);
  LineClient client(server.port());
  int id = 0;
  auto grade = [&](const std::string& code) {
    return Rewards(client.Call("grade", GradeParams("T4", {code}), ++id));
  };
  ASSERT_EQ(grade(kSumCpp), std::vector<json>{1.0});
  const std::vector<std::string> one = CacheEntries(cache.path());
  ASSERT_EQ(one.size(), 1u) << "the honest binary was not cached";
  const std::string honest_entry = one[0];
  ASSERT_EQ(grade(kWrongSumCpp), std::vector<json>{0.0});
  const std::string wrong_entry = NewEntry(one, CacheEntries(cache.path()));
  ASSERT_FALSE(wrong_entry.empty());
  const std::string honest_bytes = ReadFileOrEmpty(honest_entry);
  const std::string wrong_bytes = ReadFileOrEmpty(wrong_entry);

  // 1. The honest key holds the wrong program's (valid, runnable) entry, and vice versa.
  WriteFile(honest_entry, wrong_bytes);
  WriteFile(wrong_entry, honest_bytes);
  EXPECT_EQ(grade(kSumCpp), std::vector<json>{1.0});
  EXPECT_EQ(grade(kWrongSumCpp), std::vector<json>{0.0});
  // 2. Truncated (a disk that filled mid-write, a crash).
  WriteFile(honest_entry, ReadFileOrEmpty(honest_entry).substr(0, honest_bytes.size() / 2));
  EXPECT_EQ(grade(kSumCpp), std::vector<json>{1.0});
  // 3. Bytes flipped in the middle of the binary; then an empty file.
  std::string garbled = ReadFileOrEmpty(honest_entry);
  ASSERT_EQ(garbled.size(), honest_bytes.size()) << "a corrupt entry was not replaced";
  for (size_t i = garbled.size() / 2; i < garbled.size() / 2 + 64; ++i) garbled[i] ^= 0x5a;
  WriteFile(honest_entry, garbled);
  EXPECT_EQ(grade(kSumCpp), std::vector<json>{1.0});
  WriteFile(honest_entry, "");
  EXPECT_EQ(grade(kSumCpp), std::vector<json>{1.0});
  // Every corrupt entry was replaced by a good one.
  EXPECT_EQ(ReadFileOrEmpty(honest_entry), honest_bytes);
  EXPECT_EQ(ReadFileOrEmpty(wrong_entry), wrong_bytes);
}

// The cache's disk is full: nothing can be cached, every C++ submission is still compiled and
// graded right (the cache is only a speed-up).
TEST(CompileCacheDiskFull, SubmissionsAreCompiledAndGradedRightWithoutIt) {
  TempDir cache;
  ServerOptions options;
  options.env = {{"PROCTOR_COMPILE_CACHE", cache.path()}};
  options.wrapper = FullTmpfsAt(cache.path(), "64k");
  FaultServer server(options);
  ASSERT_GT(server.port(), 0);
  LineClient client(server.port());
  for (int round = 0; round < 2; ++round) {
    const json honest = client.Call("grade", GradeParams("T4", {kSumCpp}), 1 + 2 * round);
    EXPECT_TRUE(AllEqual(Rewards(honest), 1.0)) << honest.dump();
    const json wrong = client.Call("grade", GradeParams("T4", {kWrongSumCpp}), 2 + 2 * round);
    EXPECT_TRUE(AllEqual(Rewards(wrong), 0.0)) << wrong.dump();
  }
  // Nothing but the filler there: no half-written entry, no temporary file.
  const std::string root = "/proc/" + std::to_string(server.pid()) + "/root" + cache.path();
  EXPECT_EQ(ListDir(root), std::vector<std::string>{root + "/fill"});
}

// The server's TMPDIR is full: a C++ submission's binary cannot be stored, which is Proctor's
// failure (ungradeable, with the reason), never the submission's compile error (reward 0).
// Python, which needs no host files, is graded as usual; with room again, C++ is too.
TEST(TmpdirFull, CppSubmissionsAreUngradeableNotZeroAndGradeOnceThereIsRoom) {
  TempDir tmp, cache;
  ServerOptions options;
  options.env = {{"TMPDIR", tmp.path()}, {"PROCTOR_COMPILE_CACHE", cache.path()}};
  options.wrapper = FullTmpfsAt(tmp.path(), "256k");
  FaultServer server(options);
  ASSERT_GT(server.port(), 0);
  LineClient client(server.port());
  const json cpp = client.Call("grade", GradeParams("T4", {kSumCpp, kWrongSumCpp}), 1);
  EXPECT_EQ(CountUngradeable(cpp), 2) << cpp.dump();
  for (const json& r : cpp["result"]["results"]) {
    EXPECT_TRUE(r["reward"].is_null()) << r.dump();
    EXPECT_NE(r.value("ungradeable_reason", "").find("No space left"), std::string::npos)
        << r.dump();
  }
  const json py = client.Call("grade", GradeParams("T2", {kSumPy}), 2);
  EXPECT_TRUE(AllEqual(Rewards(py), 1.0)) << py.dump();

  const std::string fill =
      "/proc/" + std::to_string(server.pid()) + "/root" + tmp.path() + "/fill";
  ASSERT_EQ(::unlink(fill.c_str()), 0) << fill;
  const json again = client.Call("grade", GradeParams("T4", {kSumCpp, kWrongSumCpp}), 3);
  EXPECT_EQ(Rewards(again), (std::vector<json>{1.0, 0.0})) << again.dump();
}

}  // namespace
}  // namespace proctor::testing::faults
