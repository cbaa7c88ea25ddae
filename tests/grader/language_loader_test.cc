// Specification of grader/languages/language_loader: language definition files
// (docs/languages.md), the errors their authors see at file:line:col, and the bundled
// definitions of languages/, which reproduce the table Python and C++ had before they were data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "grader/languages/language.h"
#include "grader/languages/language_loader.h"
#include "grader/task/model.h"
#include "grader/task/pack_loader.h"

namespace proctor::grader {
namespace {

namespace fs = std::filesystem;

constexpr char kMinimal[] = R"(name: lua
aliases: [luajit]
packages: [lua5.4]
source_file: solution.lua
run:
  argv: [/usr/bin/lua5.4, "{source}"]
  readonly_paths: [/usr/bin/lua5.4, /usr/lib/x86_64-linux-gnu]
  env: {LUA_PATH: /nowhere}
  extra: {max_processes: 8, memory_mb: 64}
version:
  argv: [/usr/bin/lua5.4, -v]
  pattern: 'Lua (\S+)'
unit_styles: [asserts]
)";

class LanguageLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("proctor-languages-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  // The error of loading `text` as lua.yaml ("" when it loads).
  std::string ErrorFor(const std::string& text, const std::string& name = "lua.yaml") {
    Write(name, text);
    task::LoadResult<Language> l = LoadLanguageFile(dir_, name);
    return l ? "" : l.error().ToString();
  }
  std::string At(int line, int col, const std::string& name = "lua.yaml") {
    return (dir_ / name).string() + ":" + std::to_string(line) + ":" + std::to_string(col);
  }
  // kMinimal with `from` replaced by `to`.
  static std::string With(const std::string& from, const std::string& to) {
    std::string text = kMinimal;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  }

  fs::path dir_;
};

TEST_F(LanguageLoaderTest, AValidDefinitionLoadsEveryKey) {
  Write("lua.yaml", kMinimal);
  task::LoadResult<Language> l = LoadLanguageFile(dir_, "lua.yaml");
  ASSERT_TRUE(l) << l.error().ToString();
  EXPECT_EQ(l->name, "lua");
  EXPECT_EQ(l->aliases, std::vector<std::string>{"luajit"});
  EXPECT_EQ(l->packages, std::vector<std::string>{"lua5.4"});
  EXPECT_EQ(l->source_file, "solution.lua");
  EXPECT_TRUE(l->compile_argv.empty());
  EXPECT_EQ(l->run_argv, (std::vector<std::string>{"/usr/bin/lua5.4", "{source}"}));
  EXPECT_EQ(l->readonly_paths,
            (std::vector<std::string>{"/usr/bin/lua5.4", "/usr/lib/x86_64-linux-gnu"}));
  EXPECT_EQ(l->run_env.at("LUA_PATH"), "/nowhere");
  EXPECT_EQ(l->run_extra.max_processes, 8);
  EXPECT_EQ(l->run_extra.memory_mb, 64);
  EXPECT_EQ(l->version.argv, (std::vector<std::string>{"/usr/bin/lua5.4", "-v"}));
  EXPECT_EQ(l->version.pattern, "Lua (\\S+)");
  EXPECT_FALSE(l->call_tests);
  EXPECT_TRUE(l->SupportsUnitStyle("asserts"));
  EXPECT_FALSE(l->SupportsUnitStyle("pytest"));
  EXPECT_EQ(l->definition_file, (dir_ / "lua.yaml").string());
}

TEST_F(LanguageLoaderTest, ACompiledDefinitionLoadsItsCompileStep) {
  const std::string text = R"(name: cc2
packages: [gcc]
source_file: main.c
compile:
  argv: [/usr/bin/gcc, -O1, -o, prog, main.c]
  output: prog
  readonly_paths: [/usr]
  env: {TMPDIR: /tmp}
  limits: {wall_seconds: 7.5, memory_mb: 300, stdout_kb: 8, disk_mb: 10, stack_mb: 32}
  cache: true
  toolchain: [/usr/bin/gcc]
run:
  argv: ["{binary}", --fast]
  readonly_paths: [/usr/lib]
version: {argv: [/usr/bin/gcc, --version]}
)";
  Write("cc2.yaml", text);
  task::LoadResult<Language> l = LoadLanguageFile(dir_, "cc2.yaml");
  ASSERT_TRUE(l) << l.error().ToString();
  EXPECT_EQ(l->compile_argv.front(), "/usr/bin/gcc");
  EXPECT_EQ(l->binary_file, "prog");
  EXPECT_EQ(l->compile_env.at("TMPDIR"), "/tmp");
  EXPECT_EQ(l->compile_limits.wall_seconds, 7.5);
  EXPECT_EQ(l->compile_limits.memory_bytes, 300 * sandbox::kMiB);
  EXPECT_EQ(l->compile_limits.stdout_bytes, 8u * 1024);
  EXPECT_EQ(l->compile_limits.disk_bytes, 10 * sandbox::kMiB);
  EXPECT_EQ(l->compile_limits.stack_bytes, 32 * sandbox::kMiB);
  EXPECT_EQ(l->compile_limits.cpu_seconds, sandbox::Limits{}.cpu_seconds);  // not given
  EXPECT_TRUE(l->compile_cache);
  EXPECT_EQ(l->toolchain, std::vector<std::string>{"/usr/bin/gcc"});
  EXPECT_TRUE(l->version.pattern.empty());
}

TEST_F(LanguageLoaderTest, UnknownKeysAreRejectedByNameAtTheirPosition) {
  // (Keys added later are listed after these.)
  EXPECT_EQ(ErrorFor(std::string(kMinimal) + "jit: true\n")
                .rfind(At(14, 1) + ": unknown key \"jit\" in language definition (expected one "
                                   "of name, aliases, packages, source_file, compile, run, "
                                   "version, call_tests, unit_styles",
                       0),
            0u)
      << ErrorFor(std::string(kMinimal) + "jit: true\n");
  EXPECT_EQ(ErrorFor(With("  env:", "  jvm: x\n  env:")),
            At(8, 3) + ": unknown key \"jvm\" in run (expected one of argv, readonly_paths, "
                       "env, extra)");
  EXPECT_EQ(ErrorFor(With("extra: {max_processes: 8,", "extra: {threads: 8,")),
            At(9, 11) + ": unknown key \"threads\" in run extra (expected one of max_processes, "
                        "memory_mb)");
}

TEST_F(LanguageLoaderTest, MissingRequiredKeys) {
  EXPECT_EQ(ErrorFor(With("source_file: solution.lua\n", "")),
            At(1, 1) + ": missing required key \"source_file\" in language definition");
  EXPECT_EQ(ErrorFor(With("version:\n  argv: [/usr/bin/lua5.4, -v]\n  pattern: 'Lua (\\S+)'\n",
                          "")),
            At(1, 1) + ": missing required key \"version\" in language definition");
}

TEST_F(LanguageLoaderTest, TheNameMatchesTheFileAndIsAName) {
  EXPECT_EQ(ErrorFor(kMinimal, "moon.yaml"),
            At(1, 7, "moon.yaml") + ": language \"lua\" must be defined in lua.yaml");
  EXPECT_EQ(ErrorFor(With("name: lua", "name: Lua"), "Lua.yaml"),
            At(1, 7, "Lua.yaml") + ": language name \"Lua\" must match [a-z][a-z0-9_]*");
}

TEST_F(LanguageLoaderTest, PackagesMustBeOneFlowLineForSetupSh) {
  EXPECT_EQ(ErrorFor(With("packages: [lua5.4]", "packages:\n  - lua5.4")),
            At(4, 3) + ": packages must be written on one line as packages: [name, ...] "
                       "(scripts/setup.sh reads that form)");
  EXPECT_EQ(ErrorFor(With("packages: [lua5.4]", "packages: [lua5.4,\n  lua-posix]")),
            At(3, 11) + ": packages must be written on one line as packages: [name, ...] "
                        "(scripts/setup.sh reads that form)");
  EXPECT_EQ(ErrorFor(With("packages: [lua5.4]", "packages: [Lua_5]")),
            At(3, 11) + ": packages must be written on one line as packages: [name, ...] "
                        "(scripts/setup.sh reads that form)");
  EXPECT_EQ(ErrorFor(With("packages: [lua5.4]", "packages: [lua5.4, x]")),
            At(3, 20) + ": \"x\" is not a Debian package name");
}

TEST_F(LanguageLoaderTest, PathsAndCommandsAreAbsolute) {
  EXPECT_EQ(ErrorFor(With("[/usr/bin/lua5.4, \"{source}\"]", "[lua5.4, \"{source}\"]")),
            At(6, 10) + ": \"run argv\" must start with an absolute path (got \"lua5.4\") or "
                        "{binary}");
  EXPECT_EQ(ErrorFor(With("readonly_paths: [/usr/bin/lua5.4,", "readonly_paths: [usr/bin,")),
            At(7, 20) + ": \"readonly_paths\" entry \"usr/bin\" must be an absolute path "
                        "without \"..\"");
  EXPECT_EQ(ErrorFor(With("/usr/lib/x86_64-linux-gnu]", "/usr/lib/../../etc]")),
            At(7, 37) + ": \"readonly_paths\" entry \"/usr/lib/../../etc\" must be an absolute "
                        "path without \"..\"");
  EXPECT_EQ(ErrorFor(With("source_file: solution.lua", "source_file: src/solution.lua")),
            At(4, 14) + ": \"source_file\" must be a plain file name (got \"src/solution.lua\")");
  // A run sees its own empty /tmp there: the toolchain would be missing and every compile a
  // "compile error" of the submission.
  EXPECT_EQ(ErrorFor(With("readonly_paths: [/usr/bin/lua5.4,", "readonly_paths: [/tmp/lua,")),
            At(7, 20) + ": \"readonly_paths\" entry \"/tmp/lua\" is under /tmp, which every run "
                        "replaces with its own empty one");
}

TEST_F(LanguageLoaderTest, PlaceholdersFitTheLanguage) {
  EXPECT_EQ(ErrorFor(With("\"{source}\"]", "\"{binary}\"]")),
            At(6, 27) + ": run argv names {binary} but the language has no compile step");
}

TEST_F(LanguageLoaderTest, ValuesAreChecked) {
  EXPECT_EQ(ErrorFor(With("memory_mb: 64}", "memory_mb: -1}")),
            At(9, 40) + ": extra memory_mb must not be negative");
  // (Styles added later are listed after these.)
  const std::string style_error =
      ErrorFor(With("unit_styles: [asserts]", "unit_styles: [asserts, junit]"));
  EXPECT_EQ(style_error.rfind(At(13, 24) + ": unknown unit style \"junit\" (expected one of "
                                           "humaneval, pytest, asserts, cpp_asserts",
                              0),
            0u)
      << style_error;
  EXPECT_EQ(ErrorFor(With("pattern: 'Lua (\\S+)'", "pattern: 'Lua ((\\S+)'")).rfind(
                At(12, 12) + ": pattern is not a valid regular expression: ", 0),
            0u);
  EXPECT_EQ(ErrorFor(With("env: {LUA_PATH: /nowhere}", "env: {LUA PATH: /nowhere}")),
            At(8, 9) + ": environment variable name \"LUA PATH\" is not a name");
  EXPECT_EQ(ErrorFor(std::string(kMinimal) + "call_tests: maybe\n"),
            At(14, 13) + ": \"call_tests\" must be true or false (got the scalar \"maybe\")");
  EXPECT_EQ(ErrorFor("name: [lua\n"), At(2, 1) + ": YAML syntax error: end of sequence flow not found");
}

TEST_F(LanguageLoaderTest, CompileCacheNeedsAToolchainAndPchTheCompileFlags) {
  const std::string compiled = R"(name: cc2
packages: [g++]
source_file: a.cpp
compile:
  argv: [/usr/bin/g++, -O2, -std=c++20, -o, a, a.cpp]
  output: a
  readonly_paths: [/usr]
  cache: true
  toolchain: [/usr/bin/g++]
  pch: {header: bits/stdc++.h, argv: [/usr/bin/g++, -O2, -std=c++20, -x, c++-header, "{header}", -o, "{output}"]}
run: {argv: ["{binary}"], readonly_paths: [/usr/lib]}
version: {argv: [/usr/bin/g++, --version]}
)";
  EXPECT_EQ(ErrorFor(compiled, "cc2.yaml"), "");
  std::string no_toolchain = compiled;
  no_toolchain.erase(no_toolchain.find("  toolchain"), std::string("  toolchain: [/usr/bin/g++]\n").size());
  EXPECT_EQ(ErrorFor(no_toolchain, "cc2.yaml"),
            At(8, 10, "cc2.yaml") + ": compile cache needs \"toolchain\" (the files whose "
                                    "identity keys the cache)");
  std::string other_flags = compiled;
  other_flags.replace(other_flags.find("-O2, -std=c++20, -x"), 3, "-O3");
  EXPECT_EQ(ErrorFor(other_flags, "cc2.yaml"),
            At(10, 38, "cc2.yaml") + ": pch argv must run the compile's compiler with exactly "
                                     "its flags (compile: /usr/bin/g++ -O2 -std=c++20; pch: "
                                     "/usr/bin/g++ -O3 -std=c++20)");
  std::string no_output = compiled;
  no_output.replace(no_output.find("\"{output}\""), 10, "x.gch");
  EXPECT_EQ(ErrorFor(no_output, "cc2.yaml"),
            At(10, 38, "cc2.yaml") + ": pch argv must contain {output}");
  std::string source_in_run = compiled;
  source_in_run.replace(source_in_run.find("[\"{binary}\"]"), 12, "[\"{binary}\", \"{source}\"]");
  EXPECT_EQ(ErrorFor(source_in_run, "cc2.yaml"),
            At(11, 26, "cc2.yaml") + ": run argv names {source} but the language compiles "
                                     "(runs see only the binary)");
}

TEST_F(LanguageLoaderTest, AFolderLoadsInFileOrderWithUniqueNamesAndAliases) {
  Write("lua.yaml", kMinimal);
  Write("moon.yaml", With("name: lua\naliases: [luajit]", "name: moon\naliases: [moonscript]"));
  Write("README.md", "not a definition\n");
  task::LoadResult<std::vector<Language>> all = LoadLanguageFolder(dir_);
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "lua");
  EXPECT_EQ((*all)[1].name, "moon");
  // An extra folder may not redefine a bundled language or reuse its alias.
  Write("moon.yaml", With("name: lua\naliases: [luajit]", "name: moon\naliases: [luajit]"));
  all = LoadLanguageFolder(dir_);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().ToString(), At(2, 11, "moon.yaml") +
                                        ": alias \"luajit\" already names language \"lua\" (" +
                                        (dir_ / "lua.yaml").string() + ")");
  fs::remove(dir_ / "moon.yaml");
  fs::remove(dir_ / "lua.yaml");
  Write("python.yaml", With("name: lua", "name: python"));
  all = LoadLanguageFolder(dir_, Languages());
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().ToString(), At(1, 7, "python.yaml") +
                                        ": language \"python\" is already defined by " +
                                        FindLanguage("python")->definition_file);
}

TEST_F(LanguageLoaderTest, AMissingFolderIsAnError) {
  task::LoadResult<std::vector<Language>> all = LoadLanguageFolder(dir_ / "nope");
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().where.file, (dir_ / "nope").string());
}

// The bundled definitions carry exactly the values of the table they replaced.
TEST(BundledLanguages, PythonIsTheOldTable) {
  ASSERT_EQ(LanguageRegistryError(), "");
  const Language* python = FindLanguage("python");
  ASSERT_NE(python, nullptr);
  EXPECT_EQ(python->source_file, "solution.py");
  EXPECT_TRUE(python->compile_argv.empty());
  EXPECT_EQ(python->run_argv, (std::vector<std::string>{"/usr/bin/python3", "-I", "-B", "-X",
                                                        "int_max_str_digits=0", "{source}"}));
  EXPECT_EQ(python->readonly_paths,
            (std::vector<std::string>{"/usr/bin/python3", "/usr/bin/python3.11",
                                      "/usr/lib/python3.11", "/usr/lib/x86_64-linux-gnu",
                                      "/usr/lib64", "/etc/ld.so.cache"}));
  EXPECT_TRUE(python->run_env.empty());
  EXPECT_EQ(python->run_extra.max_processes, 0);
  EXPECT_EQ(python->run_extra.memory_mb, 0);
  EXPECT_TRUE(python->pch_argv.empty());
  EXPECT_TRUE(python->call_tests);
  for (const char* style : {"humaneval", "pytest", "asserts"})
    EXPECT_TRUE(python->SupportsUnitStyle(style)) << style;
  EXPECT_FALSE(python->SupportsUnitStyle("cpp_asserts"));
}

TEST(BundledLanguages, CppIsTheOldTable) {
  const Language* cpp = FindLanguage("cpp");
  ASSERT_NE(cpp, nullptr);
  EXPECT_EQ(cpp->source_file, "solution.cpp");
  EXPECT_EQ(cpp->compile_argv,
            (std::vector<std::string>{"/usr/bin/g++", "-std=c++20", "-O2", "-pipe", "-pthread",
                                      "-o", "solution", "solution.cpp"}));
  EXPECT_EQ(cpp->binary_file, "solution");
  EXPECT_EQ(cpp->pch_header, "bits/stdc++.h");
  EXPECT_EQ(cpp->pch_argv,
            (std::vector<std::string>{"/usr/bin/g++", "-std=c++20", "-O2", "-pipe", "-pthread",
                                      "-x", "c++-header", "{header}", "-o", "{output}"}));
  EXPECT_EQ(cpp->run_argv, std::vector<std::string>{"{binary}"});
  EXPECT_EQ(cpp->readonly_paths, (std::vector<std::string>{"/usr/lib/x86_64-linux-gnu",
                                                           "/usr/lib64", "/etc/ld.so.cache"}));
  EXPECT_EQ(cpp->compile_readonly_paths,
            (std::vector<std::string>{"/usr/bin", "/usr/lib", "/usr/lib64", "/usr/libexec",
                                      "/usr/include", "/etc/ld.so.cache"}));
  EXPECT_TRUE(cpp->compile_env.empty());
  sandbox::Limits old;
  old.wall_seconds = 30;
  old.cpu_seconds = 20;
  old.memory_bytes = 1024 * sandbox::kMiB;
  old.max_processes = 16;
  old.stdout_bytes = 64 * 1024;
  old.stderr_bytes = 64 * 1024;
  old.disk_bytes = 128 * sandbox::kMiB;
  old.disk_inodes = 256;
  old.open_files = 128;
  const sandbox::Limits& l = cpp->compile_limits;
  EXPECT_EQ(l.wall_seconds, old.wall_seconds);
  EXPECT_EQ(l.cpu_seconds, old.cpu_seconds);
  EXPECT_EQ(l.memory_bytes, old.memory_bytes);
  EXPECT_EQ(l.max_processes, old.max_processes);
  EXPECT_EQ(l.stdout_bytes, old.stdout_bytes);
  EXPECT_EQ(l.stderr_bytes, old.stderr_bytes);
  EXPECT_EQ(l.disk_bytes, old.disk_bytes);
  EXPECT_EQ(l.disk_inodes, old.disk_inodes);
  EXPECT_EQ(l.open_files, old.open_files);
  EXPECT_EQ(l.stack_bytes, old.stack_bytes);
  // The compile cache's key material is unchanged: the old fixed g++, as, ld identity.
  EXPECT_TRUE(cpp->compile_cache);
  EXPECT_EQ(cpp->toolchain,
            (std::vector<std::string>{"/usr/bin/g++", "/usr/bin/as", "/usr/bin/ld"}));
  EXPECT_TRUE(cpp->SupportsUnitStyle("cpp_asserts"));
  EXPECT_FALSE(cpp->call_tests);
}

TEST(BundledLanguages, FenceTagsComeFromNamesAndAliases) {
  for (const char* tag : {"python", "py", "Python3", "py3"})
    EXPECT_EQ(FindLanguageByTag(tag), FindLanguage("python")) << tag;
  for (const char* tag : {"cpp", "c++", "cc", "CXX"})
    EXPECT_EQ(FindLanguageByTag(tag), FindLanguage("cpp")) << tag;
  EXPECT_EQ(FindLanguageByTag("c"), FindLanguage("c"));
  EXPECT_EQ(FindLanguageByTag("sh"), FindLanguage("bash"));
  EXPECT_EQ(FindLanguageByTag("cobol"), nullptr);
}

TEST(BundledLanguages, TaskLanguagesNameRegistryEntries) {
  EXPECT_EQ(task::Language::Find("cpp"), task::Language::kCpp);
  EXPECT_EQ(task::Language::Find("python"), task::Language::kPython);
  ASSERT_TRUE(task::Language::Find("bash"));
  EXPECT_EQ(task::Language::Find("bash")->name(), "bash");
  EXPECT_FALSE(task::Language::Find("cobol"));
  EXPECT_FALSE(task::Language::Find("py"));  // an alias names fences, not languages
  EXPECT_EQ(task::Language{}, task::Language::kPython);
}

}  // namespace
}  // namespace proctor::grader
