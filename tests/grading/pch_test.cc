// The precompiled <bits/stdc++.h>: built once from trusted input (even when several builders
// race), used by the real compile command (-H evidence, not timing), the program it compiles
// runs correctly, and a compile error reads exactly as without it. Speed is measured by
// bench/, never here.
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "grader/languages/compiler_preload.h"
#include "grader/languages/pch.h"
#include "grader/languages/program.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {
namespace {
namespace fs = std::filesystem;

const char kBitsProgram[] = R"(#include <bits/stdc++.h>
using namespace std;
int main() {
  vector<long long> v;
  for (long long x; cin >> x;) v.push_back(x);
  sort(v.begin(), v.end());
  map<long long, int> count;
  for (long long x : v) ++count[x];
  cout << accumulate(v.begin(), v.end(), 0LL) << " " << count.size() << " " << v.back() << "\n";
}
)";

class PchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // No compile cache, so that every compile really runs. Prepare() uses the default PCH
    // store (built there on first use); the racing test builds into a fresh one of its own.
    ::setenv("PROCTOR_COMPILE_CACHE", "off", 1);
    sandbox::SandboxConfig config;
    config.keeper_path = PROCTOR_KEEPER;
    std::string error;
    sandbox_ = sandbox::Sandbox::Create(config, &error).release();
    ASSERT_NE(sandbox_, nullptr) << error;
  }
  static void TearDownTestSuite() { delete sandbox_; }
  static const Language& Cpp() { return *FindLanguage("cpp"); }
  // The plain compile: the language's own command given explicitly, which never uses a PCH.
  static CompileOutcome PlainCompile(const std::string& source) {
    CompileExtras extras;
    extras.argv = Cpp().compile_argv;
    CompileOutcome outcome;
    PreparedProgram::Prepare(*sandbox_, Cpp(), source, &outcome, extras);
    EXPECT_FALSE(outcome.pch);
    return outcome;
  }

  static sandbox::Sandbox* sandbox_;
};
sandbox::Sandbox* PchTest::sandbox_ = nullptr;

// Flags other than input and output, in order.
std::vector<std::string> FlagsOf(const std::vector<std::string>& argv) {
  std::vector<std::string> flags;
  for (size_t i = 1; i < argv.size(); ++i) {
    if (argv[i] == "-o" || argv[i] == "-x") {
      ++i;
      continue;
    }
    if (argv[i][0] == '-') flags.push_back(argv[i]);
  }
  return flags;
}

TEST(PchFlags, ThePchIsBuiltWithExactlyTheCompileFlags) {
  const Language& cpp = *FindLanguage("cpp");
  EXPECT_EQ(cpp.pch_header, "bits/stdc++.h");
  ASSERT_FALSE(cpp.pch_argv.empty());
  EXPECT_EQ(cpp.pch_argv[0], cpp.compile_argv[0]);
  EXPECT_EQ(FlagsOf(cpp.pch_argv), FlagsOf(cpp.compile_argv));
  EXPECT_FALSE(FlagsOf(cpp.compile_argv).empty());
  EXPECT_TRUE(FindLanguage("python")->pch_argv.empty());
  EXPECT_TRUE(PchCache::Wants(cpp, kBitsProgram));
  EXPECT_FALSE(PchCache::Wants(cpp, "#include <iostream>\nint main() {}\n"));
}

TEST_F(PchTest, RacingBuildersBuildItOnce) {
  PchInputs inputs;
  std::string error;
  ASSERT_TRUE(PchCache::Inputs(Cpp(), &inputs, &error)) << error;
  EXPECT_NE(inputs.header_path.find("/bits/stdc++.h"), std::string::npos);
  // Two stores on one root stand for two processes (they share only the lock file); two
  // threads on each stand for concurrent compiles in one process.
  const std::string root =
      fs::temp_directory_path() / ("proctor-pch-test-" + std::to_string(::getpid()));
  fs::remove_all(root);
  ASSERT_TRUE(fs::create_directory(root));
  ::chmod(root.c_str(), 0755);  // the sandboxes' uids traverse it to the bind
  PchCache a(root), b(root);
  std::vector<std::string> dirs(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] { dirs[i] = (i % 2 ? a : b).Ensure(*sandbox_, Cpp()); });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(a.builds() + b.builds(), 1);
  for (const std::string& dir : dirs) EXPECT_EQ(dir, root + "/" + inputs.key);
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(root)) entries.push_back(e.path().filename());
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{".lock", inputs.key}));
  // Readable by the sandboxes, writable by Proctor alone.
  struct stat st;
  ASSERT_EQ(::stat((dirs[0] + "/bits/stdc++.h.gch").c_str(), &st), 0);
  EXPECT_GT(st.st_size, 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  fs::remove_all(root);
}

TEST_F(PchTest, BitsProgramCompilesWithThePchAndRunsCorrectly) {
  // -H lists each header g++ opens; "!" marks a precompiled header it used ("x" one it
  // rejected, which -Winvalid-pch would also warn about).
  CompileExtras extras;
  extras.flags = {"-H", "-Winvalid-pch"};
  CompileOutcome traced;
  auto program = PreparedProgram::Prepare(*sandbox_, Cpp(), kBitsProgram, &traced, extras);
  ASSERT_NE(program, nullptr) << traced.message;
  EXPECT_TRUE(traced.pch);
  EXPECT_NE(traced.result.stderr_data.find("! /pch/bits/stdc++.h.gch"), std::string::npos)
      << traced.result.stderr_data.substr(0, 2000);
  EXPECT_EQ(traced.result.stderr_data.find("x /pch/"), std::string::npos);
  EXPECT_EQ(traced.result.stderr_data.find("invalid"), std::string::npos);
  // With the PCH, the libstdc++ headers themselves are never opened.
  EXPECT_EQ(traced.result.stderr_data.find("/usr/include/c++/"), std::string::npos);

  // The production command (no -H): compiled with the PCH, and the program is right.
  CompileOutcome outcome;
  program = PreparedProgram::Prepare(*sandbox_, Cpp(), kBitsProgram, &outcome);
  ASSERT_NE(program, nullptr) << outcome.message;
  EXPECT_TRUE(outcome.pch);
  EXPECT_FALSE(outcome.pch_recompiled);
  struct stat st;  // the default store: Proctor's, read-only to everybody else
  ASSERT_EQ(::stat(PchCache::Default().root().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  EXPECT_EQ(st.st_uid, ::geteuid());
  sandbox::Result run = sandbox_->Run(program->MakeRunSpec({}, "5 3 9 3 1000000000000\n"));
  EXPECT_EQ(run.status, sandbox::Status::kOk) << run.error << run.stderr_data;
  EXPECT_EQ(run.stdout_data, "1000000000020 4 1000000000000\n");

  // A source that does not name the header compiles as before.
  CompileOutcome plain;
  program = PreparedProgram::Prepare(*sandbox_, Cpp(),
                                     "#include <cstdio>\nint main() { std::puts(\"hi\"); }\n", &plain);
  ASSERT_NE(program, nullptr) << plain.message;
  EXPECT_FALSE(plain.pch);
}

TEST_F(PchTest, ACompileScriptGetsThePchWhereItSaysPchAndASourceNamesTheHeader) {
  // As cpp_asserts compiles: a whole command of the caller's, "{pch}" where the flag goes.
  CompileExtras extras;
  extras.files = {{"helper.cpp", "#include <bits/stdc++.h>\nint helper() { return 1; }\n", false}};
  extras.argv = {"/bin/sh", "-c",
                 "g++ {pch} -H -Winvalid-pch -std=c++20 -O2 -pipe -pthread -o solution "
                 "solution.cpp helper.cpp"};
  CompileOutcome outcome;
  auto program = PreparedProgram::Prepare(
      *sandbox_, Cpp(), "int helper();\nint main() { return helper() - 1; }\n", &outcome, extras);
  ASSERT_NE(program, nullptr) << outcome.message;
  EXPECT_TRUE(outcome.pch);
  EXPECT_NE(outcome.result.stderr_data.find("! /pch/bits/stdc++.h.gch"), std::string::npos)
      << outcome.result.stderr_data.substr(0, 2000);
  EXPECT_EQ(sandbox_->Run(program->MakeRunSpec({}, "")).status, sandbox::Status::kOk);

  // No source names the header: "{pch}" is dropped, nothing is bound.
  extras.files = {{"helper.cpp", "int helper() { return 1; }\n", false}};
  CompileOutcome plain;
  program = PreparedProgram::Prepare(*sandbox_, Cpp(),
                                     "int helper();\nint main() { return helper() - 1; }\n",
                                     &plain, extras);
  ASSERT_NE(program, nullptr) << plain.message;
  EXPECT_FALSE(plain.pch);
  EXPECT_EQ(plain.result.stderr_data.find("/pch"), std::string::npos);
}

// sha256 of a prepared program's binary, computed inside a run that sees it.
std::string BinaryDigest(sandbox::Sandbox& sandbox, const PreparedProgram& program) {
  sandbox::RunSpec spec = program.MakeRunSpec({}, "");
  spec.argv = {"/usr/bin/sha256sum", kBinaryMount};
  spec.policy.readonly_paths.push_back("/usr/bin/sha256sum");
  sandbox::Result r = sandbox.Run(spec);
  EXPECT_EQ(r.status, sandbox::Status::kOk) << r.error << r.stderr_data;
  return r.stdout_data.substr(0, 64);
}

TEST_F(PchTest, CompilesPreloadTheHugePagesLibraryAndItChangesNoByteOfTheBinary) {
  ASSERT_FALSE(HugepagesLibrary().empty());
  // Every process of a compile has it mapped.
  CompileExtras probe;
  probe.argv = {"/bin/sh", "-c", "grep -c libproctor-hugepages /proc/self/maps >&2; exit 1"};
  CompileOutcome seen;
  EXPECT_EQ(PreparedProgram::Prepare(*sandbox_, Cpp(), kBitsProgram, &seen, probe), nullptr);
  EXPECT_EQ(seen.message.substr(0, 1).find_first_of("123456789"), 0u) << seen.message;

  // The production compile (PCH and the library) against g++ with neither.
  CompileOutcome fast;
  auto with = PreparedProgram::Prepare(*sandbox_, Cpp(), kBitsProgram, &fast);
  ASSERT_NE(with, nullptr) << fast.message;
  EXPECT_TRUE(fast.pch);
  CompileExtras bare;
  bare.argv = {"/usr/bin/env", "-u", "LD_PRELOAD"};
  bare.argv.insert(bare.argv.end(), Cpp().compile_argv.begin(), Cpp().compile_argv.end());
  CompileOutcome slow;
  auto without = PreparedProgram::Prepare(*sandbox_, Cpp(), kBitsProgram, &slow, bare);
  ASSERT_NE(without, nullptr) << slow.message;
  EXPECT_FALSE(slow.pch);
  const std::string digest = BinaryDigest(*sandbox_, *with);
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(digest, BinaryDigest(*sandbox_, *without));
}

TEST_F(PchTest, CompileErrorsReadExactlyAsWithoutThePch) {
  struct Case {
    const char* source;
    bool recompiled;  // the message names the header: compiled again without the PCH
  };
  const Case cases[] = {
      // Errors in the submission's own code: the same message straight from the PCH compile.
      {"#include <bits/stdc++.h>\nusing namespace std;\nint main() {\n  cout << undefined_x;\n}\n",
       false},
      {"#include <bits/stdc++.h>\nint main() { int y = ; return y }\n", false},
      // Errors reported inside libstdc++ with an include chain through the header.
      {"#include <bits/stdc++.h>\nstruct P { int a; };\nint main() {\n  std::vector<P> v(3);\n"
       "  std::sort(v.begin(), v.end());\n}\n",
       true},
      {"#include <bits/stdc++.h>\nint main() { std::vector<int> v; v.push_back(\"x\"); }\n", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.source);
    CompileOutcome with_pch;
    EXPECT_EQ(PreparedProgram::Prepare(*sandbox_, Cpp(), c.source, &with_pch), nullptr);
    CompileOutcome plain = PlainCompile(c.source);
    ASSERT_FALSE(with_pch.ok);
    ASSERT_FALSE(with_pch.infra_error) << with_pch.message;
    EXPECT_EQ(with_pch.pch_recompiled, c.recompiled);
    EXPECT_EQ(with_pch.pch, !c.recompiled);
    EXPECT_EQ(with_pch.message, plain.message);
    EXPECT_NE(with_pch.message.find("solution.cpp:"), std::string::npos) << with_pch.message;
  }
}

TEST_F(PchTest, WithoutAPchCompilesStillWork) {
  // A language whose PCH cannot be built (g++ rejects a flag of its build command).
  Language broken = Cpp();
  broken.name = "cpp-no-pch";
  broken.pch_argv.insert(broken.pch_argv.begin() + 1, "-fno-such-flag-for-proctor");
  CompileOutcome outcome;
  auto program = PreparedProgram::Prepare(*sandbox_, broken, kBitsProgram, &outcome);
  ASSERT_NE(program, nullptr) << outcome.message;
  EXPECT_FALSE(outcome.pch);
  sandbox::Result run = sandbox_->Run(program->MakeRunSpec({}, "1 2 3\n"));
  EXPECT_EQ(run.stdout_data, "6 3 3\n");
  // Not retried on every compile (the failure is remembered, and logged once).
  EXPECT_EQ(PchCache::Default().Ensure(*sandbox_, broken), "");
}

}  // namespace
}  // namespace proctor::grader
