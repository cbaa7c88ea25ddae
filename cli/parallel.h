// Runs fn(0..n-1) on `jobs` threads, each index once. For commands that grade many
// submissions: each grading blocks on its own sandboxes.
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace proctor::cli {

inline void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, jobs); ++t)
    threads.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  for (std::thread& t : threads) t.join();
}

}  // namespace proctor::cli
