#include "sandbox/result.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

namespace proctor::sandbox {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 10> kNames = {{
    {Status::kOk, "ok"},
    {Status::kNonzeroExit, "nonzero_exit"},
    {Status::kSignaled, "signaled"},
    {Status::kWallTimeout, "wall_timeout"},
    {Status::kCpuTimeout, "cpu_timeout"},
    {Status::kMemoryLimit, "memory_limit"},
    {Status::kOutputLimit, "output_limit"},
    {Status::kDiskLimit, "disk_limit"},
    {Status::kViolation, "violation"},
    {Status::kSandboxError, "sandbox_error"},
}};

}  // namespace

std::string_view StatusName(Status status) {
  for (const auto& [s, name] : kNames)
    if (s == status) return name;
  return "sandbox_error";
}

std::optional<Status> StatusFromName(std::string_view name) {
  for (const auto& [s, n] : kNames)
    if (n == name) return s;
  return std::nullopt;
}

nlohmann::json ResultToJson(const Result& r) {
  auto text = [](const std::string& bytes) {
    // dump() with error_handler::replace keeps any bytes as valid UTF-8 JSON.
    return nlohmann::json::parse(
        nlohmann::json(bytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  };
  nlohmann::json j = {
      {"status", StatusName(r.status)},
      {"exit_code", r.exit_code},
      {"signal", r.signal},
      {"wall_seconds", r.wall_seconds},
      {"cpu_seconds", r.cpu_seconds},
      {"peak_memory_bytes", r.peak_memory_bytes},
      {"stdout", text(r.stdout_data)},
      {"stderr", text(r.stderr_data)},
      {"stdout_truncated", r.stdout_truncated},
      {"stderr_truncated", r.stderr_truncated},
      {"pids_limit_hit", r.pids_limit_hit},
      {"disk_full", r.disk_full},
      {"warm_slot", r.warm_slot},
      {"warm_slot_run", r.warm_slot_run},
  };
  if (!r.error.empty()) j["error"] = r.error;
  if (!r.detail.empty()) j["detail"] = r.detail;
  return j;
}

}  // namespace proctor::sandbox
