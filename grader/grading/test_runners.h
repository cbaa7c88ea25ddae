// The three kinds of tests, each run against a prepared program. Internal to grader/grading.
#pragma once

#include <string>
#include <vector>

#include "grader/grading/report.h"
#include "grader/languages/program.h"
#include "grader/task/model.h"
#include "sandbox/sandbox.h"

namespace proctor::grader {

struct TestContext {
  sandbox::Sandbox& sandbox;
  const task::Task& task;
  const std::string& program_text;  // the submission's source
  const PreparedProgram& program;   // compiled once when the language compiles
  sandbox::Limits limits;           // per run
  std::string python_runtime_dir;
};

inline constexpr char kRuntimeMount[] = "/proctor/python";
inline constexpr size_t kFeedbackCap = 1000;
inline constexpr size_t kStderrTailCap = 2000;

// All call tests of the task in one Python session; outcomes in `tests` order.
std::vector<TestOutcome> RunCallTests(const TestContext& ctx,
                                      const std::vector<const task::Test*>& tests);
// One run per stdio test, several at once (each run is its own sandbox). Early stop: once a
// test i with stop_on_failure[i] has failed (or from the start when `stopped`), such tests
// not yet started are skipped; the others still run.
std::vector<TestOutcome> RunStdioTests(const TestContext& ctx,
                                       const std::vector<const task::Test*>& tests,
                                       const std::vector<bool>& stop_on_failure = {},
                                       bool stopped = false);
// One unit-test session: Python (two sandboxes) or C++ (compiled with the solution).
TestOutcome RunUnitTest(const TestContext& ctx, const task::Test& test);
// One `program` unit test: solution + test code as one program (program_tests.h).
TestOutcome RunProgramUnit(const TestContext& ctx, const task::UnitTest& unit);
// One `go_test` unit test: the _test.go file built with the solution by `go test -c`.
TestOutcome RunGoTestUnit(const TestContext& ctx, const task::UnitTest& unit);
// One `java_main` or `node_require` unit test (grader/grading/unit_styles_jvm_node.cc).
TestOutcome RunJavaMainUnit(const TestContext& ctx, const task::UnitTest& unit);
TestOutcome RunNodeRequireUnit(const TestContext& ctx, const task::UnitTest& unit);

// Fills usage and, for runs that did not end normally, the verdict from the run.
void ApplyUsage(const sandbox::Result& run, TestOutcome* outcome);

// The compile limits of `language` with the task's compile wall clock and memory.
sandbox::Limits TaskCompileLimits(const task::Task& task, const Language& language);
// The outcome of a test whose program did not compile: the compiler's message (a
// compile_error), or Proctor's own failure (infra_error).
TestOutcome CompileFailed(const CompileOutcome& compile);
// A fresh random nonce (decimal digits) for a unit test's end-of-test marker.
std::string NewNonce();
sandbox::RunSpec PythonRunnerSpec(const TestContext& ctx, std::vector<std::string> runner_args);

}  // namespace proctor::grader
