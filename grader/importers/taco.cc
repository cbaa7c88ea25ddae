#include "grader/importers/taco.h"

#include <cctype>
#include <charconv>
#include <string>

#include "grader/importers/apps.h"

namespace proctor::grader::importers {
namespace {

// "<number> <unit>" with the unit lower-cased; false when the text has another shape.
bool SplitQuantity(std::string_view text, double* number, std::string* unit) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *number);
  if (ec != std::errc() || !(*number > 0)) return false;
  unit->clear();
  for (const char* c = end; c != text.data() + text.size(); ++c) {
    if (!std::isspace(static_cast<unsigned char>(*c)))
      *unit += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  }
  return true;
}

void ReadTacoLimits(const JsonlRecord& record, const ImportRequest& request,
                    ContestProblem* problem, ImportReport* report) {
  auto text_of = [&](const char* key) -> std::optional<std::string> {
    auto it = record.value.find(key);
    if (it == record.value.end() || it->is_null()) return std::nullopt;
    if (it->is_number()) return std::to_string(it->get<double>());
    if (it->is_string()) return it->get<std::string>();
    return DescribeJson(*it);
  };
  std::optional<std::string> time = text_of("time_limit");
  std::optional<double> seconds = time ? ParseTacoSeconds(*time) : std::nullopt;
  if (seconds) {
    problem->cpu_seconds = ScaledSeconds(*seconds, request.time_scale);
  } else if (time && *time != "None" && !time->empty()) {
    Note(record, "time_limit \"" + *time + "\" is not a time: default used", report);
  } else {
    Note(record, "no time_limit, default used", report);
  }
  std::optional<std::string> memory = text_of("memory_limit");
  std::optional<double> megabytes = memory ? ParseTacoMegabytes(*memory) : std::nullopt;
  if (megabytes) {
    problem->memory_mb = MemoryMb(*megabytes);
  } else if (memory && *memory != "None" && !memory->empty()) {
    Note(record, "memory_limit \"" + *memory + "\" is not a size: default used", report);
  } else {
    Note(record, "no memory_limit, default used", report);
  }
}

}  // namespace

std::optional<double> ParseTacoSeconds(std::string_view text) {
  double number = 0;
  std::string unit;
  if (!SplitQuantity(text, &number, &unit)) return std::nullopt;
  if (unit.empty() || unit == "s" || unit == "sec" || unit == "secs" || unit == "second" ||
      unit == "seconds") {
    return number;
  }
  if (unit == "ms" || unit == "millisecond" || unit == "milliseconds") return number / 1000;
  return std::nullopt;
}

std::optional<double> ParseTacoMegabytes(std::string_view text) {
  double number = 0;
  std::string unit;
  if (!SplitQuantity(text, &number, &unit)) return std::nullopt;
  if (unit.empty() || unit == "mb" || unit == "mib" || unit == "megabyte" || unit == "megabytes")
    return number;
  if (unit == "gb" || unit == "gib" || unit == "gigabyte" || unit == "gigabytes")
    return number * 1024;
  if (unit == "kb" || unit == "kib" || unit == "kilobyte" || unit == "kilobytes")
    return number / 1024;
  return std::nullopt;
}

bool RunTaco(const ImportRequest& request, ImportReport* report, std::string* error) {
  AppsFlavor flavor;
  flavor.format = "taco";
  flavor.read_limits = ReadTacoLimits;
  flavor.title_field = "name";
  flavor.description =
      "TACO (Li et al. 2023, \"TACO: Topics in Algorithmic COde generation dataset\"), "
      "huggingface.co/datasets/BAAI/TACO. Licence: Apache 2.0 (problems from sources with "
      "their own terms: see the dataset card).";
  return ImportAppsLike(request, flavor, report, error);
}

}  // namespace proctor::grader::importers
