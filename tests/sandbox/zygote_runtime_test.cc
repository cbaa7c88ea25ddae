// The fork server's preloaded Python runtime (SandboxConfig::python_runtime): a run gets the
// code compiled at start-up only for files that are, inside its own sandbox, byte-for-byte the
// preloaded ones; anything else runs from the run's own file. Each run has its own copy of a
// preloaded module, so nothing one run changes there reaches another.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "grader/languages/language.h"
#include "sandbox/sandbox.h"

namespace proctor::sandbox {
namespace {

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

class ZygoteRuntimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char preloaded[] = "/tmp/proctor-rt-a-XXXXXX";
    char other[] = "/tmp/proctor-rt-b-XXXXXX";
    ASSERT_NE(::mkdtemp(preloaded), nullptr);
    ASSERT_NE(::mkdtemp(other), nullptr);
    preloaded_dir_ = new std::string(preloaded);
    other_dir_ = new std::string(other);
    for (const std::string* dir : {preloaded_dir_, other_dir_}) ::chmod(dir->c_str(), 0755);
    WriteFile(*preloaded_dir_ + "/lib.py", "VALUE = 'preloaded'\n");
    WriteFile(*preloaded_dir_ + "/tool.py", "print('tool as preloaded')\n");
    // Same names, other bytes: what a run sees when its bind is not the preloaded folder.
    WriteFile(*other_dir_ + "/lib.py", "VALUE = 'other'\n");
    WriteFile(*other_dir_ + "/tool.py", "print('tool from its own file')\n");

    SandboxConfig config;
    config.keeper_path = PROCTOR_KEEPER;
    config.python_runtime = {*preloaded_dir_, "/rt", {"lib"}};
    std::string error;
    sandbox_ = Sandbox::Create(config, &error).release();
    ASSERT_NE(sandbox_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete sandbox_;
    for (std::string* dir : {preloaded_dir_, other_dir_}) {
      std::system(("rm -rf " + *dir).c_str());
      delete dir;
    }
  }

  // `argv` runs with `dir` bound read-only at /rt and main.py holding `code`.
  static Result Run(const std::string& dir, std::vector<std::string> argv,
                    const std::string& code = "") {
    RunSpec spec;
    spec.argv = std::move(argv);
    spec.policy.files = {{"main.py", code, false}};
    spec.policy.readonly_paths = grader::FindLanguage("python")->readonly_paths;
    spec.policy.binds.push_back({dir, "/rt", false});
    return sandbox_->Run(spec);
  }
  static Result RunMain(const std::string& dir, const std::string& code) {
    return Run(dir, {"/usr/bin/python3", "-I", "-S", "main.py"}, code);
  }

  static constexpr char kShowLib[] =
      "import sys\n"
      "m = sys.modules['_proctor_zygote'].preloaded_module('/rt/lib.py')\n"
      "print(m.VALUE if m is not None else 'not preloaded')\n";

  static inline Sandbox* sandbox_ = nullptr;
  static inline std::string* preloaded_dir_ = nullptr;
  static inline std::string* other_dir_ = nullptr;
};

TEST_F(ZygoteRuntimeTest, ARunWhoseFileIsThePreloadedOneGetsThePreloadedModule) {
  Result r = RunMain(*preloaded_dir_, kShowLib);
  EXPECT_EQ(r.status, Status::kOk) << r.stderr_data;
  EXPECT_EQ(r.stdout_data, "preloaded\n");
}

TEST_F(ZygoteRuntimeTest, ARunWhoseFileDiffersNeverGetsThePreloadedModule) {
  Result r = RunMain(*other_dir_, kShowLib);
  EXPECT_EQ(r.status, Status::kOk) << r.stderr_data;
  EXPECT_EQ(r.stdout_data, "not preloaded\n");
}

TEST_F(ZygoteRuntimeTest, AScriptRunsFromTheRunsOwnFileWhenItDiffers) {
  Result same = Run(*preloaded_dir_, {"/usr/bin/python3", "-I", "-S", "/rt/tool.py"});
  EXPECT_EQ(same.stdout_data, "tool as preloaded\n") << same.stderr_data;
  Result differs = Run(*other_dir_, {"/usr/bin/python3", "-I", "-S", "/rt/tool.py"});
  EXPECT_EQ(differs.stdout_data, "tool from its own file\n") << differs.stderr_data;
}

TEST_F(ZygoteRuntimeTest, WhatOneRunChangesInAPreloadedModuleNoLaterRunSees) {
  Result change = RunMain(*preloaded_dir_,
                          "import sys\n"
                          "m = sys.modules['_proctor_zygote'].preloaded_module('/rt/lib.py')\n"
                          "m.VALUE = 'changed by an earlier run'\n"
                          "print(m.VALUE)\n");
  EXPECT_EQ(change.stdout_data, "changed by an earlier run\n") << change.stderr_data;
  Result later = RunMain(*preloaded_dir_, kShowLib);
  EXPECT_EQ(later.stdout_data, "preloaded\n") << later.stderr_data;
}

TEST_F(ZygoteRuntimeTest, NoRunSeesWhereTheRuntimeLivesOnTheHost) {
  Result r = RunMain(*other_dir_,
                     "print(repr(open('/proc/1/cmdline', 'rb').read().rstrip(b'\\0')))\n");
  EXPECT_EQ(r.status, Status::kOk) << r.stderr_data;
  EXPECT_EQ(r.stdout_data, "b'init'\n");
  EXPECT_EQ(r.stdout_data.find(*preloaded_dir_), std::string::npos);
}

TEST_F(ZygoteRuntimeTest, AMissingRuntimeModuleStopsTheForkServerFromStarting) {
  SandboxConfig config;
  config.keeper_path = PROCTOR_KEEPER;
  config.python_runtime = {*preloaded_dir_, "/rt", {"lib", "no_such_module"}};
  std::string error;
  auto sandbox = Sandbox::Create(config, &error);
  ASSERT_NE(sandbox, nullptr) << error;
  EXPECT_FALSE(sandbox->WarmUp(&error));
  EXPECT_NE(error.find("no_such_module"), std::string::npos) << error;
}

}  // namespace
}  // namespace proctor::sandbox
