#include "grader/grading/calibrate.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "grader/grading/grader.h"
#include "grader/task/limits_overlay.h"
#include "grader/task/pack_loader.h"

namespace proctor::grader {
namespace {

namespace fs = std::filesystem;

// The time limits a task's own YAML node writes (not inherited, not from the overlay).
struct WrittenLimits {
  std::optional<double> cpu, wall;
};

WrittenLimits ReadWrittenLimits(const std::string& pack_dir, const task::Task& t) {
  WrittenLimits out;
  try {
    YAML::Node root = YAML::LoadFile((fs::path(pack_dir) / t.file).string());
    std::vector<YAML::Node> nodes;
    if (root.IsSequence()) {
      for (const YAML::Node& n : root) nodes.push_back(n);
    } else {
      nodes.push_back(root);
    }
    for (const YAML::Node& n : nodes) {
      if (!n.IsMap() || !n["id"] || n["id"].as<std::string>() != t.id) continue;
      const YAML::Node limits = n["limits"];
      if (!limits || !limits.IsMap()) break;
      if (limits["cpu_seconds"]) out.cpu = limits["cpu_seconds"].as<double>();
      if (limits["wall_seconds"]) out.wall = limits["wall_seconds"].as<double>();
      break;
    }
  } catch (const YAML::Exception&) {
    // The pack loaded, so the file parses; a failure here leaves the limits unwritten.
  }
  return out;
}

double RoundUpTenth(double seconds) { return std::ceil(seconds * 10 - 1e-9) / 10; }
double RoundUpMilli(double seconds) { return std::ceil(seconds * 1000) / 1000; }

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

struct Job {
  const task::Task* task;
  const task::Solution* solution;
  SubmissionReport report;
};

}  // namespace

bool CalibrateLimits(sandbox::Sandbox& sandbox, const std::string& pack_dir,
                     const CalibrateOptions& options, Calibration* out, std::string* error) {
  auto loaded = task::LoadPack(pack_dir);
  if (!loaded) {
    *error = loaded.error().ToString();
    return false;
  }
  // The references run under generous limits: they are measured, not judged.
  task::Pack measure = *loaded;
  for (task::Task& t : measure.tasks) {
    t.limits.cpu_seconds = std::max(t.limits.cpu_seconds, options.measure_cpu_seconds);
    t.limits.wall_seconds = std::max(t.limits.wall_seconds, 2 * t.limits.cpu_seconds);
  }
  GraderConfig config;
  config.early_stop = false;
  config.all_tests = true;
  config.time_limit_reruns = 0;
  Grader grader(sandbox, measure, config);
  std::vector<Job> jobs;
  for (const task::Task& t : measure.tasks)
    for (const task::Solution& s : t.reference_solutions) jobs.push_back({&t, &s, {}});
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < jobs.size();) {
      Submission s;
      s.task_id = jobs[i].task->id;
      s.language = std::string(task::LanguageName(jobs[i].solution->language));
      s.code = jobs[i].solution->code.text;
      s.extract = ExtractMode::kRaw;  // a pack's own solution is a program, never an answer
      jobs[i].report = grader.Grade(*jobs[i].task, s);
    }
  };
  std::vector<std::thread> pool;
  for (int k = 1; k < std::max(1, options.jobs); ++k) pool.emplace_back(work);
  work();
  for (std::thread& th : pool) th.join();

  *out = Calibration{};
  for (size_t ti = 0; ti < measure.tasks.size(); ++ti) {
    const task::Task& t = measure.tasks[ti];
    const task::Task& current = loaded->tasks[ti];
    double slowest = 0, slowest_wall = 0;
    bool measured = false;
    std::string problem;
    for (const Job& job : jobs) {
      if (job.task != &t) continue;
      const SubmissionReport& r = job.report;
      if (!r.reward || *r.reward < 1.0) {
        problem = t.id + ": reference (" + job.solution->where.ToString() + ") scores " +
                  (r.reward ? Number(*r.reward) : "ungradeable") +
                  " even under generous limits: not calibrated";
        break;
      }
      for (const TestOutcome& o : r.tests) {
        if (o.verdict == Verdict::kSkipped) continue;
        slowest = std::max(slowest, o.cpu_seconds);
        slowest_wall = std::max(slowest_wall, o.wall_seconds);
      }
      measured = true;
    }
    if (problem.empty() && !measured) problem = t.id + ": no reference solution: not calibrated";
    if (!problem.empty()) {
      out->problems.push_back(problem);
      continue;
    }
    LimitChange change;
    change.task_id = t.id;
    change.old_cpu = current.limits.cpu_seconds;
    change.old_wall = current.limits.wall_seconds;
    change.slowest_cpu = slowest;
    change.slowest_wall = slowest_wall;
    const WrittenLimits written = ReadWrittenLimits(pack_dir, current);
    change.published = written.cpu.has_value() || written.wall.has_value();
    // Published limits are scaled, never rounded: with time_scale 1 they stay exactly as
    // written (an importer has already scaled them). Measured limits round up to 0.1 s.
    change.new_cpu = written.cpu
                         ? *written.cpu * options.time_scale
                         : RoundUpTenth(std::max(options.cpu_floor, options.factor * slowest));
    change.new_wall =
        written.wall
            ? *written.wall * options.time_scale
            : RoundUpTenth(std::max({options.wall_floor, options.wall_factor * change.new_cpu,
                                     options.factor * slowest_wall}));
    out->limits.push_back(change);
    if (change.new_cpu != change.old_cpu || change.new_wall != change.old_wall) {
      out->changes.push_back(change);
    }
  }

  const fs::path file = fs::path(pack_dir) / task::kLimitsOverlayFile;
  std::string text =
      "# Written by `proctor pack check --calibrate` (docs/task-format.md, limits): per-task\n"
      "# limits measured from the reference solutions, applied over the task files' limits.\n"
      "# factor " +
      Number(options.factor) + ", cpu floor " + Number(options.cpu_floor) + " s, wall factor " +
      Number(options.wall_factor) + ", wall floor " + Number(options.wall_floor) +
      " s, time scale " + Number(options.time_scale) + "\n";
  text += "tasks:\n";
  for (const LimitChange& c : out->limits) {
    text += "  \"" + c.task_id + "\": {cpu_seconds: " + Number(c.new_cpu) +
            ", wall_seconds: " + Number(c.new_wall) + "}  # slowest reference " +
            Number(RoundUpMilli(c.slowest_cpu)) + " s CPU, " +
            Number(RoundUpMilli(c.slowest_wall)) + " s wall" +
            (c.published ? "; published limits scaled" : "") + "\n";
  }
  if (out->limits.empty()) text += "  {}\n";
  std::ofstream f(file, std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    *error = "cannot write " + file.string();
    return false;
  }
  out->overlay_file = file.string();
  return true;
}

}  // namespace proctor::grader
