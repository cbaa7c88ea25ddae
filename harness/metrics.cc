#include "harness/metrics.h"

#include <sstream>

namespace proctor::harness {

void Metrics::CountRequest(const std::string& method) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[method];
}

void Metrics::CountGrading(const grader::SubmissionReport& report, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& t : report.tests) ++test_verdicts_[std::string(grader::VerdictName(t.verdict))];
  const char* outcome = !report.reward            ? "ungradeable"
                        : *report.reward >= 1.0   ? "full"
                        : *report.reward > 0.0    ? "partial"
                                                  : "zero";
  ++gradings_[outcome];
  if (report.rerun) ++time_limit_reruns_;
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  ++latency_buckets_[b];
  latency_sum_ += seconds;
  ++latency_count_;
}

nlohmann::json Metrics::ToJson(size_t queue_depth, int in_flight, size_t sessions,
                               size_t connections) const {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t requests = 0, gradings = 0;
  for (const auto& [_, n] : requests_) requests += n;
  for (const auto& [_, n] : gradings_) gradings += n;
  return {{"requests", requests},
          {"requests_by_method", requests_},
          {"gradings", gradings},
          {"gradings_by_outcome", gradings_},
          {"verdicts", test_verdicts_},
          {"infra_errors", gradings_.count("ungradeable") ? gradings_.at("ungradeable") : 0},
          {"overloaded", overloaded_.load()},
          {"time_limit_reruns", time_limit_reruns_},
          {"queue_depth", queue_depth},
          {"in_flight", in_flight},
          {"sessions", sessions},
          {"connections", connections},
          {"grading_seconds_mean", latency_count_ ? latency_sum_ / latency_count_ : 0.0}};
}

std::string Metrics::ToPrometheus(size_t queue_depth, int in_flight, size_t sessions,
                                  size_t connections) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream o;
  o << "# HELP proctor_requests_total JSON-RPC and HTTP requests by method.\n"
    << "# TYPE proctor_requests_total counter\n";
  for (const auto& [m, n] : requests_)
    o << "proctor_requests_total{method=\"" << m << "\"} " << n << "\n";
  o << "# HELP proctor_gradings_total Graded submissions by outcome.\n"
    << "# TYPE proctor_gradings_total counter\n";
  for (const auto& [k, n] : gradings_)
    o << "proctor_gradings_total{outcome=\"" << k << "\"} " << n << "\n";
  o << "# HELP proctor_test_verdicts_total Per-test verdicts.\n"
    << "# TYPE proctor_test_verdicts_total counter\n";
  for (const auto& [k, n] : test_verdicts_)
    o << "proctor_test_verdicts_total{verdict=\"" << k << "\"} " << n << "\n";
  o << "# HELP proctor_infra_errors_total Submissions Proctor could not grade.\n"
    << "# TYPE proctor_infra_errors_total counter\n"
    << "proctor_infra_errors_total " << (gradings_.count("ungradeable") ? gradings_.at("ungradeable") : 0) << "\n"
    << "# HELP proctor_time_limit_reruns_total Submissions graded again after a time limit.\n"
    << "# TYPE proctor_time_limit_reruns_total counter\n"
    << "proctor_time_limit_reruns_total " << time_limit_reruns_ << "\n"
    << "# HELP proctor_overloaded_total Requests refused because the queue was full.\n"
    << "# TYPE proctor_overloaded_total counter\n"
    << "proctor_overloaded_total " << overloaded_.load() << "\n"
    << "# HELP proctor_queue_depth Gradings waiting for a worker.\n"
    << "# TYPE proctor_queue_depth gauge\nproctor_queue_depth " << queue_depth << "\n"
    << "# HELP proctor_in_flight Gradings running now (each runs its sandboxes).\n"
    << "# TYPE proctor_in_flight gauge\nproctor_in_flight " << in_flight << "\n"
    << "# HELP proctor_sessions Env sessions alive.\n"
    << "# TYPE proctor_sessions gauge\nproctor_sessions " << sessions << "\n"
    << "# HELP proctor_connections Open client connections.\n"
    << "# TYPE proctor_connections gauge\nproctor_connections " << connections << "\n"
    << "# HELP proctor_grading_seconds Time to grade one submission.\n"
    << "# TYPE proctor_grading_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_buckets_[i];
    o << "proctor_grading_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << cumulative << "\n";
  }
  cumulative += latency_buckets_[kBuckets.size()];
  o << "proctor_grading_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
    << "proctor_grading_seconds_sum " << latency_sum_ << "\n"
    << "proctor_grading_seconds_count " << latency_count_ << "\n";
  return o.str();
}

}  // namespace proctor::harness
