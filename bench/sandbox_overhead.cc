// Per-run cost of the sandbox: `python3 -I -S -c pass` run bare (posix_spawn + wait) and through
// Sandbox::Run with every layer on, interleaved in one process on the same machine.
// Usage: bench_sandbox_overhead [RUNS]   (default 100). Prints medians and p90s in ms.
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "grader/languages/language.h"
#include "sandbox/sandbox.h"

extern char** environ;

namespace {

double Ms(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * (v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::stoi(argv[1]) : 100;
  std::string error;
  auto sandbox = proctor::sandbox::Sandbox::Create({}, &error);
  if (!sandbox) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  proctor::sandbox::RunSpec spec;
  spec.argv = {"/usr/bin/python3", "-I", "-S", "-c", "pass"};
  spec.policy.readonly_paths = proctor::grader::FindLanguage("python")->readonly_paths;
  const char* bare_argv[] = {"/usr/bin/python3", "-I", "-S", "-c", "pass", nullptr};

  std::vector<double> bare, boxed;
  for (int i = 0; i < runs; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid;
    posix_spawn(&pid, bare_argv[0], nullptr, nullptr, const_cast<char**>(bare_argv), environ);
    waitpid(pid, nullptr, 0);
    auto t1 = std::chrono::steady_clock::now();
    auto r = sandbox->Run(spec);
    auto t2 = std::chrono::steady_clock::now();
    if (r.status != proctor::sandbox::Status::kOk) {
      std::fprintf(stderr, "sandboxed run failed: %s\n", r.error.c_str());
      return 1;
    }
    bare.push_back(Ms(t0, t1));
    boxed.push_back(Ms(t1, t2));
  }
  std::printf("python3 -I -S -c pass, %d runs each, interleaved\n", runs);
  std::printf("%-22s %10s %10s\n", "", "median ms", "p90 ms");
  std::printf("%-22s %10.2f %10.2f\n", "bare (posix_spawn)", Percentile(bare, 0.5),
              Percentile(bare, 0.9));
  std::printf("%-22s %10.2f %10.2f\n", "sandboxed (all layers)", Percentile(boxed, 0.5),
              Percentile(boxed, 0.9));
  std::printf("%-22s %10.2f\n", "overhead per run", Percentile(boxed, 0.5) - Percentile(bare, 0.5));
  return 0;
}
