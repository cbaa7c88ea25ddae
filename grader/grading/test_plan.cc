#include "grader/grading/test_plan.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace proctor::grader {
namespace {

// Tests run in phases: the call-test session, the stdio tests, then each unit test.
int Phase(const task::Test& test) {
  if (std::holds_alternative<task::CallTest>(test.body)) return 0;
  if (std::holds_alternative<task::StdioTest>(test.body)) return 1;
  return 2;
}

}  // namespace

size_t InputSize(const task::Test& test) {
  if (const auto* stdio = std::get_if<task::StdioTest>(&test.body)) {
    return stdio->stdin_data.size();
  }
  if (const auto* call = std::get_if<task::CallTest>(&test.body)) {
    size_t size = 0;
    for (const Value& arg : call->args) size += ToWire(arg).size();
    for (const auto& [name, value] : call->kwargs) size += name.size() + ToWire(value).size();
    return size;
  }
  return 0;
}

TestPlan PlanTests(const task::Task& task, bool early_stop, bool max_tests,
                   std::optional<task::Language> language) {
  TestPlan plan;
  const size_t n = task.tests.size();
  plan.selected.assign(n, true);
  plan.counted.assign(n, false);
  std::vector<size_t> counted;
  for (size_t i = 0; i < n; ++i) {
    const task::Test& t = task.tests[i];
    if (language && !task::AppliesTo(t, *language)) {
      plan.selected[i] = false;  // another language's test
      continue;
    }
    if (t.visibility == task::Visibility::kHidden || task.scoring.count_public) {
      counted.push_back(i);
    }
  }
  const size_t limit = max_tests ? static_cast<size_t>(std::max(0, task.scoring.max_tests)) : 0;
  if (limit > 0 && counted.size() > limit) {
    std::vector<size_t> sizes(n);
    for (size_t i : counted) sizes[i] = InputSize(task.tests[i]);
    // Longest input first; ties keep written order.
    std::stable_sort(counted.begin(), counted.end(),
                     [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
    for (size_t k = limit; k < counted.size(); ++k) plan.selected[counted[k]] = false;
    counted.resize(limit);
  }
  for (size_t i : counted) plan.counted[i] = true;
  plan.early_stop = early_stop && task.scoring.mode == task::ScoringMode::kAllOrNothing;
  return plan;
}

bool IsFailure(Verdict verdict) {
  return verdict != Verdict::kPassed && verdict != Verdict::kSkipped &&
         verdict != Verdict::kInfraError;
}

size_t TestIndex(const task::Task& task, const task::Test& test) {
  return static_cast<size_t>(&test - task.tests.data());
}

void ApplyEarlyStop(const task::Task& task, const TestPlan& plan,
                    std::vector<TestOutcome>* outcomes) {
  if (!plan.early_stop) return;
  const size_t n = std::min(outcomes->size(), task.tests.size());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return Phase(task.tests[a]) < Phase(task.tests[b]); });
  bool stopped = false;
  for (size_t i : order) {
    TestOutcome& o = (*outcomes)[i];
    if (!plan.counted[i]) continue;
    if (stopped) {
      TestOutcome skipped;
      skipped.name = o.name;
      skipped.kind = o.kind;
      skipped.is_public = o.is_public;
      skipped.counted = false;
      skipped.weight = o.weight;
      skipped.verdict = Verdict::kSkipped;
      o = std::move(skipped);
    } else if (IsFailure(o.verdict)) {
      stopped = true;
    }
  }
}

}  // namespace proctor::grader
