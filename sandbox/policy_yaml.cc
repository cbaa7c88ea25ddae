#include "sandbox/policy_yaml.h"

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace proctor::sandbox {
namespace {

std::string Where(const std::string& file, const YAML::Mark& mark) {
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

template <typename T>
bool Scalar(const YAML::Node& n, const std::string& file, const std::string& key, T* out,
            std::string* error) {
  try {
    if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "");
    *out = n.as<T>();
    return true;
  } catch (const YAML::Exception&) {
    *error = Where(file, n.Mark()) + ": " + key + " must be a " +
             (std::is_same_v<T, std::string> ? "string"
              : std::is_floating_point_v<T> ? "number"
                                            : "non-negative integer");
    return false;
  }
}

template <typename T>
bool Positive(const YAML::Node& n, const std::string& file, const std::string& key, T* out,
              std::string* error) {
  if (!Scalar(n, file, key, out, error)) return false;
  if (!(*out > 0)) {
    *error = Where(file, n.Mark()) + ": " + key + " must be greater than 0";
    return false;
  }
  return true;
}

bool CheckMap(const YAML::Node& n, const std::string& file, const std::string& what,
              std::string* error) {
  if (!n.IsMap()) {
    *error = Where(file, n.Mark()) + ": " + what + " must be a mapping";
    return false;
  }
  return true;
}

std::string KeyList(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

bool ApplyLimitsYaml(const YAML::Node& node, const std::string& file, Limits* l,
                     std::string* error) {
  if (!CheckMap(node, file, "limits", error)) return false;
  using Setter = std::function<bool(const YAML::Node&)>;
  auto mib = [&](uint64_t* field, const char* key, uint64_t unit) {
    return [=, &file](const YAML::Node& v) {
      double value;
      if (!Positive(v, file, key, &value, error)) return false;
      *field = static_cast<uint64_t>(value * unit);
      return true;
    };
  };
  const std::map<std::string, Setter> setters = {
      {"wall_seconds", [&](const YAML::Node& v) { return Positive(v, file, "wall_seconds", &l->wall_seconds, error); }},
      {"cpu_seconds", [&](const YAML::Node& v) { return Positive(v, file, "cpu_seconds", &l->cpu_seconds, error); }},
      {"memory_mb", mib(&l->memory_bytes, "memory_mb", kMiB)},
      {"max_processes", [&](const YAML::Node& v) { return Positive(v, file, "max_processes", &l->max_processes, error); }},
      {"stdout_kb", mib(&l->stdout_bytes, "stdout_kb", 1024)},
      {"stderr_kb", mib(&l->stderr_bytes, "stderr_kb", 1024)},
      {"disk_mb", mib(&l->disk_bytes, "disk_mb", kMiB)},
      {"disk_inodes", [&](const YAML::Node& v) { return Positive(v, file, "disk_inodes", &l->disk_inodes, error); }},
      {"open_files", [&](const YAML::Node& v) { return Positive(v, file, "open_files", &l->open_files, error); }},
      {"stack_mb", mib(&l->stack_bytes, "stack_mb", kMiB)},
  };
  std::vector<std::string> known;
  for (const auto& [k, _] : setters) known.push_back(k);
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    auto it = setters.find(key);
    if (it == setters.end()) {
      *error = Where(file, kv.first.Mark()) + ": unknown key '" + key + "' in limits (expected " +
               KeyList(known) + ")";
      return false;
    }
    if (!it->second(kv.second)) return false;
  }
  return true;
}

bool ApplyPolicyYaml(const YAML::Node& node, const std::string& file, Policy* p,
                     std::string* error) {
  if (node.IsNull()) return true;
  if (!CheckMap(node, file, "policy", error)) return false;
  const std::vector<std::string> known = {"limits", "readonly_paths", "env", "workdir",
                                          "hostname", "stdin"};
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "limits") {
      if (!ApplyLimitsYaml(v, file, &p->limits, error)) return false;
    } else if (key == "readonly_paths") {
      if (!v.IsSequence()) {
        *error = Where(file, v.Mark()) + ": readonly_paths must be a list of absolute paths";
        return false;
      }
      p->readonly_paths.clear();
      for (const auto& item : v) {
        std::string path;
        if (!Scalar(item, file, "readonly_paths item", &path, error)) return false;
        if (path.empty() || path[0] != '/') {
          *error = Where(file, item.Mark()) + ": readonly_paths item '" + path +
                   "' must be an absolute path";
          return false;
        }
        p->readonly_paths.push_back(path);
      }
    } else if (key == "env") {
      if (!CheckMap(v, file, "env", error)) return false;
      p->env.clear();
      for (const auto& e : v) {
        std::string value;
        if (!Scalar(e.second, file, "env." + e.first.Scalar(), &value, error)) return false;
        p->env[e.first.Scalar()] = value;
      }
    } else if (key == "workdir" || key == "hostname" || key == "stdin") {
      std::string value;
      if (!Scalar(v, file, key, &value, error)) return false;
      if (key == "workdir" && (value.empty() || value[0] != '/' || value == "/")) {
        *error = Where(file, v.Mark()) + ": workdir must be an absolute path other than /";
        return false;
      }
      (key == "workdir" ? p->workdir : key == "hostname" ? p->hostname : p->stdin_data) = value;
    } else {
      *error = Where(file, kv.first.Mark()) + ": unknown key '" + key + "' (expected " +
               KeyList(known) + ")";
      return false;
    }
  }
  return true;
}

bool LoadPolicyString(const std::string& text, const std::string& name, Policy* policy,
                      std::string* error) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    *error = Where(name, e.mark) + ": " + e.msg;
    return false;
  }
  return ApplyPolicyYaml(root, name, policy, error);
}

bool LoadPolicyFile(const std::string& path, Policy* policy, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot open";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  return LoadPolicyString(text.str(), path, policy, error);
}

}  // namespace proctor::sandbox
