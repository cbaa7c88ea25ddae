#include "grader/languages/program.h"

#include "grader/languages/compile_cache.h"
#include "grader/languages/compiler_preload.h"
#include "grader/languages/pch.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <vector>

namespace proctor::grader {
namespace {

constexpr size_t kCompilerMessageCap = 16 * 1024;
// Where a caller's own compile command (CompileExtras::argv) takes -I<kPchMount>.
constexpr std::string_view kPchPlaceholder = "{pch}";

std::vector<std::string> Expand(const std::vector<std::string>& argv, const std::string& source,
                                const std::string& binary) {
  std::vector<std::string> out;
  for (const std::string& a : argv)
    out.push_back(a == "{source}" ? source : a == "{binary}" ? binary : a);
  return out;
}

// The compile succeeded and left a binary.
bool Compiled(const sandbox::Result& r, const std::string& binary) {
  struct stat st;
  return r.status == sandbox::Status::kOk && ::stat(binary.c_str(), &st) == 0 && st.st_size > 0;
}

}  // namespace

void RemoveDeadProcessesTempDirs(const std::string& base, const std::string& prefix) {
  DIR* dir = ::opendir(base.c_str());
  if (dir == nullptr) return;
  while (dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name.rfind(prefix, 0) != 0) continue;
    const pid_t owner = static_cast<pid_t>(std::atoi(name.c_str() + prefix.size()));
    if (owner <= 0 || name.find('-', prefix.size()) == std::string::npos) continue;
    if (::kill(owner, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to judge)
    const std::string path = base + "/" + name;
    struct stat st;
    // Only our own directories; remove_all never follows links.
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
      continue;
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ::closedir(dir);
}

std::string MakeTempDir(const std::string& prefix) {
  const char* env = std::getenv("TMPDIR");
  const std::string base = env && *env ? env : "/tmp";
  // Named by the owning process, so that what a killed process (SIGKILL, no destructors) left
  // is removed by the next one that makes such a directory (tests/faults/serve_kill_test.cc).
  static std::once_flag swept;
  std::call_once(swept, [&] { RemoveDeadProcessesTempDirs(base, prefix); });
  std::string pattern = base + "/" + prefix + std::to_string(::getpid()) + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return "";
  return buf.data();
}

std::unique_ptr<PreparedProgram> PreparedProgram::Prepare(sandbox::Sandbox& sandbox,
                                                          const Language& language,
                                                          const std::string& source,
                                                          CompileOutcome* outcome,
                                                          const CompileExtras& extras) {
  std::unique_ptr<PreparedProgram> program(new PreparedProgram(language, source));
  *outcome = CompileOutcome{};
  if (language.compile_argv.empty()) return program;

  program->temp_dir_ = MakeTempDir("proctor-build-");
  if (program->temp_dir_.empty()) {
    outcome->ok = false;
    outcome->infra_error = true;
    outcome->message = "cannot create a build directory";
    return nullptr;
  }
  // The run's init reads the binary as an unprivileged host uid: traversal only, no listing.
  ::chmod(program->temp_dir_.c_str(), 0711);
  program->binary_path_ = program->temp_dir_ + "/" + language.binary_file;
  // <bits/stdc++.h> and the like come precompiled when the source names them (same flags,
  // so the binary is the same; only the compile is faster).
  bool wants_pch = PchCache::Wants(language, source);
  for (const sandbox::FileIn& f : extras.files) wants_pch |= PchCache::Wants(language, f.contents);
  bool argv_takes_pch = extras.argv.empty();
  for (const std::string& a : extras.argv)
    argv_takes_pch |= a.find(kPchPlaceholder) != std::string::npos;
  const std::string pch_dir = argv_takes_pch && wants_pch
                                  ? PchCache::Default().Ensure(sandbox, language)
                                  : "";
  auto make_spec = [&](bool with_pch) {
    sandbox::RunSpec spec;
    const std::string pch_flag = with_pch ? std::string("-I") + kPchMount : "";
    if (extras.argv.empty()) {
      spec.argv = language.compile_argv;
      spec.argv.insert(spec.argv.begin() + 1, extras.flags.begin(), extras.flags.end());
      if (with_pch) spec.argv.insert(spec.argv.begin() + 1, pch_flag);
    } else {
      spec.argv = extras.argv;
      for (std::string& a : spec.argv)
        for (size_t at = a.find(kPchPlaceholder); at != std::string::npos;
             at = a.find(kPchPlaceholder, at + pch_flag.size()))
          a.replace(at, kPchPlaceholder.size(), pch_flag);
    }
    if (with_pch) spec.policy.binds.push_back({pch_dir, kPchMount, false});
    spec.argv.insert(spec.argv.end(), extras.extra_sources.begin(), extras.extra_sources.end());
    spec.policy.limits = extras.limits ? *extras.limits : language.compile_limits;
    spec.policy.readonly_paths = language.compile_readonly_paths;
    for (const auto& [name, value] : language.compile_env) spec.policy.env[name] = value;
    spec.policy.files = {{language.source_file, source, false}};
    spec.policy.files.insert(spec.policy.files.end(), extras.files.begin(), extras.files.end());
    spec.policy.outputs = {{language.binary_file, program->binary_path_, 256 * sandbox::kMiB}};
    PreloadHugepages(&spec);
    return spec;
  };
  sandbox::RunSpec spec = make_spec(!pch_dir.empty());
  // Compiled before with the same compiler, command and inputs: reuse the binary.
  CompileCache& cache = CompileCache::Default();
  const bool cached = language.compile_cache && cache.enabled();
  const std::string key =
      cached ? cache.Key(ToolchainIdentity(language.toolchain), spec.argv, spec.policy.files)
             : "";
  if (cached && cache.Fetch(key, program->binary_path_)) {
    outcome->cached = true;
    outcome->pch = !pch_dir.empty();
    outcome->result.status = sandbox::Status::kOk;
    return program;
  }
  outcome->result = sandbox.Run(spec);
  outcome->pch = !pch_dir.empty();
  const sandbox::Status status = outcome->result.status;
  if (outcome->pch &&
      (status == sandbox::Status::kNonzeroExit || status == sandbox::Status::kMemoryLimit)) {
    // With the PCH, g++ prints include chains through the header without their last line
    // ("from solution.cpp:1:"), and a compiler crash might be the PCH's doing: compile such
    // failures again without it so that the report is exactly the plain compiler's. Errors
    // in the submission's own lines read the same either way. The memory limit too: the
    // header's image is in the compiler's own memory (see compiler_preload.h), so a tight
    // compile_memory_mb gets the plain compiler's verdict. (Time limits are not retried: the
    // PCH compile is the faster one.)
    const std::string message = outcome->result.stderr_data + outcome->result.stdout_data;
    if (status == sandbox::Status::kMemoryLimit ||
        message.find(language.pch_header) != std::string::npos ||
        message.find("internal compiler error") != std::string::npos) {
      ::unlink(program->binary_path_.c_str());  // the failed run's (empty) output
      outcome->result = sandbox.Run(make_spec(false));
      outcome->pch = false;
      outcome->pch_recompiled = true;
    }
  }
  const sandbox::Result& r = outcome->result;
  if (r.status == sandbox::Status::kSandboxError) {
    outcome->ok = false;
    outcome->infra_error = true;
    outcome->message = "compile step failed inside Proctor: " + r.error;
    return nullptr;
  }
  if (!Compiled(r, program->binary_path_)) {
    outcome->ok = false;
    std::string message = r.stderr_data + r.stdout_data;
    if (message.size() > kCompilerMessageCap) message.resize(kCompilerMessageCap);
    if (r.status != sandbox::Status::kOk && r.status != sandbox::Status::kNonzeroExit)
      message += "\n[compiler stopped: " + std::string(sandbox::StatusName(r.status)) + "]";
    outcome->message = message;
    return nullptr;
  }
  ::chmod(program->binary_path_.c_str(), 0755);
  if (cached) cache.Store(key, program->binary_path_);
  return program;
}

std::unique_ptr<PreparedProgram> PreparedProgram::SourceOnly(const Language& language,
                                                             const std::string& source) {
  return std::unique_ptr<PreparedProgram>(new PreparedProgram(language, source));
}

PreparedProgram::~PreparedProgram() {
  if (!binary_path_.empty()) ::unlink(binary_path_.c_str());
  if (!temp_dir_.empty()) ::rmdir(temp_dir_.c_str());
}

sandbox::RunSpec PreparedProgram::MakeRunSpec(const sandbox::Limits& limits,
                                              std::string stdin_data) const {
  sandbox::RunSpec spec;
  spec.policy.limits = limits;
  // The language's own additions (a VM's threads and heap), on top of the task's limits.
  spec.policy.limits.max_processes += language_.run_extra.max_processes;
  spec.policy.limits.memory_bytes += static_cast<uint64_t>(language_.run_extra.memory_mb) * sandbox::kMiB;
  spec.policy.readonly_paths = language_.readonly_paths;
  spec.policy.readonly_paths.insert(spec.policy.readonly_paths.end(),
                                    extra_readonly_paths_.begin(), extra_readonly_paths_.end());
  for (const auto& [name, value] : language_.run_env) spec.policy.env[name] = value;
  spec.policy.stdin_data = std::move(stdin_data);
  if (language_.compile_argv.empty()) {
    spec.policy.files = {{language_.source_file, source_, false}};
  } else {
    spec.policy.binds = {{binary_path_, kBinaryMount, false}};
  }
  spec.argv = Expand(language_.run_argv, language_.source_file, kBinaryMount);
  return spec;
}

}  // namespace proctor::grader
