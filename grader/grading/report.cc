#include "grader/grading/report.h"

#include <cstdio>

#include "grader/task/sha256.h"

namespace proctor::grader {
namespace {

// Any bytes into valid UTF-8 JSON text.
nlohmann::json Text(const std::string& bytes) {
  return nlohmann::json::parse(
      nlohmann::json(bytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

std::string CapText(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return text.substr(0, max_bytes) + "...[" + std::to_string(text.size() - max_bytes) +
         " more bytes]";
}

std::string TailText(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  return "[...]" + text.substr(text.size() - max_bytes);
}

bool SubmissionReport::HasInfraError() const {
  for (const TestOutcome& t : tests)
    if (t.verdict == Verdict::kInfraError) return true;
  return false;
}

bool SubmissionReport::HasTimeLimit() const {
  if (compile_time_limit != TimeLimitKind::kNone) return true;
  for (const TestOutcome& t : tests)
    if (t.verdict == Verdict::kTimeLimit) return true;
  return false;
}

std::optional<std::string> SubmissionReport::LoadExplainedTimeLimit() const {
  auto why = [](const std::string& what, double wall, double cpu) {
    char text[200];
    std::snprintf(text, sizeof text,
                  "%s hit its wall-clock limit with %.2f s of CPU in %.2f s: the machine's "
                  "load can explain it",
                  what.c_str(), cpu, wall);
    return std::string(text);
  };
  if (LoadCanExplain(compile_time_limit, compile_wall_seconds, compile_cpu_seconds))
    return why("the compile", compile_wall_seconds, compile_cpu_seconds);
  for (size_t i = 0; i < tests.size(); ++i) {
    const TestOutcome& t = tests[i];
    // Hidden tests are named by index only, as in the JSON.
    if (t.verdict == Verdict::kTimeLimit &&
        LoadCanExplain(t.time_limit, t.wall_seconds, t.cpu_seconds))
      return why("test " + std::to_string(i), t.wall_seconds, t.cpu_seconds);
  }
  return std::nullopt;
}

nlohmann::json SubmissionReport::ToJson() const {
  nlohmann::json tests_json = nlohmann::json::array();
  for (size_t i = 0; i < tests.size(); ++i) {
    const TestOutcome& t = tests[i];
    nlohmann::json j = {{"index", i},
                        {"kind", t.kind},
                        {"visibility", t.is_public ? "public" : "hidden"},
                        {"verdict", VerdictName(t.verdict)},
                        {"wall_seconds", t.wall_seconds},
                        {"cpu_seconds", t.cpu_seconds},
                        {"peak_memory_bytes", t.peak_memory_bytes}};
    if (t.verdict == Verdict::kTimeLimit && t.time_limit != TimeLimitKind::kNone)
      j["limit"] = TimeLimitKindName(t.time_limit);
    // IMPORTANT: hidden tests are reported by verdict only, never by name or content.
    if (t.is_public) {
      j["name"] = t.name;
      if (t.feedback) {
        j["feedback"] = {{"input", Text(t.feedback->input)},
                         {"expected", Text(t.feedback->expected)},
                         {"got", Text(t.feedback->got)},
                         {"message", Text(t.feedback->message)},
                         {"stderr_tail", Text(t.feedback->stderr_tail)}};
      }
    }
    if (!t.infra_reason.empty()) j["infra_reason"] = Text(t.infra_reason);
    tests_json.push_back(j);
  }
  nlohmann::json out = {
      {"task_id", task_id},
      {"language", language},
      {"reward", reward ? nlohmann::json(*reward) : nlohmann::json(nullptr)},
      {"ungradeable", !reward.has_value()},
      {"compiled", compiled},
      {"tests", tests_json},
      {"scoring", scoring},
      {"pack", {{"name", pack_name}, {"version", pack_version}, {"hash", pack_hash}}},
      {"proctor_version", PROCTOR_VERSION},
      {"limits", limits},
      {"wall_seconds", wall_seconds},
  };
  if (!python_packages.empty()) {
    nlohmann::json packages = nlohmann::json::array();
    for (const auto& [name, version] : python_packages)
      packages.push_back({{"name", name}, {"version", version}});
    out["pack"]["python_packages"] = packages;
  }
  if (!reward) out["ungradeable_reason"] = Text(ungradeable_reason);
  if (!compiled) out["compile_message"] = Text(compile_message);
  if (extraction) {
    nlohmann::json e = {{"mode", extraction->mode},
                        {"input", extraction->input},
                        {"source", Text(extraction->source)}};
    if (extraction->error.empty()) {
      e["continues_starter"] = extraction->continues_starter;
      e["starter_prelude"] = extraction->starter_prelude;
      e["graded_code_bytes"] = extraction->graded_code.size();
      e["graded_code_sha256"] = task::Sha256Hex(extraction->graded_code);
      e["graded_code"] = Text(CapText(extraction->graded_code, kGradedCodeCap));
    } else {
      e["error"] = Text(extraction->error);
    }
    out["extraction"] = e;
  }
  if (rerun) {
    out["rerun"] = {
        {"reason", rerun->reason},
        {"first_reward",
         rerun->first_reward ? nlohmann::json(*rerun->first_reward) : nlohmann::json(nullptr)},
        {"first_time_limit_tests", rerun->first_time_limits},
        {"reported", rerun->reported_first ? "first" : "second"}};
  }
  return out;
}

}  // namespace proctor::grader
