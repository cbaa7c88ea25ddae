#include "harness/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>

namespace proctor::harness {
namespace {

std::string Where(const std::string& file, const YAML::Mark& m) {
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

}  // namespace

std::vector<std::string> BundledPacks() {
  const char* env = std::getenv("PROCTOR_TASKS_DIR");
  std::filesystem::path root = env && *env ? env : PROCTOR_BUNDLED_TASKS_DIR;
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(root, ec))
    if (std::filesystem::exists(e.path() / "pack.yaml")) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool LoadServerConfig(const std::string& path, ServerConfig* c, std::string* error) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    *error = path + ": cannot open";
    return false;
  } catch (const YAML::Exception& e) {
    *error = Where(path, e.mark) + ": " + e.msg;
    return false;
  }
  if (root.IsNull()) return true;
  if (!root.IsMap()) {
    *error = Where(path, root.Mark()) + ": the config must be a mapping";
    return false;
  }
  using Setter = std::function<void(const YAML::Node&)>;
  auto strings = [](std::vector<std::string>* out) {
    return [out](const YAML::Node& n) { *out = n.as<std::vector<std::string>>(); };
  };
  const std::map<std::string, Setter> setters = {
      {"packs", strings(&c->packs)},
      {"envs", strings(&c->envs)},
      {"host", [c](const YAML::Node& n) { c->host = n.as<std::string>(); }},
      {"port", [c](const YAML::Node& n) { c->port = n.as<int>(); }},
      {"unix_path", [c](const YAML::Node& n) { c->unix_path = n.as<std::string>(); }},
      {"http_port", [c](const YAML::Node& n) { c->http_port = n.as<int>(); }},
      {"workers", [c](const YAML::Node& n) { c->workers = n.as<int>(); }},
      {"queue_limit", [c](const YAML::Node& n) { c->queue_limit = n.as<size_t>(); }},
      {"max_message_bytes", [c](const YAML::Node& n) { c->max_message_bytes = n.as<size_t>(); }},
      {"idle_timeout_seconds", [c](const YAML::Node& n) { c->idle_timeout_seconds = n.as<double>(); }},
      {"max_sessions", [c](const YAML::Node& n) { c->max_sessions = n.as<size_t>(); }},
      {"drain_timeout_seconds", [c](const YAML::Node& n) { c->drain_timeout_seconds = n.as<double>(); }},
  };
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    auto it = setters.find(key);
    if (it == setters.end()) {
      std::string known;
      for (const auto& [k, _] : setters) known += (known.empty() ? "" : ", ") + k;
      *error = Where(path, kv.first.Mark()) + ": unknown key '" + key + "' (expected " + known + ")";
      return false;
    }
    try {
      it->second(kv.second);
    } catch (const YAML::Exception&) {
      *error = Where(path, kv.second.Mark()) + ": wrong type for '" + key + "'";
      return false;
    }
  }
  // Relative pack paths are relative to the config file.
  for (std::string& p : c->packs)
    if (!p.empty() && p[0] != '/')
      p = (std::filesystem::path(path).parent_path() / p).lexically_normal().string();
  return true;
}

}  // namespace proctor::harness
