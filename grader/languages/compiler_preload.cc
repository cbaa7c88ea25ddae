#include "grader/languages/compiler_preload.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace proctor::grader {

const std::string& HugepagesLibrary() {
  static const std::string path = [] {
    const char* env = std::getenv("PROCTOR_HUGEPAGES_LIB");
    if (env != nullptr && *env) {
      const std::string named = env;
      if (named == "off" || ::access(named.c_str(), R_OK) == 0) return named == "off" ? "" : named;
      std::cerr << "proctor: PROCTOR_HUGEPAGES_LIB=" << named
                << " is not a readable file; compiles run without it\n";
      return std::string();
    }
    for (const std::string& candidate :
         {sandbox::ExecutableDir() + "/libproctor-hugepages.so", std::string(PROCTOR_HUGEPAGES_LIB)})
      if (::access(candidate.c_str(), R_OK) == 0) return candidate;
    return std::string();
  }();
  return path;
}

void PreloadHugepages(sandbox::RunSpec* spec) {
  const std::string& library = HugepagesLibrary();
  if (library.empty()) return;
  spec->policy.binds.push_back({library, kHugepagesMount, false});
  spec->policy.env["LD_PRELOAD"] = kHugepagesMount;
}

}  // namespace proctor::grader
