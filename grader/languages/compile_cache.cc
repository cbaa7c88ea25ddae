#include "grader/languages/compile_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "grader/task/sha256.h"

namespace proctor::grader {
namespace fs = std::filesystem;

std::string ToolchainIdentity(const std::vector<std::string>& toolchain) {
  std::string id;
  for (const std::string& path : toolchain) {
    std::error_code ec;
    fs::path real = fs::canonical(path, ec);
    struct stat st;
    if (!ec && ::stat(real.c_str(), &st) == 0)
      id += real.string() + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtime) + ";";
  }
  return id;
}

namespace {

bool CopyFile(const std::string& from, const std::string& to, mode_t mode) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0) return false;
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (out < 0) {
    ::close(in);
    return false;
  }
  char buf[1 << 16];
  bool ok = true;
  for (ssize_t n; (n = ::read(in, buf, sizeof buf)) != 0;) {
    if (n < 0 || ::write(out, buf, static_cast<size_t>(n)) != n) {
      ok = false;
      break;
    }
  }
  ::close(in);
  ::close(out);
  if (!ok) ::unlink(to.c_str());
  return ok;
}

}  // namespace

CompileCache& CompileCache::Default() {
  static CompileCache cache = [] {
    const char* env = std::getenv("PROCTOR_COMPILE_CACHE");
    std::string dir = env && *env ? env : "/var/cache/proctor/compile";
    if (dir == "off") return CompileCache("", 0);
    std::error_code ec;
    fs::create_directories(dir, ec);
    // IMPORTANT: the cache is Proctor's alone; sandboxes never see it.
    if (ec || ::chmod(dir.c_str(), 0700) != 0) return CompileCache("", 0);
    return CompileCache(dir, uint64_t{1} << 30);
  }();
  return cache;
}

CompileCache::CompileCache(std::string dir, uint64_t max_bytes)
    : dir_(std::move(dir)), max_bytes_(max_bytes) {}

std::string CompileCache::Key(const std::string& toolchain_identity,
                              const std::vector<std::string>& argv,
                              const std::vector<sandbox::FileIn>& files) const {
  std::string material = toolchain_identity + "\n";
  for (const std::string& a : argv) material += std::to_string(a.size()) + ":" + a + "\n";
  for (const sandbox::FileIn& f : files)
    material += std::to_string(f.name.size()) + ":" + f.name + ":" +
                std::to_string(f.contents.size()) + ":" + f.contents + "\n";
  return task::Sha256Hex(material);
}

bool CompileCache::Fetch(const std::string& key, const std::string& dest) {
  if (!enabled()) return false;
  const std::string path = dir_ + "/" + key;
  if (!CopyFile(path, dest, 0755)) return false;
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // recently used: evicted last
  return true;
}

void CompileCache::Store(const std::string& key, const std::string& binary) {
  if (!enabled()) return;
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      dir_ + "/.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  if (!CopyFile(binary, tmp, 0755)) return;
  if (::rename(tmp.c_str(), (dir_ + "/" + key).c_str()) != 0) ::unlink(tmp.c_str());
  if (counter % 64 == 0) Evict();
}

void CompileCache::Evict() {
  struct Entry {
    fs::path path;
    fs::file_time_type time;
    uint64_t size;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (!e.is_regular_file(ec)) continue;
    entries.push_back({e.path(), e.last_write_time(ec), e.file_size(ec)});
    total += entries.back().size;
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.time < b.time; });
  for (const Entry& e : entries) {
    if (total <= max_bytes_) break;
    fs::remove(e.path, ec);
    total -= e.size;
  }
}

}  // namespace proctor::grader
