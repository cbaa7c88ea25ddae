// The languages defined as data beyond Python and C++ (languages/c.yaml, languages/bash.yaml)
// through the real binary: `proctor run` on honest programs, a compile error with gcc's own
// message, hostile programs ending with the sandbox's statuses, the definitions' read-only
// paths holding nothing but the language, and a pack of C and Bash tasks graded right by
// `proctor pack check` and `proctor grade` (fenced answers included).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/host_check.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using proctor::testing::RunCommand;

const std::string kProctor = PROCTOR_BINARY;
const std::string kPack = PROCTOR_LANGUAGES_PACK;

class LanguagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("proctor-languages-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

  // `proctor run --language LANGUAGE` on `source` with `stdin_data` and the corpus' limits.
  json Run(const std::string& language, const std::string& source,
           const std::string& stdin_data = "") {
    const std::string program = Write("program." + language, source);
    const std::string input = Write("stdin.txt", stdin_data);
    auto out = RunCommand({kProctor, "run", "--language", language, program, "--stdin", input,
                           "--wall-seconds", "5", "--cpu-seconds", "2", "--memory-mb", "256",
                           "--max-processes", "32", "--stdout-kb", "1024", "--disk-mb", "16"});
    EXPECT_EQ(out.exit_code, 0) << out.err << out.out;
    json result = json::parse(out.out, nullptr, false);
    EXPECT_FALSE(result.is_discarded()) << out.out;
    return result;
  }

  fs::path dir_;
};

TEST_F(LanguagesTest, CReadsStdinAndPrintsTheSum) {
  json r = Run("c",
               "#include <stdio.h>\n"
               "int main(void) { long long a, b; if (scanf(\"%lld %lld\", &a, &b) != 2) return 1;\n"
               "  printf(\"%lld\\n\", a + b); return 0; }\n",
               "40 2\n");
  EXPECT_EQ(r["status"], "ok") << r.dump(2);
  EXPECT_EQ(r["stdout"], "42\n");
  EXPECT_EQ(r["language"], "c");
  EXPECT_EQ(r["compile"]["status"], "ok");
}

TEST_F(LanguagesTest, CIsCompiledAsC17WithTheMathLibrary) {
  // C-only syntax (a C++ compiler refuses `new` as a name and needs a cast from void*), a
  // C11 feature (_Static_assert) and libm.
  json r = Run("c",
               "#include <math.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
               "_Static_assert(__STDC_VERSION__ == 201710L, \"C17\");\n"
               "int main(void) { int *new = malloc(sizeof *new); *new = 2;\n"
               "  printf(\"%.3f\\n\", sqrt((double)*new)); free(new); return 0; }\n");
  EXPECT_EQ(r["status"], "ok") << r.dump(2);
  EXPECT_EQ(r["stdout"], "1.414\n");
}

TEST_F(LanguagesTest, ACCompileErrorCarriesGccsOwnMessage) {
  json r = Run("c", "int main(void) { return undeclared_name; }\n");
  EXPECT_EQ(r["status"], "compile_error") << r.dump(2);
  const std::string message = r["message"];
  EXPECT_NE(message.find("solution.c:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("error: ‘undeclared_name’ undeclared"), std::string::npos) << message;
}

TEST_F(LanguagesTest, BashReadsStdinAndUsesTheCoreUtilities) {
  json r = Run("bash",
               "read -r a b\n"
               "echo $((a + b))\n"
               "printf 'b\\na\\nb\\n' | sort | uniq -c | awk '{print $2 \"=\" $1}' | tr '\\n' ' '\n"
               "echo\n"
               "echo done | sed 's/done/DONE/' | grep -c DONE\n",
               "40 2\n");
  EXPECT_EQ(r["status"], "ok") << r.dump(2);
  EXPECT_EQ(r["stdout"], "42\na=1 b=2 \n1\n");
  EXPECT_EQ(r["language"], "bash");
}

TEST_F(LanguagesTest, BashSeesNoOtherLanguagesRuntime) {
  // /usr/bin is there (the tools a script calls), but no interpreter's library folder, and
  // no compiler's: python3 cannot start and gcc finds no cc1.
  json r = Run("bash",
               "python3 -c 'print(\"PYTHON-RAN\")' 2>/dev/null || echo no-python\n"
               "echo 'int main(void){return 0;}' > a.c\n"
               "gcc a.c -o a 2>/dev/null && echo GCC-RAN || echo no-gcc\n");
  EXPECT_EQ(r["status"], "ok") << r.dump(2);
  EXPECT_EQ(r["stdout"], "no-python\nno-gcc\n");
}

TEST_F(LanguagesTest, BashSyntaxErrorIsANonzeroExitWithBashsMessage) {
  json r = Run("bash", "if then fi (\n");
  EXPECT_EQ(r["status"], "nonzero_exit") << r.dump(2);
  EXPECT_NE(std::string(r["stderr"]).find("syntax error"), std::string::npos) << r.dump(2);
}

struct Hostile {
  std::string name, language, source;
  std::set<std::string> statuses;
};

// The corpus' resource cases (tests/sandbox/adversarial_run_test.cc) in C and Bash.
const std::vector<Hostile> kHostile = {
    {"fork bomb", "c",
     "#include <unistd.h>\nint main(void) { for (;;) fork(); }\n",
     {"cpu_timeout", "wall_timeout"}},
    // The classic bomb, kept going by a foreground loop (the run ends when the script does).
    {"fork bomb", "bash", "bomb() { bomb | bomb & }\nwhile :; do bomb; done\n",
     {"cpu_timeout", "wall_timeout"}},
    // A time limit either way: on 2 busy cores 5 s of wall clock may come before 2 s of CPU.
    {"infinite loop", "c", "int main(void) { volatile unsigned long x = 0; for (;;) ++x; }\n",
     {"cpu_timeout", "wall_timeout"}},
    {"infinite loop", "bash", "while :; do :; done\n", {"cpu_timeout", "wall_timeout"}},
    {"output flood", "c",
     "#include <stdio.h>\nint main(void) { for (;;) fputs(\"flood flood flood flood\\n\", stdout); }\n",
     {"output_limit"}},
    {"output flood", "bash", "yes flood\n", {"output_limit"}},
    {"memory bomb", "c",
     "#include <stdlib.h>\n#include <string.h>\n"
     "int main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); } }\n",
     {"memory_limit"}},
};

TEST_F(LanguagesTest, HostileProgramsEndWithTheSandboxsStatuses) {
  for (const Hostile& h : kHostile) {
    SCOPED_TRACE(h.language + " " + h.name);
    json r = Run(h.language, h.source);
    const std::string status = r.value("status", "");
    EXPECT_TRUE(h.statuses.count(status)) << "ended " << status << ": " << r.dump(2).substr(0, 2000);
    if (h.name == "fork bomb") {
      EXPECT_TRUE(r["pids_limit_hit"].get<bool>()) << r.dump(2);
    }
    if (h.name == "output flood") {
      EXPECT_TRUE(r["stdout_truncated"].get<bool>());
      EXPECT_LT(r["wall_seconds"].get<double>(), 3.0) << "output_limit must be prompt";
    }
  }
}

TEST(LanguagesPack, ReferencesScoreOneAndWrongSolutionsDoNot) {
  // pack check grades every reference (C, Bash, Python) and every wrong solution: exit 0
  // means each reference scored 1.0 and each wrong one below 1.0, on both runs.
  auto out = RunCommand({kProctor, "pack", "check", kPack, "--runs", "2"});
  EXPECT_EQ(out.exit_code, 0) << out.out << out.err;
  EXPECT_NE(out.out.find("pack check: ok (18 gradings, 0 problems)"), std::string::npos)
      << out.out << out.err;
}

TEST(LanguagesPack, GradesSubmissionsInCAndBash) {
  const fs::path dir = fs::temp_directory_path() /
                       ("proctor-languages-grade-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::vector<std::pair<json, double>> cases = {
      // An honest C sum: 1.0.
      {{{"task_id", "c-sum"}, {"language", "c"},
        {"code", "#include <stdio.h>\nint main(void){long long n,x,s=0;scanf(\"%lld\",&n);"
                 "while(n--){scanf(\"%lld\",&x);s+=x;}printf(\"%lld\\n\",s);}\n"}},
       1.0},
      // It does not compile: 0.0, with gcc's message.
      {{{"task_id", "c-sum"}, {"language", "c"}, {"code", "int main(void) { return nope; }\n"}},
       0.0},
      // Bash in a ```sh fence of a chat answer: 1.0.
      {{{"task_id", "any-language-max"}, {"language", "bash"},
        {"completion", "Sort numerically and take the last:\n```sh\nread -r -a xs\n"
                       "printf '%s\\n' \"${xs[@]}\" | sort -n | tail -n 1\n```\n"}},
       1.0},
      // Lexicographic sort: wrong on 9 vs 10.
      {{{"task_id", "any-language-max"}, {"language", "bash"},
        {"code", "read -r -a xs\nprintf '%s\\n' \"${xs[@]}\" | sort | tail -n 1\n"}},
       0.0},
      // A C answer in a ```c fence for the multi-language task.
      {{{"task_id", "any-language-max"}, {"language", "c"},
        {"completion", "```c\n#include <stdio.h>\nint main(void){long long x,b;int s=0;"
                       "while(scanf(\"%lld\",&x)==1){if(!s||x>b)b=x;s=1;}printf(\"%lld\\n\",b);}\n```\n"}},
       1.0},
  };
  std::string lines;
  for (const auto& [submission, reward] : cases) lines += submission.dump() + "\n";
  std::ofstream(dir / "submissions.jsonl") << lines;
  auto out = RunCommand({kProctor, "grade", "--pack", kPack, "--submissions",
                         (dir / "submissions.jsonl").string(), "--extract", "auto"});
  fs::remove_all(dir);
  std::istringstream results(out.out);
  std::string line;
  size_t i = 0;
  while (std::getline(results, line)) {
    json r = json::parse(line, nullptr, false);
    if (r.is_discarded() || !r.contains("task_id")) continue;  // the summary line
    ASSERT_LT(i, cases.size()) << line;
    SCOPED_TRACE("submission " + std::to_string(i + 1));
    EXPECT_EQ(r["reward"], cases[i].second) << line.substr(0, 3000);
    EXPECT_EQ(r["language"], cases[i].first["language"]);
    if (i == 1) {
      EXPECT_EQ(r["compiled"], false);
      EXPECT_NE(std::string(r["compile_message"]).find("error: ‘nope’ undeclared"),
                std::string::npos)
          << r["compile_message"];
    }
    if (i == 2) {
      EXPECT_EQ(r["extraction"]["source"], "fence 1 of 1 (sh)");
    }
    ++i;
  }
  EXPECT_EQ(i, cases.size()) << out.out << out.err;
}

TEST(LanguagesPack, ATaskNamingAnUnknownLanguageFailsAtItsPosition) {
  const fs::path dir = fs::temp_directory_path() /
                       ("proctor-languages-bad-pack-" + std::to_string(::getpid()));
  fs::create_directories(dir / "tasks");
  std::ofstream(dir / "pack.yaml") << "name: bad\nversion: \"1\"\n";
  std::ofstream(dir / "tasks" / "t.yaml")
      << "id: t\nprompt: p\nlanguages: [c, cobol]\n"
         "tests:\n  - stdio: {stdin: '', expected_stdout: ''}\n";
  auto out = RunCommand({kProctor, "pack", "check", dir.string()});
  fs::remove_all(dir);
  EXPECT_EQ(out.exit_code, 2) << out.out << out.err;
  // The known languages are listed (whatever else languages/ defines).
  const std::string printed = out.out + out.err;
  const size_t at = printed.find("tasks/t.yaml:3:16: bad value \"cobol\" for \"language\" "
                                 "(expected one of ");
  ASSERT_NE(at, std::string::npos) << printed;
  const std::string known = printed.substr(at, printed.find('\n', at) - at);
  for (const char* name : {"bash", "c", "cpp", "python"})
    EXPECT_TRUE(known.find(std::string(" ") + name + ",") != std::string::npos ||
                known.find(std::string(" ") + name + ")") != std::string::npos)
        << known;
}

TEST(LanguagesPack, TestKindsFollowTheDefinitionsCapabilities) {
  // c.yaml says neither call_tests nor any unit style: such tests of a C task are refused at
  // the test, naming the languages that support them.
  const fs::path dir = fs::temp_directory_path() /
                       ("proctor-languages-kinds-" + std::to_string(::getpid()));
  fs::create_directories(dir / "tasks");
  std::ofstream(dir / "pack.yaml") << "name: kinds\nversion: \"1\"\n";
  std::ofstream(dir / "tasks" / "t.yaml")
      << "id: t\nprompt: p\nlanguages: [c]\nentry_point: f\n"
         "tests:\n  - call: {args: [1], expected: 1}\n"
         "  - unit: {style: pytest, code: 'def test_x(): pass'}\n";
  auto out = RunCommand({kProctor, "pack", "check", dir.string()});
  fs::remove_all(dir);
  EXPECT_EQ(out.exit_code, 2) << out.out << out.err;
  EXPECT_NE((out.out + out.err).find("tasks/t.yaml:6:5: a call test supports only language "
                                     "\"python\", but the task allows [c]"),
            std::string::npos)
      << out.out << out.err;
}

}  // namespace
