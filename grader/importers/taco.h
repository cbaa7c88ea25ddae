// Importing TACO (BAAI/TACO, Li et al. 2023): APPS' row layout (apps.h) plus published limits
// as text, `time_limit` ("1 second", "2.5 seconds", null) and `memory_limit` ("256
// megabytes", null), kept and scaled (docs/importers.md, "Limits"); `name` is the title.
// TACO rows have no id: the task id is taco/<row>, the record's position counted from 0.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

bool RunTaco(const ImportRequest& request, ImportReport* report, std::string* error);

// "1 second", "2 seconds", "0.5 sec", "1500 ms", "3" -> seconds; nullopt when not a time.
std::optional<double> ParseTacoSeconds(std::string_view text);
// "256 megabytes", "64 MB", "1 gigabyte", "262144 kilobytes" -> MiB; nullopt when not a size.
std::optional<double> ParseTacoMegabytes(std::string_view text);

}  // namespace proctor::grader::importers
