#include "cli/pack_calibrate.h"

#include <cstdio>
#include <iostream>

#include "grader/grading/calibrate.h"

namespace proctor::cli {

std::vector<FlagSpec> CalibrateFlags() {
  return {
      {"calibrate", false, false,
       "first set each task's cpu_seconds and wall_seconds from its reference solutions "
       "(max(floor, factor x slowest)), written to DIR/calibrated_limits.yaml"},
      {"calibrate-factor", true, false, "--calibrate: times the slowest reference (default 3)",
       "K"},
      {"time-scale", true, false,
       "--calibrate: factor for limits a task file writes itself (published limits; default 1)",
       "X"},
  };
}

bool MaybeCalibrate(sandbox::Sandbox& sandbox, const std::string& dir, const Flags& flags,
                    int jobs) {
  if (!flags.Has("calibrate")) return true;
  grader::CalibrateOptions options;
  options.jobs = jobs;
  std::string error;
  if (!flags.GetDouble("calibrate-factor", &options.factor, &error) ||
      !flags.GetDouble("time-scale", &options.time_scale, &error)) {
    std::cerr << "proctor pack check: " << error << "\n";
    return false;
  }
  if (!(options.factor > 0) || !(options.time_scale > 0)) {
    std::cerr << "proctor pack check: --calibrate-factor and --time-scale must be positive\n";
    return false;
  }
  return CalibrateAndReport(sandbox, dir, options, "proctor pack check");
}

bool CalibrateAndReport(sandbox::Sandbox& sandbox, const std::string& dir,
                        const grader::CalibrateOptions& options, const std::string& command) {
  std::string error;
  grader::Calibration calibration;
  if (!grader::CalibrateLimits(sandbox, dir, options, &calibration, &error)) {
    std::cerr << command << ": calibrate: " << error << "\n";
    return false;
  }
  std::cout << "calibrate: " << calibration.limits.size() << " task(s) measured, "
            << calibration.changes.size() << " changed, written to " << calibration.overlay_file
            << "\n";
  for (const grader::LimitChange& c : calibration.changes) {
    std::printf(
        "  %-40s cpu %.2f -> %.2f s, wall %.2f -> %.2f s (slowest reference %.3f s CPU, %.3f s "
        "wall%s)\n",
        c.task_id.c_str(), c.old_cpu, c.new_cpu, c.old_wall, c.new_wall, c.slowest_cpu,
        c.slowest_wall, c.published ? "; published limits scaled" : "");
  }
  for (const std::string& p : calibration.problems) std::cout << "  NOT CALIBRATED " << p << "\n";
  std::fflush(stdout);
  return true;
}

}  // namespace proctor::cli
