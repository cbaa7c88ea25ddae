// The known false-negative classes of published code graders (float tolerance on stdout and
// on lists of floats, sys.stdout.buffer, integers beyond CPython's 4,300-digit limit printed,
// read and returned, deep recursion under a raised recursion limit, threads, non-ASCII
// output, CRLF line ends): every honest solution in tasks/realworld scores exactly 1.0 and
// every wrong one less, through the real `proctor grade` and `proctor pack check`, with runs
// forked from the fork server and with a fresh interpreter per run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "grader/task/pack_loader.h"
#include "tests/support/host_check.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kProctor = PROCTOR_BINARY;
const std::string kPack = std::string(PROCTOR_TASKS_DIR) + "/realworld";

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("proctor-false-negatives-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

struct Case {
  std::string label;  // task id, reference/wrong and the solution's file:line
  bool honest;
};

// One submission per reference and wrong solution of the pack, in pack order.
std::vector<Case> WriteSubmissions(const proctor::grader::task::Pack& pack, const fs::path& file) {
  std::vector<Case> cases;
  std::ofstream out(file);
  for (const auto& task : pack.tasks) {
    for (int honest = 1; honest >= 0; --honest) {
      for (const auto& s : honest ? task.reference_solutions : task.wrong_solutions) {
        out << json{{"task_id", task.id},
                    {"language", std::string(LanguageName(s.language))},
                    {"code", s.code.text}}
                   .dump()
            << "\n";
        cases.push_back(
            {task.id + (honest ? " reference " : " wrong ") + s.where.ToString(), honest == 1});
      }
    }
  }
  return cases;
}

std::vector<json> ReadJsonl(const fs::path& path) {
  std::vector<json> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) rows.push_back(json::parse(line));
  return rows;
}

TEST(FalseNegatives, ThePackCoversEveryKnownClass) {
  auto pack = proctor::grader::task::LoadPack(kPack);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  std::set<std::string> ids;
  for (const auto& task : pack->tasks) {
    ids.insert(task.id);
    EXPECT_FALSE(task.reference_solutions.empty()) << task.id;
    EXPECT_FALSE(task.wrong_solutions.empty()) << task.id;
  }
  for (const char* id :
       {"float-stdout", "float-list", "stdout-buffer", "stdout-buffer-call", "big-int-print",
        "big-int-return", "deep-recursion", "threads", "non-ascii", "non-ascii-call", "crlf",
        "exit-builtin", "deep-recursion-cpp", "deep-recursion-call"}) {
    EXPECT_TRUE(ids.count(id)) << "tasks/realworld lacks the task " << id;
  }
}

class Launchers : public ::testing::TestWithParam<bool> {
 protected:
  // Flags selecting the launcher: forked from the fork server, or a fresh keeper per run.
  std::vector<std::string> LauncherFlags() const {
    return GetParam() ? std::vector<std::string>{} : std::vector<std::string>{"--no-fork-server"};
  }
};

TEST_P(Launchers, EveryHonestSolutionScoresOneAndEveryWrongOneLess) {
  auto pack = proctor::grader::task::LoadPack(kPack);
  ASSERT_TRUE(pack.has_value()) << pack.error().ToString();
  TempDir tmp;
  const std::vector<Case> cases = WriteSubmissions(*pack, tmp.path() / "subs.jsonl");
  ASSERT_GE(cases.size(), 30u);
  std::vector<std::string> argv = {kProctor,        "grade",
                                   "--pack",        kPack,
                                   "--submissions", (tmp.path() / "subs.jsonl").string(),
                                   "--out",         (tmp.path() / "results.jsonl").string(),
                                   "--no-progress"};
  for (const std::string& f : LauncherFlags()) argv.push_back(f);
  auto out = proctor::testing::RunCommand(argv);
  ASSERT_EQ(out.exit_code, 0) << out.err;
  std::vector<json> results = ReadJsonl(tmp.path() / "results.jsonl");
  ASSERT_EQ(results.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    ASSERT_FALSE(results[i]["ungradeable"].get<bool>()) << cases[i].label << results[i].dump();
    const double reward = results[i]["reward"].get<double>();
    if (cases[i].honest) {
      EXPECT_EQ(reward, 1.0) << cases[i].label << ": " << results[i].dump().substr(0, 3000);
    } else {
      EXPECT_LT(reward, 1.0) << cases[i].label;
    }
  }
}

TEST_P(Launchers, PackCheckPasses) {
  std::vector<std::string> argv = {kProctor, "pack", "check", kPack, "--runs", "1"};
  for (const std::string& f : LauncherFlags()) argv.push_back(f);
  auto out = proctor::testing::RunCommand(argv);
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find("pack check: ok"), std::string::npos) << out.out;
}

// The last false negative: a slow but correct reference fails under the default
// limits. --calibrate measures it under generous limits and writes limits it passes under;
// a limit the task file writes itself (published) is kept, times --time-scale.
TEST(Calibrate, ASlowCorrectReferenceGetsLimitsItPassesUnder) {
  TempDir tmp;
  const fs::path pack = tmp.path() / "slow";
  fs::create_directories(pack / "tasks");
  std::ofstream(pack / "pack.yaml")
      << "name: slow\nversion: \"1\"\ndefaults:\n  limits: {cpu_seconds: 0.2, wall_seconds: 1}\n";
  // About 0.5 s of CPU: over the 0.2 s default.
  std::ofstream(pack / "tasks/slow.yaml") << "id: slow\nprompt: p\nreference_solutions:\n"
                                             "  - {language: python, code: \"s = 0\\nfor i in "
                                             "range(6000000): s += i\\nprint(s > 0)\\n\"}\n"
                                             "tests:\n  - stdio: {expected_stdout: \"True\\n\"}\n";
  std::ofstream(pack / "tasks/published.yaml")
      << "id: published\nprompt: p\nlimits: {cpu_seconds: 1.5, wall_seconds: 4}\n"
         "reference_solutions:\n  - {language: python, code: \"print(1)\\n\"}\n"
         "tests:\n  - stdio: {expected_stdout: \"1\\n\"}\n";
  auto before =
      proctor::testing::RunCommand({kProctor, "pack", "check", pack.string(), "--runs", "1"});
  EXPECT_EQ(before.exit_code, 1) << before.out;  // the slow reference hits its time limit
  auto out = proctor::testing::RunCommand({kProctor, "pack", "check", pack.string(), "--runs", "1",
                                           "--calibrate", "--time-scale", "2"});
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find("pack check: ok"), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("cpu 0.20 -> "), std::string::npos) << out.out;
  EXPECT_NE(out.out.find("cpu 1.50 -> 3.00 s, wall 4.00 -> 8.00 s"), std::string::npos) << out.out;
  auto pack_after = proctor::grader::task::LoadPack(pack.string());
  ASSERT_TRUE(pack_after.has_value()) << pack_after.error().ToString();
  for (const auto& task : pack_after->tasks) {
    if (task.id == "slow") EXPECT_GE(task.limits.cpu_seconds, 1.0);
    if (task.id == "published") EXPECT_EQ(task.limits.cpu_seconds, 3.0);
  }
  EXPECT_TRUE(fs::exists(pack / "calibrated_limits.yaml"));
}

INSTANTIATE_TEST_SUITE_P(ForkServerAndFreshInterpreter, Launchers, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("ForkServer")
                                             : std::string("FreshKeeper");
                         });

}  // namespace
