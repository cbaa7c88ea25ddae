// The `go_test` unit style (HumanEval-X's form for Go): the test code is a _test.go file of the
// solution's package, with Test functions of the `testing` package. The solution (main.go),
// the test file (main_test.go) and Proctor's TestMain (proctor_main_test.go) are built into
// one test binary by `go test -c`, in the compile sandbox of languages/go.yaml, and run once.
// Proctor's TestMain runs the tests (m.Run) and prints a fresh marker line, given in the
// environment, only when every test passed; so a solution that exits 0 early (os.Exit(0) in
// init() or in the function under test) fails. It runs in the submission's process, as
// cpp_asserts and `program` do (docs/threat-model.md).
#include <regex>

#include "grader/grading/program_tests.h"
#include "grader/grading/test_runners.h"

namespace proctor::grader {
namespace {

constexpr char kGoTestFile[] = "main_test.go";
constexpr char kGoMainFile[] = "proctor_main_test.go";

// The package of the test file ("main", or "main_test" for an external test package).
std::string PackageOf(const std::string& test_code) {
  static const std::regex kPackage(R"((?:^|\n)\s*package\s+([A-Za-z_][A-Za-z0-9_]*))");
  std::smatch m;
  return std::regex_search(test_code, m, kPackage) ? m[1].str() : "main";
}

std::string ProctorTestMain(const std::string& package) {
  return "package " + package + R"(

import (
	proctorfmt "fmt"
	proctoros "os"
	proctortesting "testing"
)

// Proctor's harness: the marker line is printed only when every test passed.
func TestMain(m *proctortesting.M) {
	code := m.Run()
	if code == 0 {
		proctorfmt.Printf("\n%s\n", proctoros.Getenv(")" +
         std::string(kUnitMarkerEnv) + R"("))
	}
	proctoros.Exit(code)
}
)";
}

}  // namespace

TestOutcome RunGoTestUnit(const TestContext& ctx, const task::UnitTest& unit) {
  TestOutcome o;
  Feedback fb;
  const Language& language = ctx.program.language();
  CompileExtras extras;
  extras.files = {{kGoTestFile, unit.code.text, false},
                  {kGoMainFile, ProctorTestMain(PackageOf(unit.code.text)), false}};
  // `go build -o main main.go` of the definition becomes `go test -c -o main`: the same go,
  // environment and limits; the package is the folder (main.go and both test files).
  extras.argv = {language.compile_argv[0], "test", "-c", "-vet=off", "-o",
                 language.binary_file};
  extras.limits = TaskCompileLimits(ctx.task, language);
  CompileOutcome compile;
  auto program =
      PreparedProgram::Prepare(ctx.sandbox, language, ctx.program_text, &compile, extras);
  if (!program) return CompileFailed(compile);
  // A fresh marker per run, in the environment only: the binary (and its cache key) stay.
  const std::string marker = "PROCTOR-UNIT-PASSED " + NewNonce();
  sandbox::RunSpec spec = program->MakeRunSpec(ctx.limits, "");
  spec.policy.env[kUnitMarkerEnv] = marker;
  sandbox::Result run = ctx.sandbox.Run(spec);
  o.verdict = Verdict::kPassed;
  ApplyUsage(run, &o);
  fb.stderr_tail = TailText(run.stderr_data, kStderrTailCap);
  if (run.status == sandbox::Status::kOk) {
    if (EndsWithMarker(run.stdout_data, marker)) {
      o.verdict = Verdict::kPassed;
    } else {
      o.verdict = Verdict::kRuntimeError;
      fb.message = "the test binary exited 0 before its tests ran to the end (no end marker)";
    }
  } else if (run.status == sandbox::Status::kNonzeroExit) {
    // m.Run() returns 1 when a test failed (exit 1); a panic, in a test or in the solution,
    // exits 2 after the testing package printed it. Either way `go test` says FAIL.
    o.verdict = run.exit_code == 1 ? Verdict::kWrongAnswer : Verdict::kRuntimeError;
    fb.message = TailText(run.stdout_data + run.stderr_data, kFeedbackCap);
  }
  o.feedback = fb;
  return o;
}

}  // namespace proctor::grader
