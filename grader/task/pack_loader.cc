#include "grader/task/pack_loader.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <map>
#include <system_error>
#include <vector>

#include "grader/task/limits_overlay.h"
#include "grader/task/pack_hash.h"
#include "grader/task/task_parser.h"
#include "grader/task/validate.h"
#include "grader/task/yaml_reader.h"

namespace proctor::grader::task {

namespace fs = std::filesystem;

namespace {

// Every task file under tasks/, subfolders included (a pack may group its tasks), in a stable
// order; symlinked folders are not followed.
std::vector<std::string> TaskFiles(const fs::path& root) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root / "tasks", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string ext = it->path().extension().string();
    if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) {
      files.push_back("tasks/" + it->path().lexically_relative(root / "tasks").string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

LoadResult<Pack> ParsePack(const std::string& dir) {
  fs::path root(dir);
  std::error_code ec;
  if (!fs::is_regular_file(root / "pack.yaml", ec)) {
    return LoadError{{(root / "pack.yaml").string(), 0, 0}, "pack.yaml not found"};
  }
  // yaml-cpp and the filesystem throw; everything is converted here, at the boundary.
  try {
    Pack pack = ParsePackFile(yaml::YamlFile{root, "pack.yaml"});
    pack.root = dir;
    for (const std::string& relative : TaskFiles(root)) {
      for (Task& task : ParseTaskFile(yaml::YamlFile{root, relative}, pack.defaults)) {
        pack.tasks.push_back(std::move(task));
      }
    }
    if (fs::is_regular_file(root / kLimitsOverlayFile, ec)) {
      ApplyLimitsOverlay(yaml::YamlFile{root, kLimitsOverlayFile}, &pack.tasks);
    }
    auto hash = PackContentHash(dir);
    if (!hash) return hash.error();
    pack.content_hash = std::move(*hash);
    return pack;
  } catch (const yaml::LoadFailure& failure) {
    return failure.error;
  } catch (const YAML::Exception& e) {
    return LoadError{{dir, e.mark.line + 1, e.mark.column + 1}, "YAML error: " + e.msg};
  } catch (const std::exception& e) {
    return LoadError{{dir, 0, 0}, std::string("cannot load pack: ") + e.what()};
  }
}

LoadResult<int> CheckPackFileByFile(const std::string& dir) {
  fs::path root(dir);
  std::error_code ec;
  if (!fs::is_regular_file(root / "pack.yaml", ec)) {
    return LoadError{{(root / "pack.yaml").string(), 0, 0}, "pack.yaml not found"};
  }
  try {
    const Pack meta = ParsePackFile(yaml::YamlFile{root, "pack.yaml"});
    std::map<std::string, SourceLocation> seen;  // id -> where: only ids are kept
    int count = 0;
    for (const std::string& relative : TaskFiles(root)) {
      Pack one = meta;
      one.root = dir;
      one.tasks = ParseTaskFile(yaml::YamlFile{root, relative}, meta.defaults);
      // calibrated_limits.yaml is not applied: it names tasks of every file (an import
      // writes none; LoadPack checks it).
      std::vector<LoadError> errors = ValidatePack(one);
      if (!errors.empty()) return errors.front();
      for (const Task& task : one.tasks) {
        if (auto [it, added] = seen.emplace(task.id, task.where); !added) {
          return LoadError{task.where, "duplicate task id \"" + task.id + "\" (first defined at " +
                                           it->second.ToString() + ")"};
        }
        ++count;
      }
    }
    if (count == 0) return LoadError{{(root / "tasks").string(), 0, 0}, "the pack has no tasks"};
    return count;
  } catch (const yaml::LoadFailure& failure) {
    return failure.error;
  } catch (const YAML::Exception& e) {
    return LoadError{{dir, e.mark.line + 1, e.mark.column + 1}, "YAML error: " + e.msg};
  } catch (const std::exception& e) {
    return LoadError{{dir, 0, 0}, std::string("cannot load pack: ") + e.what()};
  }
}

LoadResult<Pack> LoadPack(const std::string& dir) {
  auto pack = ParsePack(dir);
  if (!pack) return pack;
  std::vector<LoadError> errors = ValidatePack(*pack);
  if (!errors.empty()) return errors.front();
  return pack;
}

}  // namespace proctor::grader::task
