#include "grader/grading/reward.h"

namespace proctor::grader {

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
  switch (mode) {
    case task::ScoringMode::kAllOrNothing: return passed == counted ? 1.0 : 0.0;
    case task::ScoringMode::kFraction: return static_cast<double>(passed) / counted;
    case task::ScoringMode::kWeighted:
      return weight_total > 0 ? weight_passed / weight_total : 0.0;
  }
  return 0.0;
}

}  // namespace proctor::grader
