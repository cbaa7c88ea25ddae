// Server counters, exported as `stats` (JSON-RPC) and `/metrics` (Prometheus text format).
// Thread-safe: updated from worker threads and the event loop.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "grader/grading/report.h"

namespace proctor::harness {

// How a request reached the server: a label of its own, never part of the method's name.
enum class Transport { kJsonRpc, kHttp };
const char* TransportName(Transport t);

// Live values read from their owners when the metrics are exported.
struct Gauges {
  size_t queue_depth = 0;
  int in_flight = 0;
  size_t sessions = 0;
  size_t connections = 0;
  // Capacity, for autoscaling: what the server can hold at once.
  int workers = 0;
  size_t queue_limit = 0;
  int warm_slots = 0;  // fork-server slots in use; 0 when every run builds its layers
};

class Metrics {
 public:
  // One answered request: `method` must come from a closed set (a label); `error_code` is
  // the JSON-RPC error code of the answer, 0 for a result.
  void CountRequest(const std::string& method, Transport transport, double seconds,
                    int error_code);
  void CountGrading(const grader::SubmissionReport& report, double seconds);
  // A request answered through its idempotency key without a grading of its own (a replay
  // of a kept answer, or a wait for the grading of its key in flight).
  void CountIdempotentReplay();

  nlohmann::json ToJson(const Gauges& gauges) const;
  std::string ToPrometheus(const Gauges& gauges) const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                       0.5,   1,    2.5,   5,    10,  30};
  struct Histogram {
    std::array<uint64_t, kBuckets.size() + 1> buckets{};
    double sum = 0;
    uint64_t count = 0;
    void Observe(double seconds);
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, Transport>, uint64_t> requests_;  // by method, transport
  std::map<std::string, Histogram> request_seconds_;                // by method
  std::map<std::pair<std::string, int>, uint64_t> errors_;          // by method, code
  std::map<std::pair<std::string, std::string>, uint64_t> test_verdicts_;  // language, verdict
  std::map<std::string, uint64_t> gradings_;      // by outcome: full, partial, zero, ungradeable
  std::map<std::pair<std::string, std::string>, uint64_t> gradings_by_language_;  // lang, outcome
  Histogram grading_seconds_;
  uint64_t time_limit_reruns_ = 0;  // submissions graded a second time (see Grader::Grade)
  uint64_t overloaded_ = 0;
  uint64_t idempotent_replays_ = 0;
};

}  // namespace proctor::harness
