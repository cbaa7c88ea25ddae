#include "grader/grading/summary.h"

#include <cstdio>
#include <sstream>

namespace proctor::grader {

double PassAtK(int n, int c, int k) {
  if (n - c < k) return 1.0;
  double prod = 1.0;
  for (int i = n - c + 1; i <= n; ++i) prod *= 1.0 - static_cast<double>(k) / i;
  return 1.0 - prod;
}

GradingSummary Summarize(const std::vector<const SubmissionReport*>& reports, int invalid,
                         const std::vector<int>& ks) {
  GradingSummary s;
  s.invalid = invalid;
  s.submissions = static_cast<int>(reports.size()) + invalid;
  std::map<std::string, std::pair<int, int>> per_task;  // task -> n, c
  double total = 0;
  for (const SubmissionReport* r : reports) {
    for (const TestOutcome& t : r->tests) s.verdicts[std::string(VerdictName(t.verdict))]++;
    if (!r->reward) {
      ++s.ungradeable;
      continue;
    }
    ++s.graded;
    total += *r->reward;
    auto& [n, c] = per_task[r->task_id];
    ++n;
    if (*r->reward >= 1.0) {
      ++c;
      ++s.full_reward;
    }
  }
  s.mean_reward = s.graded ? total / s.graded : 0;
  for (int k : ks) {
    double sum = 0;
    int tasks = 0;
    for (const auto& [task, nc] : per_task) {
      if (nc.first < k) continue;
      sum += PassAtK(nc.first, nc.second, k);
      ++tasks;
    }
    s.tasks_for_k[k] = tasks;
    if (tasks) s.pass_at_k[k] = sum / tasks;
  }
  return s;
}

nlohmann::json GradingSummary::ToJson() const {
  nlohmann::json pass = nlohmann::json::object();
  for (const auto& [k, v] : pass_at_k) pass["pass@" + std::to_string(k)] = v;
  return {{"submissions", submissions}, {"graded", graded},         {"ungradeable", ungradeable},
          {"invalid", invalid},         {"full_reward", full_reward}, {"mean_reward", mean_reward},
          {"verdicts", verdicts},       {"pass_at_k", pass}};
}

std::string GradingSummary::ToText() const {
  std::ostringstream out;
  char buf[128];
  out << "submissions " << submissions << ": graded " << graded << ", full reward "
      << full_reward << ", ungradeable " << ungradeable << ", invalid lines " << invalid << "\n";
  std::snprintf(buf, sizeof buf, "mean reward %.4f\n", mean_reward);
  out << buf << "test verdicts:";
  for (const auto& [v, n] : verdicts) out << " " << v << "=" << n;
  out << "\n";
  for (const auto& [k, tasks] : tasks_for_k) {
    if (pass_at_k.count(k)) {
      std::snprintf(buf, sizeof buf, "pass@%d %.4f (%d tasks)\n", k, pass_at_k.at(k), tasks);
      out << buf;
    } else {
      out << "pass@" << k << " n/a (no task has " << k << " samples)\n";
    }
  }
  return out.str();
}

namespace {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even escaped.
        if (ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') out += "?";
        else out += static_cast<char>(ch);
    }
  }
  return out;
}

}  // namespace

std::string JUnitXml(const std::vector<const SubmissionReport*>& reports,
                     const std::vector<std::string>& names) {
  std::map<std::string, std::vector<size_t>> by_task;
  for (size_t i = 0; i < reports.size(); ++i) by_task[reports[i]->task_id].push_back(i);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"proctor\">\n";
  for (const auto& [task, indices] : by_task) {
    int failures = 0, errors = 0;
    double time = 0;
    for (size_t i : indices) {
      const SubmissionReport& r = *reports[i];
      if (!r.reward) ++errors;
      else if (*r.reward < 1.0) ++failures;
      time += r.wall_seconds;
    }
    out << "  <testsuite name=\"" << XmlEscape(task) << "\" tests=\"" << indices.size()
        << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" time=\"" << time
        << "\">\n";
    for (size_t i : indices) {
      const SubmissionReport& r = *reports[i];
      out << "    <testcase classname=\"" << XmlEscape(task) << "\" name=\""
          << XmlEscape(names[i]) << "\" time=\"" << r.wall_seconds << "\">";
      if (!r.reward) {
        out << "<error message=\"ungradeable: " << XmlEscape(r.ungradeable_reason) << "\"/>";
      } else if (*r.reward < 1.0) {
        std::string verdicts;
        for (const TestOutcome& t : r.tests)
          verdicts += (verdicts.empty() ? "" : ",") + std::string(VerdictName(t.verdict));
        out << "<failure message=\"reward " << *r.reward << "\">" << XmlEscape(verdicts)
            << "</failure>";
      }
      out << "</testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace proctor::grader
