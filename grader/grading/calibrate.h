// Time limits from the reference solutions, measured in the sandbox (the evalplus rule):
//
//   cpu_seconds  = max(cpu_floor,  factor      x the slowest reference's CPU seconds per run)
//   wall_seconds = max(wall_floor, wall_factor x that cpu_seconds,
//                      factor x the slowest reference's wall seconds per run)
//
// The references are measured under generous limits (measure_cpu_seconds), so a slow but
// correct reference is measured, not cut off. Limits a task file writes itself (published
// per-problem limits, e.g. from TACO, CodeContests or Codeforces) are kept, multiplied by
// time_scale for this machine's speed. The result goes to the pack's calibrated_limits.yaml
// (grader/task/limits_overlay.h), which the loader applies; task files are never rewritten.
//
//   Calibration c;
//   if (!CalibrateLimits(sandbox, "packs/mine", {}, &c, &error)) ...
//   for (const LimitChange& ch : c.changes) ...
#pragma once

#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace proctor::grader {

struct CalibrateOptions {
  double factor = 3.0;       // cpu limit: this many times the slowest reference
  double cpu_floor = 1.0;    // seconds; no calibrated CPU limit is lower
  double wall_factor = 2.0;  // wall limit: this many times the CPU limit
  double wall_floor = 3.0;   // seconds; no calibrated wall limit is lower
  // Published limits (written in the task file) are multiplied by this: > 1 on a machine
  // slower than the judge the limits were set on. 1 keeps them as they are.
  double time_scale = 1.0;
  double measure_cpu_seconds = 20;  // CPU limit the references are measured under (at least)
  int jobs = 1;                     // gradings at once
};

struct LimitChange {
  std::string task_id;
  double old_cpu = 0, new_cpu = 0;    // cpu_seconds before and after
  double old_wall = 0, new_wall = 0;  // wall_seconds before and after
  double slowest_cpu = 0;             // the slowest reference's CPU seconds in one run
  double slowest_wall = 0;            // and its wall seconds in one run
  bool published = false;             // the task file's own limits, scaled by time_scale
};

struct Calibration {
  std::vector<LimitChange> limits;    // every task calibrated or scaled, in pack order
  std::vector<LimitChange> changes;   // those whose limits changed
  std::vector<std::string> problems;  // tasks left as they were, and why
  std::string overlay_file;           // the file written
};

// Measures every task of the pack at `pack_dir` and writes its calibrated_limits.yaml.
// False with `error` when the pack does not load or the file cannot be written.
bool CalibrateLimits(sandbox::Sandbox& sandbox, const std::string& pack_dir,
                     const CalibrateOptions& options, Calibration* out, std::string* error);

}  // namespace proctor::grader
