// Which cgroup hierarchy a run's limits and accounting use. On the wire (keeper and zygote
// requests) as "v1", "v2" or "" (none: rlimit fallbacks only).
#pragma once

#include <string_view>

namespace proctor::sandbox {

enum class CgroupVersion { kNone, kV1, kV2 };

constexpr const char* CgroupVersionName(CgroupVersion v) {
  switch (v) {
    case CgroupVersion::kV1: return "v1";
    case CgroupVersion::kV2: return "v2";
    case CgroupVersion::kNone: break;
  }
  return "";
}

// False for a name that is none of the above.
constexpr bool CgroupVersionFromName(std::string_view name, CgroupVersion* out) {
  for (CgroupVersion v : {CgroupVersion::kNone, CgroupVersion::kV1, CgroupVersion::kV2}) {
    if (name == CgroupVersionName(v)) {
      *out = v;
      return true;
    }
  }
  return false;
}

}  // namespace proctor::sandbox
