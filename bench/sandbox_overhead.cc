// Per-run cost of the sandbox (issue 11): one trivial Python program run many times from this
// one process, two ways interleaved in the same loop (the order alternates every iteration):
//
//   sandboxed  Sandbox::Run with the grader's own Python run spec (PreparedProgram, every layer
//              on). Through the fork server the program runs in a fork of the warm zygote, no
//              exec; with warm slots the namespaces, root and cgroup are reused.
//   bare       an unsandboxed fork of an equally warm interpreter: a python3 started once by
//              this process (-I -S, the zygote's preloaded modules imported, gc frozen, as the
//              zygote does) forks one child per run, which does for the program what a
//              zygote run does (write the source file, environment, site.main(), compile,
//              exec as __main__, flush) with no namespace, cgroup, rlimit or seccomp.
//              site.main() adds no site-packages on either side (none is mounted in the
//              sandbox).
//
// Both are timed here, request to reply, so each includes its own hand-off (a pipe to the
// warm python3; the socket to the zygote). The difference of the p50s is what the sandbox adds.
//
//   bench_sandbox_overhead [--runs N] [--warmup N] [--exec] [--json]
//
// --exec: the other pair instead: `python3 -I -S -c pass` exec'd (posix_spawn + wait) against
// the same argv through Sandbox::Run (the zygote cannot run `-c` in-process, so it execs too).
// --json: one JSON object on stdout (bench/bench.py reads it), else a small table.
// Exit 1 when a run does not exit 0 (a failed run measures nothing).
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "grader/languages/language.h"
#include "grader/languages/program.h"
#include "sandbox/sandbox.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// The trivial program both sides run.
constexpr char kProgram[] = "pass\n";

// The warm unsandboxed interpreter. Argv: WORKDIR MODULES (comma-separated). Protocol on fds
// 0/1: it writes "+" when warm; then for every byte it reads it forks one run and answers
// with one byte, the run's exit status (0..255).
// IMPORTANT: the module list is sandbox/zygote/zygote_main.cc's kPreload (keep them equal, or
// the two sides are not equally warm).
constexpr char kWarmPython[] = R"PY(
import gc, importlib, io, os, sys, types
work, modules = sys.argv[1], sys.argv[2].split(",")
for name in modules:
    importlib.import_module(name)
import site
# In the sandbox no site-packages is mounted, so a run's site.main() finds no directory to
# add; here the host's would be scanned (their .pth files), work the sandboxed run never does.
site.PREFIXES = []
site.ENABLE_USER_SITE = False
SOURCE = b"pass\n"
ENV = {"PATH": "/usr/bin:/bin", "HOME": work, "LANG": "C.UTF-8", "TMPDIR": work}
null = os.open(os.devnull, os.O_RDWR)
gc.collect()
gc.freeze()


def run():
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(null, 2)
    path = os.path.join(work, "solution.py")
    with open(path, "wb") as f:
        f.write(SOURCE)
    os.chdir(work)
    os.environ.clear()
    os.environ.update(ENV)
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        stream = io.TextIOWrapper(io.open(fd, "wb" if fd else "rb", -1, closefd=False),
                                  "utf-8", "backslashreplace" if fd == 2 else "strict", "\n")
        setattr(sys, name, stream)
    sys.set_int_max_str_digits(0)
    site.main()
    with open(path, "rb") as f:
        code = compile(f.read(), path, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__file__ = path
    sys.modules["__main__"] = main
    sys.argv = [path]
    exec(code, main.__dict__)
    sys.stdout.flush()
    sys.stderr.flush()


os.write(1, b"+")
while os.read(0, 1):
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            run()
            status = 0
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    os.write(1, bytes([os.waitstatus_to_exitcode(status) & 0xFF]))
)PY";

constexpr char kPreload[] =
    "os,sys,io,json,re,math,binascii,builtins,itertools,keyword,threading,types,select,time,"
    "linecache,importlib.util,traceback,collections,functools,typing,string,heapq,bisect,"
    "random,hashlib,copy,operator,fractions,decimal,dataclasses,enum,abc,contextlib,inspect,"
    "unittest,statistics,datetime,textwrap,struct,signal,tokenize,ast,site";

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Nearest rank, as bench/bench.py's percentile().
double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(v.size() - 1, i)];
}

// The warm unsandboxed python3: started once, one fork per Run().
class WarmPython {
 public:
  ~WarmPython() {
    if (to_ >= 0) ::close(to_);  // EOF: it exits
    if (from_ >= 0) ::close(from_);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
    if (!work_.empty()) {
      ::unlink((work_ + "/solution.py").c_str());
      ::rmdir(work_.c_str());
    }
  }

  bool Start(std::string* error) {
    char dir[] = "/tmp/proctor-overhead-XXXXXX";
    if (::mkdtemp(dir) == nullptr) return Fail("mkdtemp", error);
    work_ = dir;
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) return Fail("pipe", error);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    const char* argv[] = {"/usr/bin/python3", "-I", "-S", "-c", kWarmPython,
                          work_.c_str(),      kPreload, nullptr};
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    to_ = in[1];
    from_ = out[0];
    if (rc != 0) {
      pid_ = -1;
      errno = rc;
      return Fail("posix_spawn /usr/bin/python3", error);
    }
    char ready = 0;
    if (::read(from_, &ready, 1) != 1 || ready != '+') {
      *error = "the warm python3 did not start (see its stderr above)";
      return false;
    }
    return true;
  }

  // One run: the child's exit status, or -1 when the helper is gone.
  int Run() {
    char request = 'r', status = 0;
    if (::write(to_, &request, 1) != 1 || ::read(from_, &status, 1) != 1) return -1;
    return static_cast<unsigned char>(status);
  }

 private:
  bool Fail(const char* what, std::string* error) {
    *error = std::string(what) + ": " + std::strerror(errno);
    return false;
  }

  std::string work_;
  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
};

// `python3 -I -S -c pass` exec'd without a sandbox: its exit status, or -1.
int SpawnBare() {
  const char* argv[] = {"/usr/bin/python3", "-I", "-S", "-c", "pass", nullptr};
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) != 0) {
    return -1;
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string JsonList(const std::vector<double>& v) {
  std::string out = "[";
  char buf[32];
  for (size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.4f", i ? "," : "", v[i]);
    out += buf;
  }
  return out + "]";
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

int Usage() {
  std::fprintf(stderr, "usage: bench_sandbox_overhead [--runs N] [--warmup N] [--exec] [--json]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 200, warmup = 10;
  bool exec_pair = false, json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--runs" || arg == "--warmup") && i + 1 < argc) {
      (arg == "--runs" ? runs : warmup) = std::atoi(argv[++i]);
    } else if (arg == "--exec") {
      exec_pair = true;
    } else if (arg == "--json") {
      json = true;
    } else {
      return Usage();
    }
  }
  if (runs < 1 || warmup < 0) return Usage();

  std::string error;
  auto sandbox = proctor::sandbox::Sandbox::Create({}, &error);
  if (!sandbox || !sandbox->WarmUp(&error)) {
    std::fprintf(stderr, "bench_sandbox_overhead: sandbox: %s\n", error.c_str());
    return 1;
  }
  const proctor::grader::Language& python = *proctor::grader::FindLanguage("python");
  proctor::sandbox::RunSpec spec;
  if (exec_pair) {
    spec.argv = {"/usr/bin/python3", "-I", "-S", "-c", "pass"};
    spec.policy.readonly_paths = python.readonly_paths;
  } else {
    spec = proctor::grader::PreparedProgram::SourceOnly(python, kProgram)
               ->MakeRunSpec(proctor::sandbox::Limits{}, "");
  }
  WarmPython warm;
  if (!exec_pair && !warm.Start(&error)) {
    std::fprintf(stderr, "bench_sandbox_overhead: %s\n", error.c_str());
    return 1;
  }
  auto bare_run = [&]() { return exec_pair ? SpawnBare() : warm.Run(); };

  std::vector<double> bare, boxed, paired;
  int warm_slot_runs = 0, max_slot_run = 0;
  for (int i = -warmup; i < runs; ++i) {
    double t_bare = 0, t_boxed = 0;
    for (int side = 0; side < 2; ++side) {
      const bool boxed_now = (side == 0) == (i % 2 == 0);  // alternate which goes first
      const auto t0 = Clock::now();
      if (boxed_now) {
        proctor::sandbox::Result r = sandbox->Run(spec);
        t_boxed = Ms(t0, Clock::now());
        if (r.status != proctor::sandbox::Status::kOk) {
          std::fprintf(stderr, "bench_sandbox_overhead: sandboxed run %d: %s (%s) %s\n", i,
                       std::string(proctor::sandbox::StatusName(r.status)).c_str(),
                       r.error.c_str(), r.stderr_data.substr(0, 500).c_str());
          return 1;
        }
        if (i >= 0 && r.warm_slot >= 0) ++warm_slot_runs;
        if (i >= 0) max_slot_run = std::max(max_slot_run, r.warm_slot_run);
      } else {
        const int status = bare_run();
        t_bare = Ms(t0, Clock::now());
        if (status != 0) {
          std::fprintf(stderr, "bench_sandbox_overhead: bare run %d: exit status %d\n", i,
                       status);
          return 1;
        }
      }
    }
    if (i < 0) continue;  // warm-up, not counted
    bare.push_back(t_bare);
    boxed.push_back(t_boxed);
    paired.push_back(t_boxed - t_bare);
  }

  const char* program = exec_pair ? "python3 -I -S -c pass (exec'd)" : "pass (solution.py)";
  const char* bare_name = exec_pair ? "posix_spawn python3 -I -S -c pass"
                                    : "fork of a warm python3, no sandbox";
  if (json) {
    std::printf(
        "{\"program\": %s, \"mode\": \"%s\", \"runs\": %d, \"warmup\": %d, \"launcher\": %s, "
        "\"bare\": %s, \"bare_p50_ms\": %.4f, \"bare_p99_ms\": %.4f, \"boxed_p50_ms\": %.4f, "
        "\"boxed_p99_ms\": %.4f, \"overhead_p50_ms\": %.4f, \"paired_overhead_p50_ms\": %.4f, "
        "\"warm_slot_runs\": %d, \"max_warm_slot_run\": %d, \"bare_ms\": %s, \"boxed_ms\": %s}\n",
        JsonString(program).c_str(), exec_pair ? "exec" : "warm", runs, warmup,
        JsonString(sandbox->launcher_name()).c_str(), JsonString(bare_name).c_str(),
        Percentile(bare, .5), Percentile(bare, .99), Percentile(boxed, .5),
        Percentile(boxed, .99), Percentile(boxed, .5) - Percentile(bare, .5),
        Percentile(paired, .5), warm_slot_runs, max_slot_run, JsonList(bare).c_str(),
        JsonList(boxed).c_str());
    return 0;
  }
  std::printf("%s, %d runs each (after %d warm-up), interleaved; sandbox: %s\n", program, runs,
              warmup, sandbox->launcher_name().c_str());
  std::printf("%-36s %10s %10s\n", "", "p50 ms", "p99 ms");
  std::printf("%-36s %10.3f %10.3f\n", bare_name, Percentile(bare, .5), Percentile(bare, .99));
  std::printf("%-36s %10.3f %10.3f\n", "Sandbox::Run (all layers)", Percentile(boxed, .5),
              Percentile(boxed, .99));
  std::printf("%-36s %10.3f   (p50 of the paired differences %.3f)\n", "added by the sandbox",
              Percentile(boxed, .5) - Percentile(bare, .5), Percentile(paired, .5));
  std::printf("runs in a warm slot: %d of %d (the busiest slot's run count %d)\n",
              warm_slot_runs, runs, max_slot_run);
  return 0;
}
