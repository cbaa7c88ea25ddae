// The reward as a pure function of the per-test outcomes and the task's scoring
// (docs/task-format.md, scoring).
#pragma once

#include <vector>

#include "grader/grading/report.h"
#include "grader/task/model.h"

namespace proctor::grader {

// In [0, 1]. `tests[i]` is the outcome of `task.tests[i]`. Only tests with `counted` set
// take part (skipped tests never are); with none counted the reward is 0. Subtasks score
// each of the task's groups: its points when every counted test in it passed, else 0.
double ComputeReward(const task::Task& task, const std::vector<TestOutcome>& tests);

// The same for the modes that need nothing but the outcomes; under kSubtasks every test is
// its own group of one point.
double ComputeReward(task::ScoringMode mode, const std::vector<TestOutcome>& tests);

}  // namespace proctor::grader
