#include "grader/task/python_packages.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

namespace proctor::grader::task {

namespace fs = std::filesystem;

namespace {

struct DpkgEntry {
  std::string version;
  std::string depends;
};

// The installed packages of dpkg's status file ("Status: install ok installed"), by name.
std::map<std::string, DpkgEntry> InstalledPackages(const std::string& dpkg_dir) {
  std::map<std::string, DpkgEntry> installed;
  std::ifstream in(dpkg_dir + "/status");
  std::string line, name, status;
  DpkgEntry entry;
  auto flush = [&] {
    if (!name.empty() && status == "install ok installed") installed.emplace(name, entry);
    name.clear();
    status.clear();
    entry = {};
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
    } else if (line.rfind("Package: ", 0) == 0) {
      name = line.substr(9);
    } else if (line.rfind("Status: ", 0) == 0) {
      status = line.substr(8);
    } else if (line.rfind("Version: ", 0) == 0) {
      entry.version = line.substr(9);
    } else if (line.rfind("Depends: ", 0) == 0) {
      entry.depends = line.substr(9);
    }
  }
  flush();
  return installed;
}

// The package names of a Depends: field, every alternative of each clause, without version
// constraints or architecture qualifiers ("python3-a (>= 1), b:any | c" -> python3-a, b, c).
std::vector<std::string> DependencyNames(const std::string& depends) {
  std::vector<std::string> names;
  std::string clause;
  std::istringstream clauses(depends);
  while (std::getline(clauses, clause, ',')) {
    std::istringstream alternatives(clause);
    std::string alternative;
    while (std::getline(alternatives, alternative, '|')) {
      std::istringstream words(alternative);
      std::string word;
      if (!(words >> word)) continue;
      names.push_back(word.substr(0, word.find(':')));
    }
  }
  return names;
}

// The top-level entries under kDistPackagesDir that `name`'s file list names.
std::vector<std::string> DistPackagesEntries(const std::string& name,
                                             const std::string& dpkg_dir) {
  std::vector<std::string> lists = {dpkg_dir + "/info/" + name + ".list"};
  std::error_code ec;
  for (fs::directory_iterator it(dpkg_dir + "/info", ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (file.rfind(name + ":", 0) == 0 && file.size() > 5 &&
        file.compare(file.size() - 5, 5, ".list") == 0)
      lists.push_back(it->path().string());
  }
  const std::string prefix = std::string(kDistPackagesDir) + "/";
  std::set<std::string> entries;
  for (const std::string& list : lists) {
    std::ifstream in(list);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(prefix, 0) != 0) continue;
      const std::string rest = line.substr(prefix.size());
      if (!rest.empty()) entries.insert(prefix + rest.substr(0, rest.find('/')));
    }
  }
  return {entries.begin(), entries.end()};
}

}  // namespace

bool IsPythonPackageName(const std::string& name) {
  static const std::regex pattern("python3-[a-z0-9.+-]+");
  return std::regex_match(name, pattern);
}

std::optional<std::vector<PythonPackage>> ResolvePythonPackage(const std::string& name,
                                                               std::vector<std::string>* seen,
                                                               const std::string& dpkg_dir) {
  const std::map<std::string, DpkgEntry> installed = InstalledPackages(dpkg_dir);
  if (!installed.contains(name)) return std::nullopt;
  std::vector<PythonPackage> out;
  std::vector<std::string> pending = {name};
  while (!pending.empty()) {
    const std::string next = pending.front();
    pending.erase(pending.begin());
    if (std::find(seen->begin(), seen->end(), next) != seen->end()) continue;
    const auto it = installed.find(next);
    if (it == installed.end()) continue;  // a dependency satisfied otherwise (virtual)
    seen->push_back(next);
    out.push_back({next, it->second.version, DistPackagesEntries(next, dpkg_dir)});
    for (const std::string& dependency : DependencyNames(it->second.depends)) {
      if (IsPythonPackageName(dependency)) pending.push_back(dependency);
    }
  }
  return out;
}

std::vector<std::string> PythonPackagePaths(const Pack& pack) {
  std::vector<std::string> paths;
  if (pack.python_packages.empty()) return paths;
  for (const PythonPackage& package : pack.python_packages) {
    paths.insert(paths.end(), package.paths.begin(), package.paths.end());
  }
  std::error_code ec;
  for (fs::directory_iterator it("/etc/alternatives", ec), end; !ec && it != end;
       it.increment(ec)) {
    const fs::path target = fs::read_symlink(it->path(), ec);
    if (!ec && target.string().rfind("/usr/lib/x86_64-linux-gnu/", 0) == 0)
      paths.push_back(it->path().string());
    ec.clear();
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  return paths;
}

std::string InstallCommand(const std::vector<std::string>& packages) {
  std::string command = "apt-get install --no-install-recommends";
  for (const std::string& p : packages) command += " " + p;
  return command;
}

}  // namespace proctor::grader::task
