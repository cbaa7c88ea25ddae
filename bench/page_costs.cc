// bench_page_costs: what a page of memory costs on this machine, the unit in which a sandboxed
// run pays (each run is a new address space). Prints one line for bench/RESULTS.md:
//   fork+exit+wait of a small process; first touch of a fresh 4 KiB page, one fault each and
//   in bulk (MADV_POPULATE_WRITE); and in a forked child, the first read and the first write
//   (copy-on-write) of a page of its parent's memory.
// On bare metal these are ~0.1-0.5 us a page; in a virtual machine that traps page-table
// updates to its hypervisor they can be 10-50x that, which bounds any fork-per-run design.
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace {

constexpr size_t kPage = 4096;
constexpr size_t kPages = 4096;  // 16 MiB
constexpr size_t kBytes = kPage * kPages;

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

char* Fresh() {
  void* p = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<char*>(p);
}

// Microseconds per page for `touch` run in a forked child over `memory`.
double InChild(char* memory, bool write) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    volatile char sink = 0;
    const double start = Now();
    for (size_t i = 0; i < kBytes; i += kPage) {
      if (write) memory[i] = 2;
      else sink = sink + memory[i];
    }
    double us = (Now() - start) * 1e6 / kPages;
    ssize_t ignored = ::write(pipe_fds[1], &us, sizeof us);
    (void)ignored;
    _exit(0);
  }
  double us = -1;
  close(pipe_fds[1]);
  if (read(pipe_fds[0], &us, sizeof us) != sizeof us) us = -1;
  close(pipe_fds[0]);
  waitpid(pid, nullptr, 0);
  return us;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    std::printf("usage: bench_page_costs\n\nPrints what a 4 KiB page and a fork cost here "
                "(see the comment in bench/page_costs.cc).\n");
    return std::strcmp(argv[1], "--help") == 0 ? 0 : 2;
  }
  std::vector<double> fork_ms, first, bulk, child_read, child_write;
  for (int round = 0; round < 5; ++round) {
    double start = Now();
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    waitpid(pid, nullptr, 0);
    fork_ms.push_back((Now() - start) * 1e3);

    char* a = Fresh();
    char* b = Fresh();
    if (a == nullptr || b == nullptr) return 1;
    start = Now();
    for (size_t i = 0; i < kBytes; i += kPage) a[i] = 1;
    first.push_back((Now() - start) * 1e6 / kPages);
    start = Now();
    if (madvise(b, kBytes, MADV_POPULATE_WRITE) == 0)
      bulk.push_back((Now() - start) * 1e6 / kPages);
    child_read.push_back(InChild(a, false));
    child_write.push_back(InChild(a, true));
    munmap(a, kBytes);
    munmap(b, kBytes);
  }
  char in_bulk[64] = "no MADV_POPULATE_WRITE";
  if (!bulk.empty()) std::snprintf(in_bulk, sizeof in_bulk, "%.2f us in bulk", Median(bulk));
  std::printf("fork+exit+wait %.2f ms; fresh page %.2f us (%s); after fork: read %.2f us, "
              "write (copy-on-write) %.2f us a page\n",
              Median(fork_ms), Median(first), in_bulk, Median(child_read), Median(child_write));
  return 0;
}
