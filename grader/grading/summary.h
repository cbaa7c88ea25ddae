// Aggregates over many graded submissions: verdict counts and pass@k (the unbiased estimator
// of Chen et al. 2021: n samples of a task, c of them correct).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "grader/grading/report.h"

namespace proctor::grader {

// 1 - C(n-c, k) / C(n, k), computed as a stable product. Requires k <= n.
double PassAtK(int n, int c, int k);

struct GradingSummary {
  int submissions = 0;
  int graded = 0;
  int ungradeable = 0;
  int invalid = 0;                        // input lines that could not be graded
  int full_reward = 0;                    // reward == 1.0
  double mean_reward = 0;
  std::map<std::string, int> verdicts;    // per-test verdict counts
  std::map<int, double> pass_at_k;        // k -> mean over tasks with at least k samples
  std::map<int, int> tasks_for_k;         // k -> how many tasks had at least k samples
  nlohmann::json ToJson() const;
  std::string ToText() const;
};

GradingSummary Summarize(const std::vector<const SubmissionReport*>& reports, int invalid,
                         const std::vector<int>& ks);

// JUnit XML: one testsuite per task, one testcase per submission (failure below full reward,
// error when ungradeable). `names[i]` names reports[i] (e.g. "line 12").
std::string JUnitXml(const std::vector<const SubmissionReport*>& reports,
                     const std::vector<std::string>& names);

}  // namespace proctor::grader
