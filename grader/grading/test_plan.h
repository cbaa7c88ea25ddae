// Which of a task's tests one grading runs and counts: `scoring: max_tests` (the N tests
// with the longest input), and the early stop of all_or_nothing scoring (once a counted test
// has failed the reward is 0 whatever the rest do, so the rest are skipped). Internal to
// grader/grading; docs/task-format.md (scoring) states the rules.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "grader/grading/report.h"
#include "grader/task/model.h"

namespace proctor::grader {

struct TestPlan {
  std::vector<bool> selected;  // per task test: graded at all (max_tests leaves others out)
  std::vector<bool> counted;   // per task test: selected, and counts toward the reward
  bool early_stop = false;     // all_or_nothing scoring with early stop allowed
};

// `early_stop`: whether the caller allows it (GraderConfig::early_stop); `max_tests`:
// whether scoring's max_tests applies (GraderConfig::all_tests turns it off). `language`:
// the submission's; tests that do not apply to it (unit tests of another `language`) are
// neither selected nor counted.
TestPlan PlanTests(const task::Task& task, bool early_stop, bool max_tests = true,
                   std::optional<task::Language> language = std::nullopt);

// What max_tests ranks by: stdin bytes (stdio), the arguments' wire size (call), 0 (unit).
size_t InputSize(const task::Test& test);

// A verdict that decides a test failed (not passed, skipped or Proctor's own failure).
bool IsFailure(Verdict verdict);

// Index of `test` in task.tests.
size_t TestIndex(const task::Task& task, const task::Test& test);

// Applies the plan to `outcomes` (outcome i is of task.tests[i]; `counted` already set from
// the plan): with early stop, every counted test after the first failed counted test in
// execution order (the call-test session, then stdio tests, then unit tests, each in
// written order) is reported skipped and uncounted, whether or not it had already run.
// The reward of all_or_nothing is unchanged by this: it is 0 either way.
void ApplyEarlyStop(const task::Task& task, const TestPlan& plan,
                    std::vector<TestOutcome>* outcomes);

}  // namespace proctor::grader
