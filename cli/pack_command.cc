// proctor pack check DIR: proves a pack's tests are sound. proctor pack import: builds packs
// from public benchmarks.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "cli/pack_calibrate.h"
#include "cli/parallel.h"
#include "grader/grading/grader.h"
#include "grader/importers/registry.h"
#include "grader/task/pack_loader.h"

namespace proctor::cli {
namespace task = grader::task;
namespace {

struct CheckJob {
  const task::Task* task;
  const task::Solution* solution;
  bool reference;  // else known-wrong
  int run;
  grader::SubmissionReport report;
};

std::string Verdicts(const grader::SubmissionReport& r) {
  std::string out;
  for (const auto& t : r.tests) out += (out.empty() ? "" : ",") + std::string(VerdictName(t.verdict));
  return out;
}

}  // namespace

CommandLine PackCheckCommandLine() {
  std::vector<FlagSpec> specs = {
      {"runs", true, false, "times each solution is graded, to catch flaky tests (default 3)", "N"},
      {"jobs", true, false, "gradings at once (default: number of cores)", "N"},
      {"verbose", false, false, "print the timing of every test, not only the tight ones"},
      HelpFlag(),
  };
  for (const FlagSpec& s : CalibrateFlags()) specs.push_back(s);
  for (const FlagSpec& s : SandboxFlags()) specs.push_back(s);
  return {"proctor pack check DIR [--runs N] [--jobs N] [--verbose] [--calibrate]",
          "Checks a task pack: the schema; every reference solution scores 1.0 and every "
          "known-wrong\nsolution scores below 1.0, on every one of --runs gradings (a verdict "
          "that changes between\nruns is reported as flaky); and the CPU time the reference "
          "needs per test against the\ntask's limit, with a suggested limit. Exit code 0 when "
          "all holds, 1 when a check failed,\n2 when the pack does not load.",
          specs};
}

int PackCheckCommand(const Flags& flags) {
  std::string error;
  if (flags.positionals().size() != 1) {
    std::cerr << "proctor pack check: expected exactly one pack folder (see --help)\n";
    return 2;
  }
  double runs = 3, jobs = std::max(1u, std::thread::hardware_concurrency());
  if (!flags.GetDouble("runs", &runs, &error) || !flags.GetDouble("jobs", &jobs, &error)) {
    std::cerr << "proctor pack check: " << error << "\n";
    return 2;
  }
  auto pack = task::LoadPack(flags.positionals()[0]);
  if (!pack) {
    std::cerr << pack.error().ToString() << "\n";
    return 2;
  }
  auto sb = MakeSandbox(flags, true);
  if (!sb) return 1;
  if (flags.Has("calibrate")) {
    if (!MaybeCalibrate(*sb, flags.positionals()[0], flags, static_cast<int>(jobs))) return 1;
    pack = task::LoadPack(flags.positionals()[0]);  // with the calibrated limits
    if (!pack) {
      std::cerr << pack.error().ToString() << "\n";
      return 2;
    }
  }
  std::cout << "schema: ok (" << pack->tasks.size() << " tasks, pack " << pack->name << " "
            << pack->version << ", sha256 " << pack->content_hash.substr(0, 12) << ")\n";
  grader::GraderConfig config;
  config.early_stop = false;  // every test's verdict: timing and flakiness need them all
  config.all_tests = true;    // and every test, whatever max_tests picks for training
  grader::Grader grader(*sb, *pack, config);

  std::vector<CheckJob> jobs_list;
  int tasks_without_wrong = 0, tasks_without_reference = 0;
  for (const task::Task& t : pack->tasks) {
    if (t.wrong_solutions.empty()) ++tasks_without_wrong;
    if (t.reference_solutions.empty()) ++tasks_without_reference;
    for (int run = 0; run < static_cast<int>(runs); ++run) {
      for (const task::Solution& s : t.reference_solutions) jobs_list.push_back({&t, &s, true, run, {}});
      for (const task::Solution& s : t.wrong_solutions) jobs_list.push_back({&t, &s, false, run, {}});
    }
  }
  std::atomic<size_t> done{0};
  std::mutex mutex;
  const bool progress = ::isatty(2);
  ParallelFor(jobs_list.size(), static_cast<int>(jobs), [&](size_t i) {
    CheckJob& job = jobs_list[i];
    grader::Submission s;
    s.task_id = job.task->id;
    s.language = std::string(task::LanguageName(job.solution->language));
    s.code = job.solution->code.text;
    s.extract = grader::ExtractMode::kRaw;  // a pack's own solution is a program, never an answer
    job.report = grader.Grade(*job.task, s);
    size_t d = ++done;
    if (!progress) return;
    std::lock_guard<std::mutex> lock(mutex);
    std::fprintf(stderr, "\rgrading %zu/%zu", d, jobs_list.size());
    std::fflush(stderr);
  });
  if (progress) std::fprintf(stderr, "\n");

  int problems = 0;
  // Per solution: rewards and verdicts over the runs.
  std::map<std::pair<const task::Solution*, int>, std::string> first_verdicts;
  std::map<const task::Test*, double> max_cpu, max_wall;
  for (const CheckJob& job : jobs_list) {
    const grader::SubmissionReport& r = job.report;
    const std::string where = job.task->id + " " + (job.reference ? "reference" : "wrong") +
                              " solution (" + job.solution->where.ToString() + ")";
    if (!r.reward) {
      std::cout << "FAIL " << where << ": ungradeable: " << r.ungradeable_reason << "\n";
      ++problems;
      continue;
    }
    if (job.reference && *r.reward < 1.0) {
      std::cout << "FAIL " << where << ": reward " << *r.reward << " (" << Verdicts(r)
                << ")\n";
      if (!r.compiled) std::cout << "     " << r.compile_message.substr(0, 400) << "\n";
      ++problems;
    }
    if (!job.reference && *r.reward >= 1.0) {
      std::cout << "FAIL " << where << ": a known-wrong solution scores 1.0\n";
      ++problems;
    }
    auto key = std::make_pair(job.solution, 0);
    std::string verdicts = Verdicts(r);
    if (!first_verdicts.count(key)) {
      first_verdicts[key] = verdicts;
    } else if (first_verdicts[key] != verdicts) {
      std::cout << "FLAKY " << where << ": verdicts " << first_verdicts[key] << " then "
                << verdicts << "\n";
      first_verdicts[key] = verdicts;  // report each change once
      ++problems;
    }
    if (job.reference) {
      for (size_t i = 0; i < r.tests.size() && i < job.task->tests.size(); ++i) {
        double& m = max_cpu[&job.task->tests[i]];
        m = std::max(m, r.tests[i].cpu_seconds);
        double& w = max_wall[&job.task->tests[i]];
        w = std::max(w, r.tests[i].wall_seconds);
      }
    }
  }

  std::cout << "timing (reference CPU and wall seconds per test against the limits; TIGHT: "
               "more than half, see --calibrate):\n";
  int tight = 0;
  for (const task::Task& t : pack->tasks) {
    for (const task::Test& test : t.tests) {
      if (!max_cpu.count(&test)) continue;
      double used = max_cpu[&test], limit = t.limits.cpu_seconds;
      double wall = max_wall[&test], wall_limit = t.limits.wall_seconds;
      double suggested = std::max(0.5, std::ceil(used * 3 * 10) / 10);
      bool is_tight = used > limit / 2 || wall > wall_limit / 2;
      tight += is_tight;
      if (is_tight || flags.Has("verbose")) {
        std::printf("  %-40s %-16s %7.3f s of %5.2f s CPU, %7.3f s of %5.2f s wall%s  suggested "
                    "%.1f s CPU\n",
                    t.id.c_str(), test.name.c_str(), used, limit, wall, wall_limit,
                    is_tight ? "  TIGHT" : "", suggested);
      }
    }
  }
  if (tight == 0) std::cout << "  every test uses less than half of its CPU and wall limits\n";
  // Imports of sets that publish no solutions (LiveCodeBench) have tasks without references:
  // nothing above proved that their tests accept a correct program.
  if (tasks_without_reference > 0)
    std::cout << "note: " << tasks_without_reference
              << " task(s) have no reference solution, so nothing shows that their tests accept "
                 "a correct program (grade known-correct solutions with proctor grade)\n";
  if (tasks_without_wrong > 0)
    std::cout << "note: " << tasks_without_wrong
              << " task(s) have no known-wrong solution, so their tests' power is unchecked\n";
  std::cout << (problems == 0 ? "pack check: ok" : "pack check: FAILED") << " ("
            << jobs_list.size() << " gradings, " << problems << " problems)\n";
  return problems == 0 ? 0 : 1;
}

CommandLine PackImportCommandLine() {
  namespace importers = grader::importers;
  std::vector<FlagSpec> specs = {
      {"out", true, false, "folder to write the pack into (must be absent or empty)", "DIR"},
      {"wrong", true, false, "humaneval: JSONL of known-wrong completions (task_id, completion)",
       "FILE"},
      {"name", true, false, "the pack's name (default: the format's name)", "NAME"},
      {"version", true, false, "the pack's version (default 1)", "V"},
      {"time-scale", true, false,
       "multiply published per-problem time limits by X (default 1; docs/importers.md)", "X"},
      {"calibrate", false, false,
       "then set the time limits of tasks without published ones from their reference "
       "solutions, measured in the sandbox (as pack check --calibrate; calibrated_limits.yaml)"},
      {"calibrate-factor", true, false, "--calibrate: times the slowest reference (default 3)",
       "K"},
      {"jobs", true, false, "--calibrate: gradings at once (default: number of cores)", "N"},
      HelpFlag(),
  };
  for (const FlagSpec& s : SandboxFlags()) specs.push_back(s);
  std::string formats;
  for (const importers::Importer& i : importers::Importers())
    formats += "  " + std::string(i.name) +
               std::string(15 - std::min<size_t>(14, i.name.size()), ' ') + std::string(i.summary) +
               "\n";
  return {"proctor pack import FORMAT FILE --out DIR [flags]",
          "Converts a public benchmark's JSONL (or .jsonl.gz) into a task pack "
          "(docs/task-format.md),\nin one streaming pass; every bad record is named by line and "
          "field (docs/importers.md).\nFormats:\n" +
              formats,
          specs};
}

int PackImportCommand(const Flags& flags) {
  namespace importers = grader::importers;
  std::string error;
  if (flags.positionals().size() < 2 || !flags.Get("out")) {
    std::cerr << "proctor pack import: expected a format, a FILE and --out DIR (see --help)\n";
    return 2;
  }
  const std::string& format = flags.positionals()[0];
  const importers::Importer* importer = importers::FindImporter(format);
  if (importer == nullptr) {
    std::cerr << "proctor pack import: unknown format '" << format << "' ("
              << importers::ImporterNames() << ")\n";
    return 2;
  }
  if (flags.positionals().size() > 2 && !importer->many_inputs) {
    std::cerr << "proctor pack import: format '" << format << "' takes one FILE\n";
    return 2;
  }
  importers::ImportRequest request;
  request.input = flags.positionals()[1];
  request.more_inputs.assign(flags.positionals().begin() + 2, flags.positionals().end());
  request.out_dir = *flags.Get("out");
  if (auto w = flags.Get("wrong")) request.wrong_jsonl = *w;
  if (auto n = flags.Get("name")) request.pack_name = *n;
  if (auto v = flags.Get("version")) request.version = *v;
  if (!flags.GetDouble("time-scale", &request.time_scale, &error) || request.time_scale <= 0) {
    std::cerr << "proctor pack import: "
              << (error.empty() ? "--time-scale must be a number > 0" : error) << "\n";
    return 2;
  }
  importers::ImportReport report;
  if (!importer->run(request, &report, &error)) {
    std::cerr << "proctor pack import: " << error << "\n";
    return 2;
  }
  for (const std::string& note : report.notes) std::cout << note << "\n";
  std::cout << "wrote " << request.out_dir;
  if (report.records > 0) {
    std::cout << " (" << report.tasks << " tasks from " << report.records << " records";
    if (report.skipped > 0) std::cout << ", " << report.skipped << " skipped";
    std::cout << ")";
  }
  std::cout << std::endl;
  if (flags.Has("calibrate")) {
    grader::CalibrateOptions options;
    // The importer already multiplied published limits by --time-scale: keep them as written.
    options.time_scale = 1.0;
    double jobs = std::max(1u, std::thread::hardware_concurrency());
    if (!flags.GetDouble("calibrate-factor", &options.factor, &error) ||
        !flags.GetDouble("jobs", &jobs, &error) || !(options.factor > 0) || jobs < 1) {
      std::cerr << "proctor pack import: "
                << (error.empty() ? "--calibrate-factor and --jobs must be positive" : error)
                << "\n";
      return 2;
    }
    options.jobs = static_cast<int>(jobs);
    auto sb = MakeSandbox(flags, true);
    if (!sb) return 1;
    if (!CalibrateAndReport(*sb, request.out_dir, options, "proctor pack import")) return 1;
  }
  return 0;
}

}  // namespace proctor::cli
