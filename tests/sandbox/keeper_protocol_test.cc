// The closed sets on the launch path (kill cause, cgroup version, layer names) are enums in
// the code and keep their strings on the wire and on the command line.
#include "sandbox/keeper_protocol.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sandbox/layers.h"

namespace proctor::sandbox {
namespace {

using nlohmann::json;

TEST(KeeperProtocol, KillCauseTravelsAsTheSameStringsAsBefore) {
  const std::pair<KillCause, std::string> wire[] = {{KillCause::kNone, ""},
                                                    {KillCause::kWall, "wall"},
                                                    {KillCause::kCpu, "cpu"},
                                                    {KillCause::kRequest, "request"}};
  for (const auto& [cause, name] : wire) {
    KeeperReply reply;
    reply.kill_cause = cause;
    const std::string text = EncodeReply(reply);
    EXPECT_EQ(json::parse(text).at("kill_cause"), name);
    KeeperReply decoded;
    decoded.kill_cause = KillCause::kCpu;
    std::string error;
    ASSERT_TRUE(DecodeReply(text, &decoded, &error)) << error;
    EXPECT_EQ(decoded.kill_cause, cause) << name;
  }
}

TEST(KeeperProtocol, UnknownKillCauseIsADecodeErrorNamingIt) {
  json j = json::parse(EncodeReply(KeeperReply{}));
  j["kill_cause"] = "timeout";
  KeeperReply reply;
  std::string error;
  EXPECT_FALSE(DecodeReply(j.dump(), &reply, &error));
  EXPECT_NE(error.find("kill_cause 'timeout'"), std::string::npos) << error;
}

TEST(KeeperProtocol, CgroupVersionTravelsAsTheSameStringsAsBefore) {
  const std::pair<CgroupVersion, std::string> wire[] = {
      {CgroupVersion::kNone, ""}, {CgroupVersion::kV1, "v1"}, {CgroupVersion::kV2, "v2"}};
  for (const auto& [version, name] : wire) {
    KeeperRequest request;
    request.layers.cgroup_version = version;
    const std::string text = EncodeRequest(request);
    EXPECT_EQ(json::from_cbor(text).at("layers").at("cgroup_version"), name);
    KeeperRequest decoded;
    std::string error;
    ASSERT_TRUE(DecodeRequest(text, &decoded, &error)) << error;
    EXPECT_EQ(decoded.layers.cgroup_version, version) << name;
  }
  json j = json::from_cbor(EncodeRequest(KeeperRequest{}));
  j["layers"]["cgroup_version"] = "v3";
  const std::vector<uint8_t> cbor = json::to_cbor(j);
  KeeperRequest decoded;
  std::string error;
  EXPECT_FALSE(DecodeRequest(std::string(cbor.begin(), cbor.end()), &decoded, &error));
  EXPECT_NE(error.find("cgroup_version 'v3'"), std::string::npos) << error;
}

TEST(Layers, NamesAreThoseDoctorPrintsAndTheFlagTakes) {
  std::vector<std::string> names;
  for (Layer layer : kAllLayers) {
    names.push_back(LayerName(layer));
    Layer parsed = Layer::kRlimits;
    ASSERT_TRUE(LayerFromName(names.back(), &parsed)) << names.back();
    EXPECT_EQ(parsed, layer);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"user_ns", "pid_ns", "mount_ns", "net_ns",
                                              "ipc_ns", "uts_ns", "seccomp", "cgroup_memory",
                                              "cgroup_pids", "cgroup_cpu", "rlimits"}));
  Layer ignored;
  EXPECT_FALSE(LayerFromName("seccomp_bpf", &ignored));
  EXPECT_FALSE(LayerFromName("", &ignored));
}

}  // namespace
}  // namespace proctor::sandbox
