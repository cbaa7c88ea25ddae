// All sandbox work of the server goes through one bounded scheduler: a fixed pool of worker
// threads (default one per core), a queue per connection served round-robin (so one busy
// client cannot starve the others), and a global queue limit past which work is refused
// ("overloaded, retry after") instead of growing memory without bound.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "sandbox/cancel.h"

namespace proctor::harness {

class Scheduler {
 public:
  // `run` executes on a worker thread inside a CancelScope of `cancel`; it is skipped (and
  // `dropped` called instead) when the token is already set when its turn comes.
  struct Job {
    uint64_t owner = 0;  // connection id (fairness unit)
    sandbox::CancelToken cancel;
    std::function<void()> run;
    std::function<void()> dropped;
  };

  Scheduler(int workers, size_t queue_limit);
  ~Scheduler();  // finishes running jobs, drops queued ones

  // Queues every job or none: false when they would exceed the queue limit.
  bool SubmitAll(std::vector<Job> jobs);
  // Stops taking jobs; waits until running and queued jobs are done.
  void Drain();

  size_t queued() const;
  int running() const;
  int workers() const { return static_cast<int>(threads_.size()); }
  size_t queue_limit() const { return queue_limit_; }

 private:
  void WorkerLoop();
  bool PopNext(Job* job);  // round-robin over owners; requires mutex_

  mutable std::mutex mutex_;
  std::condition_variable cv_, idle_cv_;
  std::map<uint64_t, std::deque<Job>> queues_;
  uint64_t last_owner_ = 0;
  size_t queued_ = 0;
  int running_ = 0;
  bool stopping_ = false;
  const size_t queue_limit_;
  std::vector<std::thread> threads_;
};

}  // namespace proctor::harness
