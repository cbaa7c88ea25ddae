// Completions as models write them, graded end to end through the real `proctor grade` on
// tasks/basics: a correct answer in a markdown fence, in a chat, after a <think> block, or as
// a completion of a task without a starter scores 1.0; a starter completion still continues
// the starter; `fenced` mode without a fence is the verdict no_code (docs/extraction.md).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <gtest/gtest.h>

#include "grader/task/pack_loader.h"
#include "tests/support/host_check.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kProctor = PROCTOR_BINARY;
const std::string kBasics = std::string(PROCTOR_TASKS_DIR) + "/basics";

const std::string kGcd =
    "def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
    "    return a\n";
const std::string kChatGcd = "Here is a solution using Euclid's algorithm:\n\n```python\n" +
                             kGcd + "```\n\nIt runs in O(log min(a, b)) steps.\n";
const std::string kSortUniqueCpp =
    "#include <iostream>\n#include <set>\nint main() {\n    int n;\n    std::cin >> n;\n"
    "    std::set<long long> values;\n    for (int i = 0; i < n; ++i) {\n        long long x;\n"
    "        std::cin >> x;\n        values.insert(x);\n    }\n"
    "    for (long long x : values) std::cout << x << \"\\n\";\n}\n";
const std::string kRunningMaxBody =
    "    result = []\n    best = None\n    for n in numbers:\n"
    "        best = n if best is None else max(best, n)\n        result.append(best)\n"
    "    return result\n";

struct Graded {
  int exit_code = -1;
  std::string err;
  std::vector<json> results;
};

Graded Grade(const std::vector<json>& rows, const std::vector<std::string>& flags = {},
             const std::string& pack = kBasics) {
  const fs::path dir = fs::temp_directory_path() /
                       ("proctor-extraction-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream out(dir / "subs.jsonl");
    for (const json& r : rows) out << r.dump() << "\n";
  }
  std::vector<std::string> argv = {kProctor, "grade", "--pack", pack, "--submissions",
                                   (dir / "subs.jsonl").string(), "--no-progress"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  proctor::testing::CommandOutput out = proctor::testing::RunCommand(argv);
  fs::remove_all(dir);
  Graded g{out.exit_code, out.err, {}};
  std::istringstream lines(out.out);
  std::string line;
  while (std::getline(lines, line)) g.results.push_back(json::parse(line));
  return g;
}

std::string Verdicts(const json& result) {
  std::string out;
  for (const json& t : result.value("tests", json::array()))
    out += (out.empty() ? "" : ",") + t.value("verdict", std::string("?"));
  return out;
}

TEST(GradeExtraction, FencedAndChatAnswersOfCorrectCodeScoreOne) {
  const std::vector<json> rows = {
      {{"task_id", "gcd"}, {"code", kChatGcd}},
      {{"task_id", "gcd"}, {"completion", kChatGcd}},
      {{"task_id", "gcd"},
       {"messages",
        {{{"role", "system"}, {"content", "You are a helpful assistant."}},
         {{"role", "user"}, {"content", "Write gcd(a, b)."}},
         {{"role", "assistant"}, {"content", kChatGcd}}}}},
      {{"task_id", "sort-unique"},
       {"language", "cpp"},
       {"code", "The C++ version:\n```cpp\n" + kSortUniqueCpp + "```\n"}},
      {{"task_id", "gcd"},
       {"code", "Sure.\r\n```python\r\n" + kGcd + "```\r\nDone.\r\n"}},
  };
  Graded g = Grade(rows);
  ASSERT_EQ(g.exit_code, 0) << g.err;
  ASSERT_EQ(g.results.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(g.results[i]["reward"], 1.0) << "line " << i + 1 << ": " << g.results[i].dump();
    EXPECT_EQ(g.results[i]["extraction"]["mode"], "auto");
  }
  const json& e = g.results[0]["extraction"];
  EXPECT_EQ(e["input"], "code");
  EXPECT_EQ(e["source"], "fence 1 of 1 (python)");
  EXPECT_EQ(e["graded_code"], kGcd);
  EXPECT_EQ(e["graded_code_bytes"], kGcd.size());
  EXPECT_EQ(e["graded_code_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(g.results[1]["extraction"]["input"], "completion");
  EXPECT_EQ(g.results[2]["extraction"]["source"], "messages[2]: fence 1 of 1 (python)");
  EXPECT_EQ(g.results[3]["extraction"]["source"], "fence 1 of 1 (cpp)");
}

TEST(GradeExtraction, ACompletionForATaskWithoutAStarterIsGradedAsWholeCode) {
  // gcd has no starter: the completion is the whole program, never the prompt's prose + it.
  Graded g = Grade({{{"task_id", "gcd"}, {"completion", kGcd}},
                    {{"task_id", "sort-unique"}, {"language", "cpp"}, {"completion", kSortUniqueCpp}},
                    {{"task_id", "gcd"}, {"completion", kGcd}, {"extract", "raw"}}});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  for (const json& r : g.results) {
    EXPECT_EQ(r["reward"], 1.0) << r.dump();
    EXPECT_FALSE(r["extraction"]["continues_starter"].get<bool>());
    EXPECT_EQ(r["extraction"]["graded_code"].get<std::string>().find("Write"), std::string::npos);
  }
}

TEST(GradeExtraction, AStarterCompletionStillContinuesTheStarter) {
  Graded g = Grade({
      {{"task_id", "running-max"}, {"completion", kRunningMaxBody}},
      // The model closes the fence its prompt opened and explains: the code before counts.
      {{"task_id", "running-max"},
       {"completion", kRunningMaxBody + "```\n\nThe running maximum keeps the best so far.\n"}},
      // A chat model answers with the whole function and drops `from typing import List`.
      {{"task_id", "running-max"},
       {"messages",
        {{{"role", "user"}, {"content", "Complete running_max."}},
         {{"role", "assistant"},
          {"content", "```python\ndef running_max(numbers: List[int]) -> List[int]:\n" +
                          kRunningMaxBody + "```"}}}}},
  });
  ASSERT_EQ(g.exit_code, 0) << g.err;
  ASSERT_EQ(g.results.size(), 3u);
  for (const json& r : g.results) EXPECT_EQ(r["reward"], 1.0) << r.dump();
  EXPECT_TRUE(g.results[0]["extraction"]["continues_starter"].get<bool>());
  EXPECT_EQ(g.results[1]["extraction"]["source"],
            "continuation of the starter, cut at the fence on line 7");
  EXPECT_FALSE(g.results[2]["extraction"]["continues_starter"].get<bool>());
  EXPECT_TRUE(g.results[2]["extraction"]["starter_prelude"].get<bool>());
}

TEST(GradeExtraction, FencedModeWithoutAFenceIsNoCodeWithRewardZero) {
  Graded g = Grade({{{"task_id", "gcd"}, {"code", kGcd}},
                    {{"task_id", "gcd"}, {"code", kGcd}, {"extract", "auto"}},
                    {{"task_id", "gcd"}, {"code", kChatGcd}}},
                   {"--extract", "fenced"});
  ASSERT_EQ(g.exit_code, 0) << g.err;  // no_code is a verdict for the model, not ungradeable
  ASSERT_EQ(g.results.size(), 3u);
  const json& r = g.results[0];
  EXPECT_EQ(r["reward"], 0.0);
  EXPECT_FALSE(r["ungradeable"].get<bool>());
  EXPECT_FALSE(r["compiled"].get<bool>());
  EXPECT_EQ(Verdicts(r), "no_code,no_code,no_code,no_code,no_code,no_code");
  EXPECT_EQ(r["extraction"]["mode"], "fenced");
  EXPECT_EQ(r["extraction"]["error"],
            "no code: extract mode \"fenced\" needs a markdown code fence (```python ... ```) "
            "and the answer has none");
  EXPECT_FALSE(r["extraction"].contains("graded_code"));
  EXPECT_EQ(g.results[1]["reward"], 1.0);  // the line's own mode wins over --extract
  EXPECT_EQ(g.results[2]["reward"], 1.0);
  EXPECT_NE(g.err.find("no_code=6"), std::string::npos) << g.err;
}

TEST(GradeExtraction, AFenceInsideAThinkBlockIsNotGraded) {
  const std::string wrong = "```python\ndef gcd(a, b):\n    return 1\n```\n";
  Graded g = Grade({
      // The correct code is only in the reasoning; the answer after it has none.
      {{"task_id", "gcd"}, {"code", "<think>\n" + kChatGcd + "</think>\nI could not finish."}},
      // A wrong draft in the reasoning, the correct code in the answer.
      {{"task_id", "gcd"}, {"code", "<think>\nFirst idea:\n" + wrong + "</think>\n" + kChatGcd}},
      // Reasoning cut off by the token limit.
      {{"task_id", "gcd"}, {"completion", "<think>\nLet me think.\n```python\n" + kGcd}},
  });
  ASSERT_EQ(g.exit_code, 0) << g.err;
  ASSERT_EQ(g.results.size(), 3u);
  EXPECT_EQ(g.results[0]["reward"], 0.0) << g.results[0].dump();
  EXPECT_EQ(g.results[0]["extraction"]["source"], "raw text, after </think>");
  EXPECT_EQ(g.results[1]["reward"], 1.0) << g.results[1].dump();
  EXPECT_EQ(g.results[1]["extraction"]["source"], "fence 1 of 1 (python), after </think>");
  EXPECT_EQ(g.results[2]["reward"], 0.0);
  EXPECT_EQ(Verdicts(g.results[2]).substr(0, 7), "no_code");
}

TEST(GradeExtraction, RawModeGradesTheTextAsWritten) {
  Graded g = Grade({{{"task_id", "gcd"}, {"code", kChatGcd}, {"extract", "raw"}}});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(g.results[0]["reward"], 0.0);  // prose is not Python
  EXPECT_EQ(g.results[0]["extraction"]["graded_code"], kChatGcd);
}

// Every reference solution of tasks/basics (both languages), answered in a fence between
// prose as code, as a completion and in a chat, and sent bare as a completion: all 1.0.
TEST(GradeExtraction, EveryBasicsReferenceScoresOneHoweverItIsWrapped) {
  auto pack = proctor::grader::task::LoadPack(kBasics);
  ASSERT_TRUE(pack) << pack.error().ToString();
  std::vector<json> rows;
  for (const auto& task : pack->tasks) {
    for (const auto& ref : task.reference_solutions) {
      const std::string language(proctor::grader::task::LanguageName(ref.language));
      const std::string tag = language == "cpp" ? "cpp" : "python";
      const std::string answer = "My solution:\n\n```" + tag + "\n" + ref.code.text +
                                 "```\n\nThat is all.\n";
      json base = {{"task_id", task.id}, {"language", language}};
      for (const json& body : {json{{"code", answer}}, json{{"completion", answer}},
                               json{{"completion", ref.code.text}},
                               json{{"messages", {{{"role", "assistant"}, {"content", answer}}}}}}) {
        json row = base;
        row.update(body);
        rows.push_back(row);
      }
    }
  }
  ASSERT_GT(rows.size(), 4u * 25u);
  Graded g = Grade(rows);
  ASSERT_EQ(g.exit_code, 0) << g.err;
  ASSERT_EQ(g.results.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(g.results[i]["reward"], 1.0)
        << rows[i]["task_id"] << " (" << rows[i]["language"] << ") form " << i % 4 << ": "
        << g.results[i].dump().substr(0, 3000);
}

// Every HumanEval problem answered the ways chat and reasoning models answer it: the whole
// function in a fence between prose, in a chat; the function alone in a fence (without the
// prompt's imports and helper functions); the bare completion after a <think> block. Every
// one is the canonical solution: all 1.0.
TEST(GradeExtraction, HumanEvalAnsweredAsChatModelsAnswerScoresOne) {
  const fs::path data = fs::path(PROCTOR_SHARED_DIR) / "data" / "humaneval";
  if (!fs::exists(data)) GTEST_SKIP() << "HumanEval not found at " << data;
  const fs::path pack = fs::temp_directory_path() /
                        ("proctor-extraction-humaneval-" + std::to_string(::getpid()));
  auto imported = proctor::testing::RunCommand(
      {kProctor, "pack", "import", "humaneval", (data / "HumanEval.jsonl").string(), "--out",
       pack.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  std::vector<json> rows;
  std::ifstream problems(data / "HumanEval.jsonl");
  std::string line;
  while (std::getline(problems, line)) {
    json p = json::parse(line);
    const std::string prompt = p["prompt"], body = p["canonical_solution"];
    // Only the function asked for: no imports, no helper functions of the prompt.
    const std::string entry = "def " + p["entry_point"].get<std::string>() + "(";
    const size_t at = prompt.find(entry);
    ASSERT_NE(at, std::string::npos) << p["task_id"];
    const std::string only_the_function = prompt.substr(at);
    rows.push_back({{"task_id", p["task_id"]},
                    {"messages",
                     {{{"role", "user"}, {"content", "Complete this function:\n" + prompt}},
                      {{"role", "assistant"},
                       {"content", "Here is the completed function:\n\n```python\n" + prompt +
                                       body + "```\n\nIt passes the examples.\n"}}}}});
    rows.push_back({{"task_id", p["task_id"]},
                    {"code", "```python\n" + only_the_function + body + "```\n"}});
    rows.push_back({{"task_id", p["task_id"]},
                    {"completion", "<think>\nThe docstring says what to return.\n</think>\n" +
                                       body}});
  }
  ASSERT_EQ(rows.size(), 3u * 164u);
  Graded g = Grade(rows, {}, pack.string());
  fs::remove_all(pack);
  ASSERT_EQ(g.exit_code, 0) << g.err;
  ASSERT_EQ(g.results.size(), rows.size());
  int imports_restored = 0, continued = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(g.results[i]["reward"], 1.0)
        << rows[i]["task_id"] << " form " << i % 3 << ": " << g.results[i].dump().substr(0, 3000);
    imports_restored += g.results[i]["extraction"]["starter_prelude"].get<bool>() ? 1 : 0;
    continued += g.results[i]["extraction"]["continues_starter"].get<bool>() ? 1 : 0;
  }
  // The prompts with an import (typing, math, hashlib) or a helper function (encode_cyclic)
  // had them put back; every completion after </think> continued its starter.
  EXPECT_EQ(imports_restored, 24);
  EXPECT_EQ(continued, 164);
}

TEST(GradeExtraction, BadExtractValuesAreUsageErrors) {
  Graded g = Grade({{{"task_id", "gcd"}, {"code", kGcd}}}, {"--extract", "fences"});
  EXPECT_EQ(g.exit_code, 2);
  EXPECT_NE(g.err.find("--extract: 'fences' is not auto, fenced or raw"), std::string::npos)
      << g.err;
  g = Grade({{{"task_id", "gcd"}, {"code", kGcd}, {"extract", 1}}, {{"task_id", "gcd"},
             {"messages", {{{"role", "user"}, {"content", "hi"}}}}}});
  EXPECT_EQ(g.exit_code, 2);
  EXPECT_NE(g.err.find(":1: \"extract\" must be \"auto\", \"fenced\" or \"raw\", not 1"),
            std::string::npos)
      << g.err;
  EXPECT_NE(g.err.find(":2: \"messages\" has no message with role \"assistant\""),
            std::string::npos)
      << g.err;
}

}  // namespace
