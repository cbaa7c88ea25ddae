#include "harness/metrics.h"

#include <sstream>

namespace proctor::harness {

const char* TransportName(Transport t) {
  switch (t) {
    case Transport::kJsonRpc:
      return "jsonrpc";
    case Transport::kHttp:
      return "http";
  }
  return "unknown";
}

namespace {

constexpr int kOverloadedCode = -32000;  // rpc_error::kOverloaded (json_rpc.h)

void Help(std::ostringstream& o, const char* name, const char* type, const char* help) {
  o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
}

}  // namespace

void Metrics::Histogram::Observe(double seconds) {
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  ++buckets[b];
  sum += seconds;
  ++count;
}

void Metrics::CountRequest(const std::string& method, Transport transport, double seconds,
                           int error_code) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{method, transport}];
  request_seconds_[method].Observe(seconds);
  if (error_code != 0) ++errors_[{method, error_code}];
  if (error_code == kOverloadedCode) ++overloaded_;
}

void Metrics::CountGrading(const grader::SubmissionReport& report, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string language = report.language.empty() ? "(none)" : report.language;
  for (const auto& t : report.tests)
    ++test_verdicts_[{language, std::string(grader::VerdictName(t.verdict))}];
  const char* outcome = !report.reward            ? "ungradeable"
                        : *report.reward >= 1.0   ? "full"
                        : *report.reward > 0.0    ? "partial"
                                                  : "zero";
  ++gradings_[outcome];
  ++gradings_by_language_[{language, outcome}];
  if (report.rerun) ++time_limit_reruns_;
  grading_seconds_.Observe(seconds);
}

void Metrics::CountIdempotentReplay() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++idempotent_replays_;
}

nlohmann::json Metrics::ToJson(const Gauges& g) const {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t requests = 0, gradings = 0;
  std::map<std::string, uint64_t> by_method, by_transport, by_code;
  for (const auto& [key, n] : requests_) {
    requests += n;
    by_method[key.first] += n;
    by_transport[TransportName(key.second)] += n;
  }
  for (const auto& [key, n] : errors_) by_code[std::to_string(key.second)] += n;
  nlohmann::json verdicts = nlohmann::json::object(), by_language = nlohmann::json::object();
  std::map<std::string, uint64_t> verdict_totals;
  for (const auto& [key, n] : test_verdicts_) {
    verdict_totals[key.second] += n;
    verdicts[key.first][key.second] = n;
  }
  for (const auto& [key, n] : gradings_by_language_) by_language[key.first][key.second] = n;
  nlohmann::json request_seconds = nlohmann::json::object();
  for (const auto& [m, h] : request_seconds_)
    request_seconds[m] = {{"count", h.count}, {"mean", h.count ? h.sum / h.count : 0.0}};
  for (const auto& [_, n] : gradings_) gradings += n;
  return {{"version", PROCTOR_VERSION},
          {"requests", requests},
          {"requests_by_method", by_method},
          {"requests_by_transport", by_transport},
          {"request_seconds", request_seconds},
          {"errors_by_code", by_code},
          {"gradings", gradings},
          {"gradings_by_outcome", gradings_},
          {"gradings_by_language", by_language},
          {"verdicts", verdict_totals},
          {"verdicts_by_language", verdicts},
          {"infra_errors", gradings_.count("ungradeable") ? gradings_.at("ungradeable") : 0},
          {"overloaded", overloaded_},
          {"time_limit_reruns", time_limit_reruns_},
          {"idempotent_replays", idempotent_replays_},
          {"queue_depth", g.queue_depth},
          {"in_flight", g.in_flight},
          {"sessions", g.sessions},
          {"connections", g.connections},
          {"workers", g.workers},
          {"queue_limit", g.queue_limit},
          {"warm_slots", g.warm_slots},
          {"grading_seconds_mean",
           grading_seconds_.count ? grading_seconds_.sum / grading_seconds_.count : 0.0}};
}

std::string Metrics::ToPrometheus(const Gauges& g) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream o;
  auto histogram = [&](const std::string& name, const std::string& labels, const Histogram& h) {
    const std::string sep = labels.empty() ? "" : ",";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      o << name << "_bucket{" << labels << sep << "le=\"" << kBuckets[i] << "\"} " << cumulative
        << "\n";
    }
    cumulative += h.buckets[kBuckets.size()];
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    o << name << "_bucket{" << labels << sep << "le=\"+Inf\"} " << cumulative << "\n"
      << name << "_sum" << braces << " " << h.sum << "\n"
      << name << "_count" << braces << " " << h.count << "\n";
  };
  Help(o, "proctor_build_info", "gauge", "Always 1; the version of this server is its label.");
  o << "proctor_build_info{version=\"" << PROCTOR_VERSION << "\"} 1\n";
  Help(o, "proctor_requests_total", "counter", "Answered requests by method and transport.");
  for (const auto& [key, n] : requests_)
    o << "proctor_requests_total{method=\"" << key.first << "\",transport=\""
      << TransportName(key.second) << "\"} " << n << "\n";
  Help(o, "proctor_request_seconds", "histogram",
       "Time from a request's arrival to its answer, by method.");
  for (const auto& [m, h] : request_seconds_) histogram("proctor_request_seconds", "method=\"" + m + "\"", h);
  Help(o, "proctor_request_errors_total", "counter",
       "Requests answered with an error, by method and JSON-RPC error code.");
  for (const auto& [key, n] : errors_)
    o << "proctor_request_errors_total{method=\"" << key.first << "\",code=\"" << key.second
      << "\"} " << n << "\n";
  Help(o, "proctor_gradings_total", "counter", "Graded submissions by outcome.");
  for (const auto& [k, n] : gradings_)
    o << "proctor_gradings_total{outcome=\"" << k << "\"} " << n << "\n";
  Help(o, "proctor_language_gradings_total", "counter",
       "Graded submissions by language and outcome.");
  for (const auto& [key, n] : gradings_by_language_)
    o << "proctor_language_gradings_total{language=\"" << key.first << "\",outcome=\""
      << key.second << "\"} " << n << "\n";
  Help(o, "proctor_test_verdicts_total", "counter", "Per-test verdicts by language.");
  for (const auto& [key, n] : test_verdicts_)
    o << "proctor_test_verdicts_total{language=\"" << key.first << "\",verdict=\"" << key.second
      << "\"} " << n << "\n";
  Help(o, "proctor_infra_errors_total", "counter", "Submissions Proctor could not grade.");
  o << "proctor_infra_errors_total "
    << (gradings_.count("ungradeable") ? gradings_.at("ungradeable") : 0) << "\n";
  Help(o, "proctor_time_limit_reruns_total", "counter",
       "Submissions graded again after a time limit.");
  o << "proctor_time_limit_reruns_total " << time_limit_reruns_ << "\n";
  Help(o, "proctor_overloaded_total", "counter", "Requests refused because the queue was full.");
  o << "proctor_overloaded_total " << overloaded_ << "\n";
  Help(o, "proctor_idempotent_replays_total", "counter",
       "Requests answered through their idempotency key without grading again.");
  o << "proctor_idempotent_replays_total " << idempotent_replays_ << "\n";
  Help(o, "proctor_queue_depth", "gauge", "Gradings waiting for a worker.");
  o << "proctor_queue_depth " << g.queue_depth << "\n";
  Help(o, "proctor_in_flight", "gauge", "Gradings running now (each runs its sandboxes).");
  o << "proctor_in_flight " << g.in_flight << "\n";
  Help(o, "proctor_sessions", "gauge", "Env sessions alive.");
  o << "proctor_sessions " << g.sessions << "\n";
  Help(o, "proctor_connections", "gauge", "Open client connections.");
  o << "proctor_connections " << g.connections << "\n";
  Help(o, "proctor_workers", "gauge", "Gradings that can run at once (worker threads).");
  o << "proctor_workers " << g.workers << "\n";
  Help(o, "proctor_queue_limit", "gauge", "Gradings that can wait before requests are refused.");
  o << "proctor_queue_limit " << g.queue_limit << "\n";
  Help(o, "proctor_warm_slots", "gauge",
       "Warm sandbox slots of the fork server (0: every run builds its layers).");
  o << "proctor_warm_slots " << g.warm_slots << "\n";
  Help(o, "proctor_grading_seconds", "histogram", "Time to grade one submission.");
  histogram("proctor_grading_seconds", "", grading_seconds_);
  return o.str();
}

}  // namespace proctor::harness
