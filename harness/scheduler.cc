#include "harness/scheduler.h"

namespace proctor::harness {

Scheduler::Scheduler(int workers, size_t queue_limit) : queue_limit_(queue_limit) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& [owner, queue] : queues_)
      for (Job& job : queue)
        if (job.dropped) job.dropped();
    queues_.clear();
    queued_ = 0;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

bool Scheduler::SubmitAll(std::vector<Job> jobs) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || queued_ + jobs.size() > queue_limit_) return false;
    for (Job& job : jobs) queues_[job.owner].push_back(std::move(job));
    queued_ += jobs.size();
  }
  cv_.notify_all();
  return true;
}

void Scheduler::Drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  idle_cv_.wait(lock, [this] { return queued_ == 0 && running_ == 0; });
}

size_t Scheduler::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_;
}

int Scheduler::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

bool Scheduler::PopNext(Job* job) {
  if (queues_.empty()) return false;
  // The first owner after the last one served, wrapping around.
  auto it = queues_.upper_bound(last_owner_);
  if (it == queues_.end()) it = queues_.begin();
  *job = std::move(it->second.front());
  it->second.pop_front();
  last_owner_ = it->first;
  if (it->second.empty()) queues_.erase(it);
  --queued_;
  return true;
}

void Scheduler::WorkerLoop() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queues_.empty(); });
      if (!PopNext(&job)) {
        if (stopping_) return;
        continue;
      }
      ++running_;
    }
    if (job.cancel && job.cancel->load()) {
      if (job.dropped) job.dropped();
    } else {
      sandbox::CancelScope scope(job.cancel);
      job.run();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --running_;
      if (queued_ == 0 && running_ == 0) idle_cv_.notify_all();
    }
  }
}

}  // namespace proctor::harness
