#include "grader/languages/pch.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "grader/languages/compile_cache.h"
#include "grader/languages/compiler_preload.h"
#include "grader/task/sha256.h"

namespace proctor::grader {
namespace fs = std::filesystem;

namespace {

constexpr auto kRetryAfterFailure = std::chrono::minutes(10);

std::string StatLine(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return path + ":missing\n";
  return path + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + "\n";
}

bool IsRegularNonEmpty(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

// The .gch of `language` inside a PCH directory.
std::string GchPath(const std::string& dir, const Language& language) {
  return dir + "/" + language.pch_header + ".gch";
}

// g++ resolves to "<triple>-g++-<version>" on Debian; the headers and cc1plus are found from
// those two names. A missing triple or version is taken from /usr/lib/gcc when unambiguous.
bool CompilerTripleAndVersion(const std::string& compiler, std::string* triple,
                              std::string* version, std::string* error) {
  std::error_code ec;
  const std::string name = fs::canonical(compiler, ec).filename().string();
  if (ec) {
    *error = "cannot resolve " + compiler + ": " + ec.message();
    return false;
  }
  const size_t at = name.find("g++");
  if (at == std::string::npos) {
    *error = compiler + " resolves to " + name + ", not a g++";
    return false;
  }
  *triple = at > 0 && name[at - 1] == '-' ? name.substr(0, at - 1) : "";
  *version = name.size() > at + 4 && name[at + 3] == '-' ? name.substr(at + 4) : "";
  std::vector<std::pair<std::string, std::string>> found;
  for (const auto& t : fs::directory_iterator("/usr/lib/gcc", ec)) {
    if (!triple->empty() && t.path().filename() != *triple) continue;
    std::error_code ec2;
    for (const auto& v : fs::directory_iterator(t.path(), ec2)) {
      if (!version->empty() && v.path().filename() != *version) continue;
      if (IsRegularNonEmpty(v.path().string() + "/cc1plus"))
        found.emplace_back(t.path().filename().string(), v.path().filename().string());
    }
  }
  if (found.size() != 1) {
    *error = "cannot tell which cc1plus " + compiler + " uses (" +
             std::to_string(found.size()) + " candidates in /usr/lib/gcc)";
    return false;
  }
  *triple = found[0].first;
  *version = found[0].second;
  return true;
}

}  // namespace

PchCache& PchCache::Default() {
  static PchCache cache = [] {
    const char* env = std::getenv("PROCTOR_PCH_CACHE");
    std::string dir = env && *env ? env : "/var/cache/proctor/pch";
    if (dir == "off") return PchCache("");
    std::error_code ec;
    fs::create_directories(dir, ec);
    // Root-owned and written by Proctor alone; sandboxes read it (read-only binds), so it must
    // be traversable, but nobody else may write it.
    struct stat st;
    if (ec || ::chmod(dir.c_str(), 0755) != 0 || ::lstat(dir.c_str(), &st) != 0 ||
        !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
      std::cerr << "proctor: precompiled headers off: cannot use " << dir
                << " (must be a directory owned by this user); C++ compiles run without them\n";
      return PchCache("");
    }
    return PchCache(dir);
  }();
  return cache;
}

PchCache::PchCache(std::string root) : root_(std::move(root)) {}

bool PchCache::Wants(const Language& language, const std::string& source) {
  return !language.pch_header.empty() && !language.pch_argv.empty() &&
         source.find(language.pch_header) != std::string::npos;
}

bool PchCache::Inputs(const Language& language, PchInputs* inputs, std::string* error) {
  if (language.pch_header.empty() || language.pch_argv.empty()) {
    *error = language.name + " has no precompiled header";
    return false;
  }
  std::string triple, version;
  if (!CompilerTripleAndVersion(language.pch_argv[0], &triple, &version, error)) return false;
  inputs->header_path.clear();
  for (const std::string& dir :
       {"/usr/include/" + triple + "/c++/" + version, "/usr/include/c++/" + version}) {
    if (IsRegularNonEmpty(dir + "/" + language.pch_header)) {
      inputs->header_path = dir + "/" + language.pch_header;
      break;
    }
  }
  if (inputs->header_path.empty()) {
    *error = "no " + language.pch_header + " for g++ " + version + " (" + triple + ")";
    return false;
  }
  inputs->argv.clear();
  for (const std::string& a : language.pch_argv)
    inputs->argv.push_back(a == "{header}"   ? inputs->header_path
                           : a == "{output}" ? fs::path(language.pch_header).filename().string() + ".gch"
                                             : a);
  // The key: the compiler, both commands, and the header set. Package upgrades replace files
  // by renaming them into place, which changes their directory's modification time.
  std::string material = "pch-v1\n" + ToolchainIdentity(language.toolchain) + "\n";
  for (const std::string& a : inputs->argv) material += std::to_string(a.size()) + ":" + a + "\n";
  for (const std::string& a : language.compile_argv)
    material += std::to_string(a.size()) + ":" + a + "\n";
  const std::string inc = "/usr/include/";
  for (const std::string& path :
       {inputs->header_path, "/usr/lib/gcc/" + triple + "/" + version + "/cc1plus",
        inc, inc + "c++/" + version, inc + "c++/" + version + "/bits",
        inc + "c++/" + version + "/ext", inc + triple + "/c++/" + version,
        inc + triple + "/c++/" + version + "/bits", inc + triple + "/bits",
        inc + triple + "/sys", inc + triple + "/gnu", inc + "linux", inc + "asm-generic"})
    material += StatLine(path);
  inputs->key = task::Sha256Hex(material);
  return true;
}

std::string PchCache::Ensure(sandbox::Sandbox& sandbox, const Language& language) {
  if (!enabled()) return "";
  std::lock_guard<std::mutex> lock(mu_);
  Entry& entry = entries_[language.name];
  if (!entry.dir.empty()) {
    if (IsRegularNonEmpty(GchPath(entry.dir, language))) return entry.dir;
    entry.dir.clear();  // removed under us: build it again
  }
  if (std::chrono::steady_clock::now() < entry.retry_after) return "";

  auto fail = [&](const std::string& why) -> std::string {
    entry.error = why;
    entry.retry_after = std::chrono::steady_clock::now() + kRetryAfterFailure;
    if (!entry.logged) {
      std::cerr << "proctor: no precompiled <" << language.pch_header << "> (" << why
                << "); " << language.name << " compiles run without it\n";
      entry.logged = true;
    }
    return "";
  };
  PchInputs inputs;
  std::string error;
  if (!Inputs(language, &inputs, &error)) return fail(error);
  const std::string final_dir = root_ + "/" + inputs.key;
  auto use = [&] {
    ::utimensat(AT_FDCWD, final_dir.c_str(), nullptr, 0);  // in use: not stale
    return entry.dir = final_dir;
  };
  if (IsRegularNonEmpty(GchPath(final_dir, language))) return use();

  // Another process may be building it: wait for it, then look again.
  const std::string lock_path = root_ + "/.lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
    if (fd >= 0) ::close(fd);
    return fail("cannot lock " + lock_path + ": " + std::strerror(errno));
  }
  bool ok = IsRegularNonEmpty(GchPath(final_dir, language));  // built while we waited
  if (!ok && (ok = Build(sandbox, language, inputs, final_dir, &error))) ++builds_;
  ::close(fd);  // releases the lock
  if (!ok) return fail(error);
  entry.error.clear();
  if (entry.logged) std::cerr << "proctor: precompiled <" << language.pch_header << "> ready\n";
  entry.logged = false;
  return use();
}

bool PchCache::Build(sandbox::Sandbox& sandbox, const Language& language, const PchInputs& inputs,
                     const std::string& final_dir, std::string* error) {
  std::error_code ec;
  // Under the lock nobody else builds: any build directory left is from a crashed process.
  for (const auto& e : fs::directory_iterator(root_, ec))
    if (e.path().filename().string().rfind(".build-", 0) == 0) fs::remove_all(e.path(), ec);

  static std::atomic<uint64_t> counter{0};
  const std::string tmp = root_ + "/.build-" + std::to_string(::getpid()) + "-" +
                          std::to_string(++counter);
  const std::string gch = GchPath(tmp, language);
  fs::create_directories(fs::path(gch).parent_path(), ec);
  if (ec) {
    *error = "mkdir " + tmp + ": " + ec.message();
    return false;
  }
  auto give_up = [&](const std::string& why) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    *error = why;
    return false;
  };

  // 1. Build it: a sandboxed compile of the system header with the language's own flags.
  sandbox::RunSpec build;
  build.argv = inputs.argv;
  build.policy.readonly_paths = language.compile_readonly_paths;
  build.policy.limits = language.compile_limits;
  build.policy.limits.wall_seconds = 300;   // once per compiler; the machine may be busy
  build.policy.limits.cpu_seconds = 120;
  build.policy.limits.memory_bytes = 2048 * sandbox::kMiB;  // cc1plus plus the .gch on tmpfs
  build.policy.limits.disk_bytes = 1024 * sandbox::kMiB;
  build.policy.outputs = {{inputs.argv.back(), gch, 1024 * sandbox::kMiB}};
  sandbox::Result r = sandbox.Run(build);
  if (r.status != sandbox::Status::kOk)
    return give_up("building it: " + std::string(sandbox::StatusName(r.status)) + " " + r.error +
                   r.stderr_data.substr(0, 500));
  if (!IsRegularNonEmpty(gch)) return give_up("building it: no .gch came out");

  // Readable by the sandboxes' unprivileged uids, writable by nobody else.
  for (fs::path p = fs::path(gch).parent_path(); p.string().size() >= tmp.size();
       p = p.parent_path())
    ::chmod(p.c_str(), 0755);
  ::chmod(gch.c_str(), 0644);

  // 2. Prove g++ uses it with the exact compile command ("!" before the .gch in -H output;
  //    an unusable one is listed with "x" and warned about by -Winvalid-pch).
  sandbox::RunSpec probe;
  probe.argv = language.compile_argv;
  probe.argv.insert(probe.argv.begin() + 1,
                    {std::string("-I") + kPchMount, "-H", "-Winvalid-pch"});
  probe.policy.readonly_paths = language.compile_readonly_paths;
  probe.policy.limits = language.compile_limits;
  probe.policy.binds = {{tmp, kPchMount, false}};
  PreloadHugepages(&probe);  // as every compile that uses it
  probe.policy.files = {
      {language.source_file, "#include <" + language.pch_header + ">\nint main() { return 0; }\n",
       false}};
  r = sandbox.Run(probe);
  const std::string used = std::string("! ") + kPchMount + "/" + language.pch_header + ".gch";
  if (r.status != sandbox::Status::kOk || r.stderr_data.find(used) == std::string::npos)
    return give_up("g++ does not use it: " + std::string(sandbox::StatusName(r.status)) + " " +
                   r.error + r.stderr_data.substr(0, 500));

  // 3. Publish atomically; a concurrent publisher of the same key is fine.
  if (::rename(tmp.c_str(), final_dir.c_str()) != 0) {
    const int err = errno;
    if (!IsRegularNonEmpty(GchPath(final_dir, language)))
      return give_up("publish " + final_dir + ": " + std::strerror(err));
    fs::remove_all(tmp, ec);
  }
  // Keys nobody started using for a week (an old compiler or header set) are dead weight.
  // (Each process touches its key when it starts using it.)
  const std::string key = fs::path(final_dir).filename().string();
  const auto stale = fs::file_time_type::clock::now() - std::chrono::hours(24 * 7);
  for (const auto& e : fs::directory_iterator(root_, ec)) {
    const std::string name = e.path().filename().string();
    std::error_code ec2;
    if (name.size() == key.size() && name != key && name[0] != '.' &&
        fs::last_write_time(e.path(), ec2) < stale && !ec2)
      fs::remove_all(e.path(), ec2);
  }
  return true;
}

}  // namespace proctor::grader
