#include "sandbox/keeper_protocol.h"

#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

namespace proctor::sandbox {
namespace {

using nlohmann::json;

json LimitsToJson(const Limits& l) {
  return {{"wall_seconds", l.wall_seconds},   {"cpu_seconds", l.cpu_seconds},
          {"memory_bytes", l.memory_bytes},   {"max_processes", l.max_processes},
          {"stdout_bytes", l.stdout_bytes},   {"stderr_bytes", l.stderr_bytes},
          {"disk_bytes", l.disk_bytes},       {"disk_inodes", l.disk_inodes},
          {"open_files", l.open_files},       {"stack_bytes", l.stack_bytes}};
}

// The number at `key`, of the field's own type: an integer field takes only an integer in its
// range (nlohmann's conversion of 1e300 or of -1 into uint64_t is undefined or wraps; found by
// fuzz/keeper_protocol_fuzz.cc), a double field any number. Throws for anything else.
template <typename T>
T Number(const json& j, const char* key) {
  const json& v = j.at(key);
  if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) throw std::invalid_argument(std::string(key) + " is not a number");
    return v.get<T>();
  } else {
    const bool fits = v.is_number_unsigned()
                          ? std::in_range<T>(v.get<uint64_t>())
                          : v.is_number_integer() && std::in_range<T>(v.get<int64_t>());
    if (!fits) throw std::out_of_range(std::string(key) + " is not an integer in range");
    return v.get<T>();
  }
}

void LimitsFromJson(const json& j, Limits* l) {
  l->wall_seconds = Number<double>(j, "wall_seconds");
  l->cpu_seconds = Number<double>(j, "cpu_seconds");
  l->memory_bytes = Number<uint64_t>(j, "memory_bytes");
  l->max_processes = Number<int>(j, "max_processes");
  l->stdout_bytes = Number<uint64_t>(j, "stdout_bytes");
  l->stderr_bytes = Number<uint64_t>(j, "stderr_bytes");
  l->disk_bytes = Number<uint64_t>(j, "disk_bytes");
  l->disk_inodes = Number<uint64_t>(j, "disk_inodes");
  l->open_files = Number<int>(j, "open_files");
  l->stack_bytes = Number<uint64_t>(j, "stack_bytes");
}

}  // namespace

const char* KillCauseName(KillCause cause) {
  switch (cause) {
    case KillCause::kWall: return "wall";
    case KillCause::kCpu: return "cpu";
    case KillCause::kRequest: return "request";
    case KillCause::kNone: break;
  }
  return "";
}

bool KillCauseFromName(const std::string& name, KillCause* cause) {
  for (KillCause c : {KillCause::kNone, KillCause::kWall, KillCause::kCpu, KillCause::kRequest}) {
    if (name == KillCauseName(c)) {
      *cause = c;
      return true;
    }
  }
  return false;
}

std::string EncodeRequest(const KeeperRequest& r) {
  const Policy& p = r.policy;
  json binds = json::array();
  for (const Bind& b : p.binds)
    binds.push_back({{"source", b.source}, {"target", b.target}, {"writable", b.writable}});
  json files = json::array();
  for (const FileIn& f : p.files)
    files.push_back({{"name", f.name},
                     {"contents", json::binary(std::vector<uint8_t>(f.contents.begin(),
                                                                    f.contents.end()))},
                     {"executable", f.executable}});
  json outputs = json::array();
  for (const FileOut& f : p.outputs)
    outputs.push_back({{"name", f.name}, {"host_path", f.host_path}, {"max_bytes", f.max_bytes}});
  json j = {
      {"run_id", r.run_id},
      {"argv", r.argv},
      {"limits", LimitsToJson(p.limits)},
      {"readonly_paths", p.readonly_paths},
      {"binds", binds},
      {"env", p.env},
      {"stdin", json::binary(std::vector<uint8_t>(p.stdin_data.begin(), p.stdin_data.end()))},
      {"workdir", p.workdir},
      {"files", files},
      {"outputs", outputs},
      {"hostname", p.hostname},
      {"layers",
       {{"user_ns", r.layers.user_ns},
        {"pid_ns", r.layers.pid_ns},
        {"mount_ns", r.layers.mount_ns},
        {"net_ns", r.layers.net_ns},
        {"ipc_ns", r.layers.ipc_ns},
        {"uts_ns", r.layers.uts_ns},
        {"seccomp", r.layers.seccomp},
        {"cgroup_version", CgroupVersionName(r.layers.cgroup_version)},
        {"cgroup_v2_parent", r.layers.cgroup_v2_parent}}},
      {"pass_fds", r.pass_fds},
      {"sandbox_uid", r.sandbox_uid},
      {"host_uid_base", r.host_uid_base},
  };
  // CBOR keeps binary file contents and stdin compact and exact.
  std::vector<uint8_t> cbor = json::to_cbor(j);
  return std::string(cbor.begin(), cbor.end());
}

bool DecodeRequest(const std::string& text, KeeperRequest* r, std::string* error) {
  try {
    json j = json::from_cbor(text);
    r->run_id = j.at("run_id");
    r->argv = j.at("argv").get<std::vector<std::string>>();
    Policy& p = r->policy;
    LimitsFromJson(j.at("limits"), &p.limits);
    p.readonly_paths = j.at("readonly_paths").get<std::vector<std::string>>();
    p.binds.clear();
    for (const json& b : j.at("binds"))
      p.binds.push_back({b.at("source"), b.at("target"), b.at("writable")});
    p.env = j.at("env").get<std::map<std::string, std::string>>();
    const auto& in = j.at("stdin").get_binary();
    p.stdin_data.assign(in.begin(), in.end());
    p.workdir = j.at("workdir");
    p.files.clear();
    for (const json& f : j.at("files")) {
      const auto& c = f.at("contents").get_binary();
      p.files.push_back({f.at("name"), std::string(c.begin(), c.end()), f.at("executable")});
    }
    p.outputs.clear();
    for (const json& f : j.at("outputs"))
      p.outputs.push_back({f.at("name"), f.at("host_path"), Number<uint64_t>(f, "max_bytes")});
    p.hostname = j.at("hostname");
    const json& l = j.at("layers");
    r->layers.user_ns = l.at("user_ns");
    r->layers.pid_ns = l.at("pid_ns");
    r->layers.mount_ns = l.at("mount_ns");
    r->layers.net_ns = l.at("net_ns");
    r->layers.ipc_ns = l.at("ipc_ns");
    r->layers.uts_ns = l.at("uts_ns");
    r->layers.seccomp = l.at("seccomp");
    const std::string version = l.at("cgroup_version");
    if (!CgroupVersionFromName(version, &r->layers.cgroup_version)) {
      *error = "bad keeper request: unknown cgroup_version '" + version + "'";
      return false;
    }
    r->layers.cgroup_v2_parent = l.at("cgroup_v2_parent");
    r->pass_fds = Number<int>(j, "pass_fds");
    if (r->pass_fds < 0) throw std::out_of_range("pass_fds is negative");
    r->sandbox_uid = Number<uint32_t>(j, "sandbox_uid");
    r->host_uid_base = Number<uint32_t>(j, "host_uid_base");
    return true;
  } catch (const std::exception& e) {
    *error = std::string("bad keeper request: ") + e.what();
    return false;
  }
}

std::string EncodeReply(const KeeperReply& r) {
  json j = {{"started", r.started},
            {"error", r.error},
            {"exec_error", r.exec_error},
            {"exited", r.exited},
            {"exit_code", r.exit_code},
            {"term_signal", r.term_signal},
            {"kill_cause", KillCauseName(r.kill_cause)},
            {"kill_at", r.kill_at},
            {"violation_at", r.violation_at},
            {"oom_killed", r.oom_killed},
            {"pids_limit_hit", r.pids_limit_hit},
            {"disk_full", r.disk_full},
            {"wall_seconds", r.wall_seconds},
            {"cpu_seconds", r.cpu_seconds},
            {"peak_memory_bytes", r.peak_memory_bytes},
            {"warm_slot", r.warm_slot},
            {"warm_slot_run", r.warm_slot_run}};
  return j.dump();
}

bool DecodeReply(const std::string& text, KeeperReply* r, std::string* error) {
  try {
    json j = json::parse(text);
    r->started = j.at("started");
    r->error = j.at("error");
    r->exec_error = j.at("exec_error");
    r->exited = j.at("exited");
    r->exit_code = Number<int>(j, "exit_code");
    r->term_signal = Number<int>(j, "term_signal");
    const std::string kill_cause = j.at("kill_cause");
    if (!KillCauseFromName(kill_cause, &r->kill_cause)) {
      *error = "bad keeper reply: unknown kill_cause '" + kill_cause + "'";
      return false;
    }
    r->kill_at = Number<double>(j, "kill_at");
    r->violation_at = Number<double>(j, "violation_at");
    r->oom_killed = j.at("oom_killed");
    r->pids_limit_hit = j.at("pids_limit_hit");
    r->disk_full = j.at("disk_full");
    r->wall_seconds = Number<double>(j, "wall_seconds");
    r->cpu_seconds = Number<double>(j, "cpu_seconds");
    r->peak_memory_bytes = Number<uint64_t>(j, "peak_memory_bytes");
    r->warm_slot = Number<int>(j, "warm_slot");
    r->warm_slot_run = Number<int>(j, "warm_slot_run");
    return true;
  } catch (const std::exception& e) {
    *error = std::string("bad keeper reply: ") + e.what();
    return false;
  }
}

void WriteReply(int fd, const KeeperReply& reply) {
  const std::string text = EncodeReply(reply);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace proctor::sandbox
