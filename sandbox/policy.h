// What a sandboxed run may do: limits, the filesystem view, environment and input.
// A Policy is a plain value with documented defaults; LoadPolicyYaml() reads one from YAML.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace proctor::sandbox {

inline constexpr uint64_t kMiB = 1024 * 1024;

// Resource limits of one run. A "run" is the whole process tree the program starts.
struct Limits {
  double wall_seconds = 10.0;            // wall clock, from start to the last process gone
  double cpu_seconds = 5.0;              // CPU time of all processes and threads together
  uint64_t memory_bytes = 256 * kMiB;    // RAM of the whole tree (cgroup), no swap
  int max_processes = 64;                // processes + threads (cgroup pids.max)
  uint64_t stdout_bytes = 1 * kMiB;      // more is output_limit
  uint64_t stderr_bytes = 1 * kMiB;      // more is output_limit
  uint64_t disk_bytes = 16 * kMiB;       // writable space: work dir + /tmp + /dev/shm together
  uint64_t disk_inodes = 1024;           // files and directories in that space
  int open_files = 64;                   // RLIMIT_NOFILE
  uint64_t stack_bytes = 64 * kMiB;      // RLIMIT_STACK
};

// A host path made visible inside the sandbox.
struct Bind {
  std::string source;        // host path (file or directory)
  std::string target;        // path inside the sandbox; empty means the same as source
  bool writable = false;     // IMPORTANT: writable host binds escape the disk quota; avoid
};

// A file placed in the work dir before the program starts (owned by the sandbox user).
struct FileIn {
  std::string name;          // relative to the work dir, no ".." or leading "/"
  std::string contents;
  bool executable = false;
};

// A file copied out of the work dir after the run ends, without following links.
struct FileOut {
  std::string name;          // relative to the work dir
  std::string host_path;     // created exclusively (must not exist)
  uint64_t max_bytes = 64 * kMiB;
};

struct Policy {
  Limits limits;
  // Host paths bound read-only at the same place: what the language needs and nothing else.
  std::vector<std::string> readonly_paths = {"/usr/bin", "/usr/lib", "/usr/lib64",
                                              "/etc/ld.so.cache"};
  std::vector<Bind> binds;                  // extra binds (e.g. a compiled binary, test files)
  // The program's whole environment: nothing of the host's is inherited.
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/bin:/bin"}, {"HOME", "/box"}, {"LANG", "C.UTF-8"}, {"TMPDIR", "/tmp"}};
  std::string stdin_data;                   // bytes on the program's stdin (then EOF)
  std::string workdir = "/box";             // the program's cwd, on the capped tmpfs
  std::vector<FileIn> files;                // placed in workdir before the run
  std::vector<FileOut> outputs;             // copied out of workdir after the run
  std::string hostname = "proctor";
};

}  // namespace proctor::sandbox
