// Unit tests. Python: the expert's test code runs in its own sandbox (the harness) and calls
// the submission, which runs in another sandbox, through a proxy over two pipes carrying only
// wire-format values. A test passes only on the harness's own record: the submission cannot
// reach the process that decides. C++: the test file is compiled with the solution and runs
// in the same process (weaker; see docs/threat-model.md).
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <set>
#include <sstream>

#include "grader/grading/test_runners.h"

namespace proctor::grader {
namespace {

struct HarnessReport {
  bool complete = false;
  std::vector<std::string> collected;
  std::map<std::string, std::pair<std::string, std::string>> outcomes;  // name -> outcome, msg
  std::string problem;  // why the report cannot be trusted as complete
};

HarnessReport ParseHarness(const std::string& out) {
  HarnessReport report;
  std::istringstream lines(out);
  std::string line;
  bool have_collected = false;
  while (std::getline(lines, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      report.problem = "malformed harness line";
      return report;
    }
    try {
      if (j.contains("collected")) {
        report.collected = j["collected"].get<std::vector<std::string>>();
        have_collected = true;
        if (j.contains("error")) report.problem = "collection failed: " + j["error"].dump();
      } else if (j.contains("test")) {
        std::string name = j["test"].get<std::string>();
        if (report.outcomes.count(name)) {
          report.problem = "test reported twice: " + name;
          return report;
        }
        report.outcomes[name] = {j["outcome"].get<std::string>(), j.value("message", "")};
      } else if (j.contains("done")) {
        report.complete = have_collected;
      }
    } catch (const std::exception& e) {
      report.problem = std::string("malformed harness record: ") + e.what();
      return report;
    }
  }
  return report;
}

std::string ModeName(task::UnitStyle style) {
  switch (style) {
    case task::UnitStyle::kHumanEval: return "humaneval";
    case task::UnitStyle::kPytest: return "pytest";
    case task::UnitStyle::kAsserts: return "asserts";
    case task::UnitStyle::kCppAsserts: return "cpp_asserts";
    case task::UnitStyle::kProgram: return "program";
    case task::UnitStyle::kGoTest: return "go_test";
    case task::UnitStyle::kJavaMain: return "java_main";
    case task::UnitStyle::kNodeRequire: return "node_require";
  }
  return "";
}

TestOutcome RunPythonUnit(const TestContext& ctx, const task::UnitTest& unit) {
  TestOutcome o;
  Feedback fb;
  int requests[2], responses[2];
  if (::pipe2(requests, O_CLOEXEC) != 0 || ::pipe2(responses, O_CLOEXEC) != 0) {
    o.verdict = Verdict::kInfraError;
    o.infra_reason = "pipe failed";
    return o;
  }
  // The submission: serves calls, reading requests on its fd 3 and answering on fd 4.
  sandbox::RunSpec solution = PythonRunnerSpec(
      ctx, {std::string(kRuntimeMount) + "/call_runner.py", "--solution", "solution.py",
            "--requests-fd", "3", "--responses-fd", "4"});
  solution.pass_fds = {requests[0], responses[1]};

  // The harness: trusted test code in its own sandbox, sending on fd 3, reading fd 4.
  sandbox::RunSpec harness;
  harness.policy.readonly_paths = FindLanguage("python")->readonly_paths;
  harness.policy.binds.push_back({ctx.python_runtime_dir, kRuntimeMount, false});
  harness.policy.limits.wall_seconds = ctx.limits.wall_seconds + 5;
  harness.policy.limits.cpu_seconds = ctx.limits.wall_seconds + 5;
  harness.policy.limits.memory_bytes = 512 * sandbox::kMiB;
  const std::string test_file = unit.style == task::UnitStyle::kPytest ? "test_solution.py"
                                                                       : "tests.py";
  harness.policy.files.push_back({test_file, unit.code.text, false});
  harness.argv = {"/usr/bin/python3", "-I", "-S", "-B", "-X", "int_max_str_digits=0",
                  std::string(kRuntimeMount) + "/unit_runner.py", "--mode",
                  ModeName(unit.style), "--tests", test_file, "--requests-fd", "3",
                  "--responses-fd", "4"};
  if (unit.style == task::UnitStyle::kHumanEval) {
    std::string prompt;
    for (const task::Solution& s : ctx.task.starter)
      if (s.language == task::Language::kPython) prompt = s.code.text;
    if (prompt.empty()) prompt = ctx.task.prompt;
    harness.policy.files.push_back({"prompt.py", prompt, false});
    harness.argv.insert(harness.argv.end(), {"--prompt", "prompt.py", "--entry",
                                             ctx.task.entry_point});
  }
  harness.pass_fds = {requests[1], responses[0]};

  boost::asio::io_context io;
  sandbox::Result solution_run, harness_run;
  ctx.sandbox.AsyncRun(io.get_executor(), solution,
                       [&](sandbox::Result r) { solution_run = std::move(r); });
  ctx.sandbox.AsyncRun(io.get_executor(), harness,
                       [&](sandbox::Result r) { harness_run = std::move(r); });
  for (int fd : {requests[0], requests[1], responses[0], responses[1]}) ::close(fd);
  io.run();

  o.wall_seconds = solution_run.wall_seconds;
  o.cpu_seconds = solution_run.cpu_seconds;
  o.peak_memory_bytes = solution_run.peak_memory_bytes;
  fb.stderr_tail = TailText(solution_run.stderr_data, kStderrTailCap);
  for (const sandbox::Result* r : {&solution_run, &harness_run}) {
    if (r->status == sandbox::Status::kSandboxError) {
      o.verdict = Verdict::kInfraError;
      o.infra_reason = r->error;
      return o;
    }
  }
  HarnessReport report = ParseHarness(harness_run.stdout_data);
  bool all_passed = report.complete && report.problem.empty() && !report.collected.empty();
  if (unit.expected_tests > 0 && static_cast<int>(report.collected.size()) != unit.expected_tests)
    all_passed = false;
  bool any_failed = false;
  std::set<std::string> seen;
  for (const std::string& name : report.collected) {
    auto it = report.outcomes.find(name);
    if (it == report.outcomes.end() || !seen.insert(name).second) {
      all_passed = false;
      continue;
    }
    if (it->second.first != "passed") {
      all_passed = false;
      any_failed |= it->second.first == "failed";
      if (fb.message.empty()) fb.message = CapText(name + ": " + it->second.second, kFeedbackCap);
    }
  }
  if (report.outcomes.size() != report.collected.size()) all_passed = false;  // unknown names

  if (solution_run.status == sandbox::Status::kViolation) {
    o.verdict = Verdict::kViolation;
  } else if (all_passed) {
    o.verdict = Verdict::kPassed;
  } else if (solution_run.status != sandbox::Status::kOk &&
             solution_run.status != sandbox::Status::kNonzeroExit) {
    o.verdict = VerdictFromRunStatus(solution_run.status);
    o.time_limit = TimeLimitKindFromRunStatus(solution_run.status);
  } else if (any_failed) {
    o.verdict = Verdict::kWrongAnswer;
  } else {
    o.verdict = Verdict::kRuntimeError;
    if (fb.message.empty())
      fb.message = !report.problem.empty() ? report.problem
                   : report.complete       ? "not every expected test ran"
                                           : "the test session did not complete";
  }
  o.feedback = fb;
  return o;
}

// C++: the test's main() becomes proctor_test_main() (renamed in its object file); our main
// reads a nonce from stdin and prints it only after the test returned 0.
constexpr char kCppMain[] = R"(#include <cstdio>
#include <iostream>
#include <string>
extern "C" int proctor_test_main();  // the test's main, renamed
int main() {
  std::string nonce;
  std::getline(std::cin, nonce);
  int rc = proctor_test_main();
  if (rc == 0) std::printf("\nPROCTOR-UNIT-PASSED %s\n", nonce.c_str());
  std::fflush(stdout);
  return rc;
}
)";

TestOutcome RunCppUnit(const TestContext& ctx, const task::UnitTest& unit) {
  TestOutcome o;
  Feedback fb;
  CompileExtras extras;
  extras.files = {{"unit_test.cpp", unit.code.text, false},
                  {"proctor_main.cpp", kCppMain, false}};
  // The test's main() is compiled as main (so falling off its end still returns 0), then
  // renamed in the object file so that ours runs it and vouches for its return. {pch}: the
  // precompiled <bits/stdc++.h> when a source names it (the language's flags exactly).
  extras.argv = {"/bin/sh", "-c",
                 "set -e; g++ {pch} -std=c++20 -O2 -pipe -pthread -c unit_test.cpp "
                 "-o /tmp/unit_test.o; "
                 "objcopy --redefine-sym main=proctor_test_main /tmp/unit_test.o; "
                 "g++ {pch} -std=c++20 -O2 -pipe -pthread -o solution solution.cpp "
                 "/tmp/unit_test.o proctor_main.cpp"};
  extras.limits = TaskCompileLimits(ctx.task, *FindLanguage("cpp"));
  CompileOutcome compile;
  auto program = PreparedProgram::Prepare(ctx.sandbox, *FindLanguage("cpp"), ctx.program_text,
                                          &compile, extras);
  if (!program) return CompileFailed(compile);
  const std::string nonce = NewNonce();
  sandbox::Result run = ctx.sandbox.Run(program->MakeRunSpec(ctx.limits, nonce + "\n"));
  o.verdict = Verdict::kPassed;
  ApplyUsage(run, &o);
  fb.stderr_tail = TailText(run.stderr_data, kStderrTailCap);
  const std::string pass_line = "\nPROCTOR-UNIT-PASSED " + nonce + "\n";
  const bool ends_with_pass =
      run.stdout_data.size() >= pass_line.size() &&
      run.stdout_data.compare(run.stdout_data.size() - pass_line.size(), pass_line.size(),
                              pass_line) == 0;
  if (run.status == sandbox::Status::kOk) {
    o.verdict = ends_with_pass ? Verdict::kPassed : Verdict::kRuntimeError;
  } else if (run.status == sandbox::Status::kSignaled && run.signal == 6) {
    o.verdict = Verdict::kWrongAnswer;  // a failed assert() aborts
    fb.message = TailText(run.stderr_data, kFeedbackCap);
  }
  o.feedback = fb;
  return o;
}

}  // namespace

TestOutcome RunUnitTest(const TestContext& ctx, const task::Test& test) {
  const auto& unit = std::get<task::UnitTest>(test.body);
  if (unit.style == task::UnitStyle::kProgram) return RunProgramUnit(ctx, unit);
  if (unit.style == task::UnitStyle::kGoTest) return RunGoTestUnit(ctx, unit);
  if (unit.style == task::UnitStyle::kJavaMain) return RunJavaMainUnit(ctx, unit);
  if (unit.style == task::UnitStyle::kNodeRequire) return RunNodeRequireUnit(ctx, unit);
  if (unit.style == task::UnitStyle::kCppAsserts) {
    if (ctx.program.language().name != "cpp") {
      TestOutcome o;
      o.verdict = Verdict::kCompileError;
      return o;
    }
    return RunCppUnit(ctx, unit);
  }
  if (ctx.program.language().name != "python") {
    TestOutcome o;
    o.verdict = Verdict::kRuntimeError;  // a Python test cannot call into a C++ submission
    return o;
  }
  return RunPythonUnit(ctx, unit);
}

}  // namespace proctor::grader
