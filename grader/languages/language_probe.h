// Whether a language can run here: its version (the definition's probe, run on the host) and
// which of its Debian packages are missing. `proctor doctor` prints it for every language.
#pragma once

#include <string>
#include <vector>

#include "grader/languages/language.h"

namespace proctor::grader {

struct LanguageStatus {
  std::string version;                        // what the probe matched; empty when it failed
  std::string probe_error;                    // why there is no version
  std::vector<std::string> missing_packages;  // not "install ok installed" per dpkg-query
  std::string packages_error;                 // set when packages could not be checked
  bool ready() const { return version.size() && missing_packages.empty() && packages_error.empty(); }
};

LanguageStatus ProbeLanguage(const Language& language);

// The version in a probe's output: the first line matching `pattern` (its first group when
// it has one, else the whole match); no pattern: the first non-empty line. Empty: no match.
std::string MatchVersion(const std::string& output, const std::string& pattern);

}  // namespace proctor::grader
