// A pack's Debian python3-* packages (pack.yaml `python_packages`): which host paths its
// Python runs may see, and at which versions, read from dpkg's database (no subprocess).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grader/task/model.h"

namespace proctor::grader::task {

// Where Debian's python3-* packages put their modules.
inline constexpr char kDistPackagesDir[] = "/usr/lib/python3/dist-packages";

// Whether `name` is a Debian Python 3 package name: python3-[a-z0-9.+-]+.
bool IsPythonPackageName(const std::string& name);

// Resolves `name` and, recursively, its installed python3-* dependencies: each one's
// importable top-level entries under kDistPackagesDir (from /var/lib/dpkg/info/<pkg>.list)
// and its version. Returns the packages (`name` first, dependencies after, none twice among
// `*seen`), or nullopt when `name` is not installed. `dpkg_dir` is /var/lib/dpkg unless a
// test says otherwise.
std::optional<std::vector<PythonPackage>> ResolvePythonPackage(
    const std::string& name, std::vector<std::string>* seen,
    const std::string& dpkg_dir = "/var/lib/dpkg");

// Every read-only path a Python run of `pack` binds for its packages: their entries under
// kDistPackagesDir, plus the host's /etc/alternatives links into /usr/lib/x86_64-linux-gnu
// (Debian's BLAS/LAPACK, which numpy loads, are reached through them). Empty without packages.
std::vector<std::string> PythonPackagePaths(const Pack& pack);

// The command that installs the named packages, for messages and `proctor pack deps`.
std::string InstallCommand(const std::vector<std::string>& packages);

}  // namespace proctor::grader::task
