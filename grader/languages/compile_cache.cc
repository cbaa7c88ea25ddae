#include "grader/languages/compile_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

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

// An entry is this header, the key, the SHA-256 of the binary, then the binary: a truncated,
// garbled or swapped entry (a full disk mid-write, a bad sector, another key's file) is found
// and compiled again, never run (tests/faults/disk_fault_test.cc).
constexpr std::string_view kEntryMagic = "proctor-compile-cache-v1\n";

bool ReadWhole(const std::string& path, uint64_t cap, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            static_cast<uint64_t>(st.st_size) <= cap;
  if (ok) out->resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (ok && done < out->size()) {
    ssize_t n = ::read(fd, out->data() + done, out->size() - done);
    if (n <= 0) ok = false;
    else done += static_cast<size_t>(n);
  }
  ::close(fd);
  return ok;
}

bool WriteNew(const std::string& path, mode_t mode, std::string_view a, std::string_view b) {
  int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (out < 0) return false;
  bool ok = true;
  for (std::string_view part : {a, b}) {
    while (ok && !part.empty()) {
      ssize_t n = ::write(out, part.data(), part.size());
      if (n <= 0) ok = false;
      else part.remove_prefix(static_cast<size_t>(n));
    }
  }
  ok = ::close(out) == 0 && ok;
  if (!ok) ::unlink(path.c_str());
  return ok;
}

constexpr uint64_t kMaxEntryBytes = uint64_t{512} << 20;

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
  std::string entry;
  if (!ReadWhole(path, kMaxEntryBytes, &entry)) return false;
  // magic, key, '\n', SHA-256 of the binary, '\n', binary
  const size_t header = kEntryMagic.size() + key.size() + 1 + 64 + 1;
  const std::string_view view(entry);
  const bool intact =
      entry.size() > header && view.substr(0, kEntryMagic.size()) == kEntryMagic &&
      view.substr(kEntryMagic.size(), key.size()) == key &&
      entry[kEntryMagic.size() + key.size()] == '\n' && entry[header - 1] == '\n' &&
      view.substr(kEntryMagic.size() + key.size() + 1, 64) ==
          task::Sha256Hex(entry.substr(header));
  if (!intact) {
    ::unlink(path.c_str());  // corrupt: compiled again (and stored again) by the caller
    return false;
  }
  if (!WriteNew(dest, 0755, view.substr(header), {})) return false;
  ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // recently used: evicted last
  return true;
}

void CompileCache::Store(const std::string& key, const std::string& binary) {
  if (!enabled()) return;
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      dir_ + "/.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
  std::string bytes;
  if (!ReadWhole(binary, kMaxEntryBytes, &bytes)) return;
  const std::string header =
      std::string(kEntryMagic) + key + "\n" + task::Sha256Hex(bytes) + "\n";
  if (!WriteNew(tmp, 0755, header, bytes)) return;  // e.g. a full disk: simply not cached
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
