// deploy/kubernetes/ (its README.md): every manifest parses with a real YAML parser and names
// its object; the Service reaches the Deployment's ports; the probes ask /healthz; the pod has
// the sandbox settings docs/container.md proves necessary; the autoscaler scales that Deployment
// on the queue-depth gauge /metrics exports, through the adapter rule the README documents.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSource = PROCTOR_SOURCE_DIR;
const fs::path kDeploy = kSource / "deploy" / "kubernetes";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> YamlFiles() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kDeploy)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Manifest {
  fs::path file;
  YAML::Node node;
};

// Every document of every YAML file; a parse error fails the test naming file:line:col.
std::vector<Manifest> LoadAll() {
  std::vector<Manifest> out;
  for (const fs::path& file : YamlFiles()) {
    try {
      for (const YAML::Node& doc : YAML::LoadAllFromFile(file.string()))
        if (!doc.IsNull()) out.push_back({file, doc});
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << file.string() << ":" << e.mark.line + 1 << ":" << e.mark.column + 1 << ": "
                    << e.msg;
    }
  }
  return out;
}

std::optional<YAML::Node> Find(const std::vector<Manifest>& all, const std::string& kind) {
  for (const Manifest& m : all)
    if (m.node["kind"] && m.node["kind"].as<std::string>() == kind) return m.node;
  return std::nullopt;
}

YAML::Node Container(const YAML::Node& deployment) {
  return deployment["spec"]["template"]["spec"]["containers"][0];
}

std::vector<std::string> Strings(const YAML::Node& seq) {
  std::vector<std::string> out;
  for (const YAML::Node& n : seq) out.push_back(n.as<std::string>());
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A containerPort matching a Service targetPort or a probe port (a name or a number).
std::optional<int> ContainerPort(const YAML::Node& container, const YAML::Node& port) {
  for (const YAML::Node& p : container["ports"]) {
    const int number = p["containerPort"].as<int>();
    if (p["name"] && p["name"].as<std::string>() == port.as<std::string>()) return number;
    if (std::to_string(number) == port.as<std::string>()) return number;
  }
  return std::nullopt;
}

class Manifests : public ::testing::Test {
 protected:
  void SetUp() override {
    all_ = LoadAll();
    ASSERT_FALSE(all_.empty()) << "no YAML under " << kDeploy;
    auto d = Find(all_, "Deployment");
    auto s = Find(all_, "Service");
    auto h = Find(all_, "HorizontalPodAutoscaler");
    ASSERT_TRUE(d && s && h) << "deploy/kubernetes needs a Deployment, a Service and an HPA";
    deployment_ = *d;
    service_ = *s;
    hpa_ = *h;
  }
  std::vector<Manifest> all_;
  YAML::Node deployment_, service_, hpa_;
};

TEST_F(Manifests, EveryDocumentNamesItsApiVersionKindAndName) {
  for (const Manifest& m : all_) {
    const std::string where = m.file.string();
    ASSERT_TRUE(m.node.IsMap()) << where << ": a manifest is a mapping";
    ASSERT_TRUE(m.node["apiVersion"] && m.node["apiVersion"].IsScalar()) << where;
    ASSERT_TRUE(m.node["kind"] && m.node["kind"].IsScalar()) << where;
    EXPECT_FALSE(m.node["apiVersion"].as<std::string>().empty()) << where;
    const std::string kind = m.node["kind"].as<std::string>();
    if (kind == "Kustomization" || kind == "Component") continue;  // kustomize's: no metadata
    ASSERT_TRUE(m.node["metadata"] && m.node["metadata"]["name"]) << where << ": metadata.name";
    EXPECT_FALSE(m.node["metadata"]["name"].as<std::string>().empty()) << where;
  }
}

TEST_F(Manifests, TheKustomizationListsEveryManifestInTheFolder) {
  auto k = Find(all_, "Kustomization");
  ASSERT_TRUE(k) << "kustomization.yaml (kubectl apply -k) is missing";
  std::set<std::string> listed;
  for (const std::string& r : Strings((*k)["resources"])) listed.insert(r);
  std::set<std::string> present;
  for (const fs::path& f : YamlFiles())
    if (f.parent_path() == kDeploy && f.filename() != "kustomization.yaml")
      present.insert(f.filename().string());
  EXPECT_EQ(listed, present) << "a manifest not in kustomization.yaml is never applied";
}

TEST_F(Manifests, TheApiVersionsAreTheStableOnes) {
  EXPECT_EQ(deployment_["apiVersion"].as<std::string>(), "apps/v1");
  EXPECT_EQ(service_["apiVersion"].as<std::string>(), "v1");
  EXPECT_EQ(hpa_["apiVersion"].as<std::string>(), "autoscaling/v2");
}

TEST_F(Manifests, TheDeploymentSelectsItsOwnPods) {
  const YAML::Node labels = deployment_["spec"]["template"]["metadata"]["labels"];
  for (const auto& kv : deployment_["spec"]["selector"]["matchLabels"])
    EXPECT_EQ(labels[kv.first.as<std::string>()].as<std::string>(), kv.second.as<std::string>());
}

TEST_F(Manifests, TheServiceReachesTheDeploymentsPorts) {
  const YAML::Node labels = deployment_["spec"]["template"]["metadata"]["labels"];
  ASSERT_TRUE(service_["spec"]["selector"]);
  for (const auto& kv : service_["spec"]["selector"])
    EXPECT_EQ(labels[kv.first.as<std::string>()].as<std::string>(), kv.second.as<std::string>())
        << "the Service selects pods the Deployment does not make";
  std::set<int> targets;
  for (const YAML::Node& p : service_["spec"]["ports"]) {
    auto port = ContainerPort(Container(deployment_), p["targetPort"]);
    ASSERT_TRUE(port) << "Service targetPort " << p["targetPort"].as<std::string>()
                      << " is no container port of the Deployment";
    targets.insert(*port);
  }
  // The JSON-RPC and HTTP ports of the Dockerfile's EXPOSE line and of the serve args.
  EXPECT_EQ(targets, (std::set<int>{7070, 7071}));
  EXPECT_NE(ReadText(kSource / "Dockerfile").find("EXPOSE 7070 7071"), std::string::npos);
  const auto args = Strings(Container(deployment_)["args"]);
  EXPECT_TRUE(Contains(args, "--port=7070"));
  EXPECT_TRUE(Contains(args, "--http-port=7071"));
}

TEST_F(Manifests, EveryProbeAsksHealthzOnTheHttpPort) {
  const YAML::Node c = Container(deployment_);
  for (const char* probe : {"startupProbe", "readinessProbe", "livenessProbe"}) {
    if (std::string(probe) == "startupProbe" && !c[probe]) continue;
    ASSERT_TRUE(c[probe] && c[probe]["httpGet"]) << probe << " must be an httpGet probe";
    EXPECT_EQ(c[probe]["httpGet"]["path"].as<std::string>(), "/healthz") << probe;
    EXPECT_EQ(ContainerPort(c, c[probe]["httpGet"]["port"]), 7071) << probe;
  }
}

TEST_F(Manifests, TheContainerServesTheBundledPacksOnEveryInterface) {
  const YAML::Node c = Container(deployment_);
  const auto command = Strings(c["command"]);
  ASSERT_EQ(command.size(), 2u);
  EXPECT_EQ(command[1], "serve");
  // The binary the Dockerfile builds and its ENTRYPOINT runs.
  EXPECT_NE(ReadText(kSource / "Dockerfile").find("\"" + command[0] + "\""), std::string::npos)
      << command[0] << " is not the Dockerfile's binary";
  const auto args = Strings(c["args"]);
  EXPECT_TRUE(Contains(args, "--host=0.0.0.0"));
  int packs = 0;
  for (const std::string& a : args) {
    if (a.rfind("--pack=/opt/proctor/", 0) != 0) continue;
    ++packs;
    const fs::path in_repo = kSource / a.substr(std::string("--pack=/opt/proctor/").size());
    EXPECT_TRUE(fs::exists(in_repo / "pack.yaml")) << a << ": no such bundled pack";
  }
  EXPECT_GE(packs, 1);
  // --workers=$(VAR) names an env var the container defines (else the kubelet passes it as is).
  std::set<std::string> env;
  for (const YAML::Node& e : c["env"]) env.insert(e["name"].as<std::string>());
  for (const std::string& a : args) {
    const auto open = a.find("$(");
    if (open == std::string::npos) continue;
    const std::string var = a.substr(open + 2, a.find(')', open) - open - 2);
    EXPECT_TRUE(env.count(var)) << a << ": no env var " << var;
  }
  EXPECT_TRUE(c["resources"]["requests"] && c["resources"]["limits"]);
}

// docs/container.md, "The flags the sandbox needs": each podman flag's Kubernetes equivalent.
TEST_F(Manifests, ThePodHasTheSandboxSettingsOfContainerMd) {
  const YAML::Node c = Container(deployment_);
  const YAML::Node sc = c["securityContext"];
  ASSERT_TRUE(sc);
  ASSERT_TRUE(sc["seccompProfile"] && sc["seccompProfile"]["type"])
      << "no seccompProfile: --security-opt seccomp=unconfined has no equivalent";
  ASSERT_TRUE(sc["procMount"])
      << "no procMount: --security-opt systempaths=unconfined has no equivalent";
  EXPECT_EQ(sc["seccompProfile"]["type"].as<std::string>(), "Unconfined")
      << "replaces --security-opt seccomp=unconfined";
  EXPECT_EQ(sc["procMount"].as<std::string>(), "Unmasked")
      << "replaces --security-opt systempaths=unconfined";
  EXPECT_FALSE(sc["privileged"] && sc["privileged"].as<bool>())
      << "the narrow set, not --privileged";
  EXPECT_FALSE(sc["capabilities"] && sc["capabilities"]["add"]) << "no --cap-add is needed";
  std::map<std::string, std::string> host_paths;  // volume name -> host path
  for (const YAML::Node& v : deployment_["spec"]["template"]["spec"]["volumes"])
    if (v["hostPath"])
      host_paths[v["name"].as<std::string>()] = v["hostPath"]["path"].as<std::string>();
  for (const std::string controller : {"memory", "pids", "cpuacct"}) {
    bool bound = false;
    for (const YAML::Node& m : c["volumeMounts"]) {
      if (m["mountPath"].as<std::string>() != "/sys/fs/cgroup/" + controller) continue;
      bound = true;
      EXPECT_FALSE(m["readOnly"] && m["readOnly"].as<bool>()) << controller;
      const std::string host = host_paths[m["name"].as<std::string>()];
      EXPECT_EQ(host.rfind("/sys/fs/cgroup/" + controller + "/", 0), 0u)
          << controller << ": bound from " << host << ", not one host cgroup below the controller";
    }
    EXPECT_TRUE(bound) << "no writable /sys/fs/cgroup/" << controller << " (replaces -v ...:rw)";
  }
}

TEST_F(Manifests, TheAutoscalerScalesTheDeploymentOnTheQueueDepth) {
  const YAML::Node spec = hpa_["spec"];
  EXPECT_EQ(spec["scaleTargetRef"]["kind"].as<std::string>(), "Deployment");
  EXPECT_EQ(spec["scaleTargetRef"]["name"].as<std::string>(),
            deployment_["metadata"]["name"].as<std::string>());
  EXPECT_LE(spec["minReplicas"].as<int>(), spec["maxReplicas"].as<int>());
  ASSERT_EQ(spec["metrics"].size(), 1u);
  const YAML::Node metric = spec["metrics"][0];
  EXPECT_EQ(metric["type"].as<std::string>(), "Pods");
  const std::string name = metric["pods"]["metric"]["name"].as<std::string>();
  EXPECT_EQ(name.rfind("proctor_queue_depth", 0), 0u) << name;
  EXPECT_EQ(metric["pods"]["target"]["type"].as<std::string>(), "AverageValue");

  // The README's prometheus-adapter rule defines that metric from gauges the server exports.
  const std::string readme = ReadText(kDeploy / "README.md");
  const auto begin = readme.find("```yaml\nrules:");
  ASSERT_NE(begin, std::string::npos) << "README.md has no ```yaml block with the adapter rules";
  const auto body = begin + std::string("```yaml\n").size();
  const YAML::Node rules = YAML::Load(readme.substr(body, readme.find("```", body) - body));
  bool defined = false;
  for (const YAML::Node& r : rules["rules"]) {
    if (r["name"]["as"].as<std::string>() != name) continue;
    defined = true;
    const std::string query = r["metricsQuery"].as<std::string>();
    const std::string metrics_cc = ReadText(kSource / "harness" / "metrics.cc");
    for (const char* gauge : {"proctor_queue_depth", "proctor_workers"}) {
      EXPECT_NE(query.find(gauge), std::string::npos) << query;
      EXPECT_NE(metrics_cc.find(std::string("\"") + gauge + "\""), std::string::npos)
          << gauge << " is not exported by harness/metrics.cc";
    }
    EXPECT_NE(r["seriesQuery"].as<std::string>().find("proctor_queue_depth"), std::string::npos);
  }
  EXPECT_TRUE(defined) << "no adapter rule in README.md names the metric " << name;
}

}  // namespace
