#include "grader/grading/reward.h"

#include <map>
#include <string>

namespace proctor::grader {
namespace {

double SubtaskReward(const task::Task& task, const std::vector<TestOutcome>& tests) {
  std::map<std::string, bool> all_passed;  // group -> every counted test in it passed
  for (size_t i = 0; i < tests.size() && i < task.tests.size(); ++i) {
    if (!tests[i].counted) continue;
    auto [it, inserted] = all_passed.emplace(task.tests[i].group, true);
    it->second = it->second && tests[i].verdict == Verdict::kPassed;
  }
  double total = 0, earned = 0;
  for (const task::Subtask& group : task.scoring.groups) {
    total += group.points;
    auto it = all_passed.find(group.name);
    // A group none of whose tests was counted earns nothing: it proved nothing.
    if (it != all_passed.end() && it->second) earned += group.points;
  }
  return total > 0 ? earned / total : 0.0;
}

}  // namespace

double ComputeReward(task::ScoringMode mode, const std::vector<TestOutcome>& tests) {
  int counted = 0, passed = 0;
  double weight_total = 0, weight_passed = 0;
  for (const TestOutcome& t : tests) {
    if (!t.counted) continue;
    ++counted;
    weight_total += t.weight;
    if (t.verdict == Verdict::kPassed) {
      ++passed;
      weight_passed += t.weight;
    }
  }
  if (counted == 0) return 0.0;
  const double fraction = static_cast<double>(passed) / counted;
  switch (mode) {
    case task::ScoringMode::kAllOrNothing: return passed == counted ? 1.0 : 0.0;
    case task::ScoringMode::kFraction:
    case task::ScoringMode::kSubtasks: return fraction;
    case task::ScoringMode::kWeighted:
      return weight_total > 0 ? weight_passed / weight_total : 0.0;
    case task::ScoringMode::kCodeforces: return passed == counted ? 1.0 : 0.1 * fraction;
  }
  return 0.0;
}

double ComputeReward(const task::Task& task, const std::vector<TestOutcome>& tests) {
  if (task.scoring.mode == task::ScoringMode::kSubtasks && !task.scoring.groups.empty()) {
    return SubtaskReward(task, tests);
  }
  return ComputeReward(task.scoring.mode, tests);
}

}  // namespace proctor::grader
