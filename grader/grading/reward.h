// The reward as a pure function of the per-test outcomes and the task's scoring.
#pragma once

#include <vector>

#include "grader/grading/report.h"
#include "grader/task/model.h"

namespace proctor::grader {

// In [0, 1]. Only tests with `counted` set take part; with none counted the reward is 0.
double ComputeReward(task::ScoringMode mode, const std::vector<TestOutcome>& tests);

}  // namespace proctor::grader
