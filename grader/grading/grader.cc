#include "grader/grading/grader.h"

#include <chrono>
#include <cstdlib>

#include "grader/grading/extract.h"
#include "grader/grading/reward.h"
#include "grader/grading/test_plan.h"
#include "grader/grading/test_runners.h"
#include "grader/languages/program.h"
#include "grader/task/python_packages.h"

namespace proctor::grader {

std::string DefaultPythonRuntimeDir() {
  if (const char* dir = std::getenv("PROCTOR_PYTHON_DIR"); dir && *dir) return dir;
  return PROCTOR_PYTHON_RUNTIME_DIR;
}

sandbox::zygote::PythonRuntime RunnersPreload() {
  return {DefaultPythonRuntimeDir(), kRuntimeMount,
          {"proctor_wire", "proctor_channel", "harness_proxy", "proctor_options"}};
}

sandbox::Limits ToSandboxLimits(const task::Limits& l) {
  sandbox::Limits s;
  s.wall_seconds = l.wall_seconds;
  s.cpu_seconds = l.cpu_seconds;
  s.memory_bytes = static_cast<uint64_t>(l.memory_mb) * sandbox::kMiB;
  // Stack pages count against the memory limit anyway; a stack limit as large lets correct
  // deep recursion (a raised sys.setrecursionlimit, DFS 10^5 deep) run, as judges allow.
  s.stack_bytes = s.memory_bytes;
  s.max_processes = l.max_processes;
  s.stdout_bytes = static_cast<uint64_t>(l.output_kb) * 1024;
  s.stderr_bytes = s.stdout_bytes;
  s.disk_bytes = static_cast<uint64_t>(l.disk_kb) * 1024;
  s.disk_inodes = static_cast<uint64_t>(l.disk_inodes);
  s.open_files = l.open_files;
  return s;
}

nlohmann::json LimitsToJson(const task::Limits& l) {
  return {{"wall_seconds", l.wall_seconds},       {"cpu_seconds", l.cpu_seconds},
          {"memory_mb", l.memory_mb},             {"max_processes", l.max_processes},
          {"output_kb", l.output_kb},             {"disk_kb", l.disk_kb},
          {"disk_inodes", l.disk_inodes},         {"open_files", l.open_files},
          {"compile_wall_seconds", l.compile_wall_seconds},
          {"compile_memory_mb", l.compile_memory_mb}};
}

std::string ProgramText(const task::Task& task, const Submission& s) {
  std::string error;
  std::optional<GradedCode> graded = BuildProgram(task, s, &error);
  return graded ? graded->program : std::string();
}

Grader::Grader(sandbox::Sandbox& sandbox, const task::Pack& pack, GraderConfig config)
    : sandbox_(sandbox),
      pack_(pack),
      config_(std::move(config)),
      python_package_paths_(task::PythonPackagePaths(pack)) {
  if (config_.python_runtime_dir.empty()) config_.python_runtime_dir = DefaultPythonRuntimeDir();
}

const task::Task* Grader::FindTask(const std::string& id) const {
  for (const task::Task& t : pack_.tasks)
    if (t.id == id) return &t;
  return nullptr;
}

SubmissionReport Grader::Grade(const task::Task& task, const Submission& given) {
  auto start = std::chrono::steady_clock::now();
  // Extraction first: what is graded from here on is the whole program, taken as it is.
  std::string no_code;
  std::optional<GradedCode> graded = BuildProgram(task, given, &no_code);
  ExtractionInfo extraction;
  extraction.mode = std::string(ExtractModeName(given.extract));
  extraction.input = given.code ? "code" : given.completion ? "completion" : "messages";
  if (!graded) {
    extraction.error = no_code;
    SubmissionReport report = NoCodeReport(task, given, no_code);
    report.extraction = std::move(extraction);
    report.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
  }
  extraction.source = graded->source;
  extraction.continues_starter = graded->continues_starter;
  extraction.starter_prelude = graded->starter_prelude;
  extraction.graded_code = graded->program;
  Submission submission;
  submission.task_id = given.task_id;
  submission.language = given.language;
  submission.code = std::move(graded->program);
  submission.extract = ExtractMode::kRaw;
  SubmissionReport report = GradeWithRetries(task, submission);
  // A time limit may be the machine's load, not the program's: when load can explain one (a
  // wall-clock kill of a run that got little CPU; never a CPU-time kill, which is the
  // program's own consumption), grade once more (compiles come from the cache) and report that
  // grading. Limits are per run, so the re-run is judged by exactly the same rules; a program
  // that is really too slow is time_limit again.
  std::optional<std::string> load_explained;
  if (config_.time_limit_reruns > 0 && report.reward)
    load_explained = report.LoadExplainedTimeLimit();
  if (load_explained) {
    Rerun rerun;
    rerun.reason = std::move(*load_explained);
    rerun.first_reward = report.reward;
    for (const TestOutcome& t : report.tests)
      rerun.first_time_limits += t.verdict == Verdict::kTimeLimit ? 1 : 0;
    SubmissionReport again = GradeWithRetries(task, submission);
    if (again.reward) {
      report = std::move(again);
    } else {
      rerun.reported_first = true;  // Proctor failed on the re-run: the first grading stands
    }
    report.rerun = rerun;
  }
  report.extraction = std::move(extraction);
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

namespace {

// A test's outcome before it runs: what the task says of it.
TestOutcome OutcomeShell(const task::Task& task, const task::Test& test, const TestPlan& plan) {
  TestOutcome o;
  o.name = test.name;
  o.kind = std::string(task::TestKindName(test));
  o.is_public = test.visibility == task::Visibility::kPublic;
  o.counted = plan.counted[TestIndex(task, test)];
  o.weight = test.weight;
  return o;
}

// Every test of the task with the same verdict (no code, a compile error, Proctor's failure).
void FillAll(const task::Task& task, const TestPlan& plan, Verdict verdict,
             const std::string& infra_reason, SubmissionReport* report) {
  for (const task::Test& test : task.tests) {
    TestOutcome o = OutcomeShell(task, test, plan);
    o.verdict = verdict;
    if (verdict == Verdict::kInfraError) o.infra_reason = infra_reason;
    report->tests.push_back(std::move(o));
  }
}

}  // namespace

SubmissionReport Grader::ReportShell(const task::Task& task, const Submission& submission) const {
  SubmissionReport report;
  report.task_id = task.id;
  report.language = submission.language.empty()
                        ? std::string(task::LanguageName(task.languages.front()))
                        : submission.language;
  report.scoring = std::string(task::ScoringModeName(task.scoring.mode));
  report.pack_name = pack_.name;
  report.pack_version = pack_.version;
  report.pack_hash = pack_.content_hash;
  for (const task::PythonPackage& p : pack_.python_packages)
    report.python_packages.emplace_back(p.name, p.version);
  report.limits = LimitsToJson(task.limits);
  return report;
}

SubmissionReport Grader::NoCodeReport(const task::Task& task, const Submission& submission,
                                      const std::string& why) const {
  SubmissionReport report = ReportShell(task, submission);
  report.compiled = false;
  report.compile_message = why;
  FillAll(task, PlanTests(task, false, !config_.all_tests, task::Language::Find(report.language)),
          Verdict::kNoCode, "", &report);
  report.reward = 0.0;  // the model gave no code: every test fails, whatever the scoring
  return report;
}

SubmissionReport Grader::GradeWithRetries(const task::Task& task, const Submission& submission) {
  SubmissionReport report;
  for (int attempt = 0; attempt <= config_.infra_retries; ++attempt) {
    report = GradeOnce(task, submission);
    if (!report.HasInfraError()) break;
  }
  if (report.HasInfraError()) {
    report.reward.reset();
    for (const TestOutcome& t : report.tests)
      if (t.verdict == Verdict::kInfraError) {
        report.ungradeable_reason = t.infra_reason;
        break;
      }
  }
  return report;
}

SubmissionReport Grader::GradeOnce(const task::Task& task, const Submission& submission) {
  SubmissionReport report = ReportShell(task, submission);
  const std::optional<task::Language> submission_language = task::Language::Find(report.language);
  const TestPlan plan =
      PlanTests(task, config_.early_stop, !config_.all_tests, submission_language);
  auto fill_all = [&](Verdict verdict, const std::string& reason) {
    FillAll(task, plan, verdict, reason, &report);
  };

  const Language* language = FindLanguage(report.language);
  // Grade() extracted the program already and hands it over as `code`.
  const std::string& program_text = *submission.code;
  CompileOutcome compile;
  CompileExtras extras;
  if (language != nullptr && !language->compile_argv.empty())
    extras.limits = TaskCompileLimits(task, *language);
  // A C++ solution tested only by cpp_asserts files has no main() of its own: it is compiled
  // together with each test file instead of on its own; so is a solution tested only by
  // `program` or `go_test` tests (its test code completes it). Only the tests of its own
  // language count.
  bool standalone = false;
  for (const task::Test& test : task.tests) {
    if (submission_language && !task::AppliesTo(test, *submission_language)) continue;
    const auto* unit = std::get_if<task::UnitTest>(&test.body);
    standalone |= unit == nullptr || (unit->style != task::UnitStyle::kCppAsserts &&
                                      unit->style != task::UnitStyle::kProgram &&
                                      unit->style != task::UnitStyle::kGoTest);
  }
  std::unique_ptr<PreparedProgram> program;
  if (language != nullptr) {
    program = standalone || language->compile_argv.empty()
                  ? PreparedProgram::Prepare(sandbox_, *language, program_text, &compile, extras)
                  : PreparedProgram::SourceOnly(*language, program_text);
    // The pack's Python packages (pack.yaml python_packages): seen by its Python runs only.
    if (program && language->name == "python") program->AddRunReadonlyPaths(python_package_paths_);
  }
  if (!program) {
    if (compile.infra_error) {
      fill_all(Verdict::kInfraError, compile.message);
    } else {
      report.compiled = false;
      report.compile_message = CapText(compile.message, 16 * 1024);
      report.compile_time_limit = TimeLimitKindFromRunStatus(compile.result.status);
      report.compile_wall_seconds = compile.result.wall_seconds;
      report.compile_cpu_seconds = compile.result.cpu_seconds;
      fill_all(Verdict::kCompileError, "");
    }
    report.reward = ComputeReward(task, report.tests);
    return report;
  }

  TestContext ctx{sandbox_, task, program_text, *program, ToSandboxLimits(task.limits),
                  config_.python_runtime_dir};
  // Selected tests only (max_tests); with early stop, a counted failure skips later phases.
  std::vector<const task::Test*> call_tests, stdio_tests;
  for (const task::Test& test : task.tests) {
    if (!plan.selected[TestIndex(task, test)]) continue;
    if (std::holds_alternative<task::CallTest>(test.body)) call_tests.push_back(&test);
    if (std::holds_alternative<task::StdioTest>(test.body)) stdio_tests.push_back(&test);
  }
  bool stopped = false;
  auto note_failures = [&](const std::vector<const task::Test*>& tests,
                           const std::vector<TestOutcome>& outcomes) {
    for (size_t i = 0; i < tests.size() && i < outcomes.size(); ++i)
      stopped |= plan.early_stop && plan.counted[TestIndex(task, *tests[i])] &&
                 IsFailure(outcomes[i].verdict);
  };
  std::vector<TestOutcome> call_outcomes, stdio_outcomes;
  if (!call_tests.empty()) call_outcomes = RunCallTests(ctx, call_tests);
  note_failures(call_tests, call_outcomes);
  std::vector<bool> stop_on_failure;
  for (const task::Test* test : stdio_tests)
    stop_on_failure.push_back(plan.early_stop && plan.counted[TestIndex(task, *test)]);
  if (!stdio_tests.empty())
    stdio_outcomes = RunStdioTests(ctx, stdio_tests, stop_on_failure, stopped);
  note_failures(stdio_tests, stdio_outcomes);

  size_t next_call = 0, next_stdio = 0;
  for (const task::Test& test : task.tests) {
    TestOutcome o;
    const size_t index = TestIndex(task, test);
    if (!plan.selected[index] || (stopped && plan.counted[index] &&
                                  std::holds_alternative<task::UnitTest>(test.body))) {
      o.verdict = Verdict::kSkipped;
    } else if (std::holds_alternative<task::CallTest>(test.body)) {
      o = call_outcomes[next_call++];
    } else if (std::holds_alternative<task::StdioTest>(test.body)) {
      o = stdio_outcomes[next_stdio++];
    } else {
      o = RunUnitTest(ctx, test);
      stopped |= plan.early_stop && plan.counted[index] && IsFailure(o.verdict);
    }
    TestOutcome shell = OutcomeShell(task, test, plan);
    o.name = shell.name;
    o.kind = shell.kind;
    o.is_public = shell.is_public;
    o.counted = shell.counted;
    o.weight = shell.weight;
    if (!o.is_public) o.feedback.reset();
    report.tests.push_back(std::move(o));
  }
  ApplyEarlyStop(task, plan, &report.tests);
  for (TestOutcome& o : report.tests) o.counted = o.counted && o.verdict != Verdict::kSkipped;
  report.reward = ComputeReward(task, report.tests);
  return report;
}

}  // namespace proctor::grader
