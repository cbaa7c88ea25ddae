// Server counters, exported as `stats` (JSON-RPC) and `/metrics` (Prometheus text format).
// Thread-safe: updated from worker threads and the event loop.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "grader/grading/report.h"

namespace proctor::harness {

class Metrics {
 public:
  void CountRequest(const std::string& method);
  void CountGrading(const grader::SubmissionReport& report, double seconds);
  void CountRejected() { ++overloaded_; }

  // Gauges are read live from their owners.
  nlohmann::json ToJson(size_t queue_depth, int in_flight, size_t sessions,
                        size_t connections) const;
  std::string ToPrometheus(size_t queue_depth, int in_flight, size_t sessions,
                           size_t connections) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                       0.5,   1,    2.5,   5,    10,  30};
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> requests_;      // by method
  std::map<std::string, uint64_t> test_verdicts_; // by verdict
  std::map<std::string, uint64_t> gradings_;      // by outcome: full, partial, zero, ungradeable
  std::array<uint64_t, kBuckets.size() + 1> latency_buckets_{};
  double latency_sum_ = 0;
  uint64_t latency_count_ = 0;
  uint64_t time_limit_reruns_ = 0;  // submissions graded a second time (see Grader::Grade)
  std::atomic<uint64_t> overloaded_{0};
};

}  // namespace proctor::harness
