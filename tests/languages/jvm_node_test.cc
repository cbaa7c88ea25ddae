// Java, JavaScript and TypeScript (languages/java.yaml, javascript.yaml, typescript.yaml)
// graded through the real binary: `proctor pack check` proves the pack
// tests/languages/jvm_node_pack (stdio, unit and checker tasks: a JavaScript checker judging
// Java, a Java checker judging TypeScript; references 1.0, wrong ones below), and
// `proctor grade` on it
// gives 1.0 to right programs and 0.0 to wrong ones, reports compile errors with javac's and
// tsc's own messages, and fails unit tests (java_main, node_require) for a wrong solution, for
// one that exits 0 before the checks and for one that disarms console.assert. The hostile
// programs and the unit packs of these languages run in hostile_matrix_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/host_check.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using proctor::testing::RunCommand;

const std::string kProctor = PROCTOR_BINARY;
const std::string kPack = PROCTOR_JVM_NODE_PACK;

struct Case {
  std::string task, language, code;
  double reward;
  std::string compile_message;  // a part of the compiler's message, when it must not compile
  std::string verdict;          // the first test's verdict, when it matters
};

const std::vector<Case> kCases = {
    // Java: stdio.
    {"java-sum", "java",
     "import java.io.*;\nimport java.util.*;\npublic class Main {\n"
     "  static class Acc { long s; }\n"  // a nested class: a second .class in the jar
     "  public static void main(String[] a) throws IOException {\n"
     "    StreamTokenizer t = new StreamTokenizer(new BufferedReader(new InputStreamReader(System.in)));\n"
     "    t.resetSyntax(); t.wordChars('0', '9'); t.whitespaceChars(0, ' ');\n"
     "    t.nextToken(); int n = Integer.parseInt(t.sval); Acc acc = new Acc();\n"
     "    for (int i = 0; i < n; i++) { t.nextToken(); acc.s += Long.parseLong(t.sval); }\n"
     "    System.out.println(acc.s);\n  }\n}\n",
     1.0, "", "passed"},
    // A public class that is not Main: javac's own message.
    {"java-sum", "java", "public class Solution { public static void main(String[] a) {} }\n", 0.0,
     "class Solution is public, should be declared in a file named Solution.java", ""},
    {"java-sum", "java", "public class Main { public static void main(String[] a) { int x = \"s\"; } }\n",
     0.0, "error: incompatible types: String cannot be converted to int", ""},
    // JavaScript: a syntax error fails when it runs, with node's message.
    {"js-sum", "javascript", "const x = ;\n", 0.0, "", "runtime_error"},
    {"js-sum", "javascript",
     "const [n, ...xs] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/);\n"
     "let s = 0n; for (const x of xs.slice(0, Number(n))) s += BigInt(x);\nconsole.log(`${s}`);\n",
     1.0, "", "passed"},
    // TypeScript: a type error is a compile error with tsc's message.
    {"ts-sum", "typescript", "const n: number = 'text';\nconsole.log(n);\n", 0.0,
     "error TS2322: Type 'string' is not assignable to type 'number'.", ""},
    {"ts-sum", "typescript",
     "import { readFileSync } from 'fs';\nconst w: string[] = readFileSync(0, 'utf8').trim().split(/\\s+/);\n"
     "let s: bigint = 0n;\nfor (const x of w.slice(1, 1 + Number(w[0]))) s += BigInt(x);\nconsole.log(s.toString());\n",
     1.0, "", "passed"},
    // Unit tests: right, wrong, early exit.
    {"java-add", "java", "public class Main { public static long add(long a, long b) { return b + a; } }\n",
     1.0, "", "passed"},
    {"java-add", "java", "public class Main { public static long add(long a, long b) { return a * b; } }\n",
     0.0, "", "wrong_answer"},
    {"java-add", "java",
     "public class Main { public static long add(long a, long b) { System.exit(0); return 0; } }\n",
     0.0, "", "runtime_error"},
    {"java-add", "java",
     "public class Main { static { Runtime.getRuntime().halt(0); }\n"
     "  public static long add(long a, long b) { return 0; } }\n",
     0.0, "", "runtime_error"},
    {"js-add", "javascript", "exports.add = function (a, b) { return a + b; };\n", 1.0, "", "passed"},
    {"js-add", "javascript", "exports.add = (a, b) => a - b;\n", 0.0, "", "wrong_answer"},
    {"js-add", "javascript", "exports.add = () => process.exit(0);\n", 0.0, "", "runtime_error"},
    // console.assert cannot be put back to Node's printing one.
    {"js-add", "javascript",
     "try { console.assert = () => {}; } catch (e) {}\n"
     "try { globalThis.console = { assert() {}, log() {} }; } catch (e) {}\n"
     "exports.add = (a, b) => a - b;\n",
     0.0, "", "wrong_answer"},
    {"ts-add", "typescript", "export function add(a: number, b: number): number { return a + b; }\n",
     1.0, "", "passed"},
    {"ts-add", "typescript", "export function add(a: number, b: number): number { return a - b; }\n",
     0.0, "", "wrong_answer"},
    {"ts-add", "typescript",
     "export function add(a: number, b: number): number { return process.exit(0); }\n", 0.0, "",
     "runtime_error"},
};

TEST(JvmNodePack, ReferencesScoreOneAndWrongSolutionsDoNot) {
  auto out = RunCommand({kProctor, "pack", "check", kPack});
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find(" 0 problems)"), std::string::npos) << out.out << out.err;
}

TEST(JvmNodePack, GradesEachSubmissionRight) {
  const fs::path dir =
      fs::temp_directory_path() / ("proctor-jvm-node-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string lines;
  for (const Case& c : kCases)
    lines += json{{"task_id", c.task}, {"language", c.language}, {"code", c.code}}.dump() + "\n";
  std::ofstream(dir / "submissions.jsonl") << lines;
  auto out = RunCommand({kProctor, "grade", "--pack", kPack, "--submissions",
                         (dir / "submissions.jsonl").string(), "--jobs", "2"});
  fs::remove_all(dir);
  std::istringstream results(out.out);
  std::string line;
  size_t seen = 0;
  while (std::getline(results, line)) {
    json r = json::parse(line, nullptr, false);
    if (r.is_discarded() || !r.contains("task_id")) continue;  // the summary line
    ASSERT_TRUE(r.contains("line")) << line;
    const size_t i = r["line"].get<size_t>() - 1;
    ASSERT_LT(i, kCases.size()) << line;
    const Case& c = kCases[i];
    SCOPED_TRACE("submission " + std::to_string(i + 1) + " (" + c.task + ")");
    const std::string shown = line.substr(0, 3000);
    EXPECT_EQ(r["ungradeable"], false) << shown;
    EXPECT_EQ(r["reward"], c.reward) << shown;
    EXPECT_EQ(r["language"], c.language);
    if (!c.compile_message.empty()) {
      EXPECT_EQ(r["compiled"], false) << shown;
      EXPECT_NE(r.value("compile_message", "").find(c.compile_message), std::string::npos)
          << shown;
    }
    if (!c.verdict.empty()) {
      ASSERT_FALSE(r["tests"].empty()) << shown;
      EXPECT_EQ(r["tests"][0]["verdict"], c.verdict) << shown;
    }
    ++seen;
  }
  EXPECT_EQ(seen, kCases.size()) << out.out << out.err;
}

}  // namespace
