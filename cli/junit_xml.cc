#include "cli/junit_xml.h"

#include <cstdio>
#include <map>
#include <pugixml.hpp>
#include <sstream>

#include "grader/grading/verdict.h"

namespace proctor::cli {
namespace {

using grader::SubmissionReport;
using grader::TestOutcome;
using grader::Verdict;

std::string Seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", s);
  return text;
}

std::string Number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool IsFailing(const TestOutcome& t) {
  return t.verdict != Verdict::kPassed && t.verdict != Verdict::kSkipped;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string current;
  for (char c : text) {
    if (c == '\n') {
      lines.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) lines.push_back(current);
  return lines;
}

// A line diff of expected against got (longest common subsequence): " " both, "-" only
// expected, "+" only got. The inputs are feedback fields, capped at about 1000 bytes.
std::string LineDiff(const std::string& expected, const std::string& got) {
  const std::vector<std::string> a = Lines(expected), b = Lines(got);
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::string out = "--- expected\n+++ got\n";
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out += " " + a[i++] + "\n";
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out += "-" + a[i++] + "\n";
    } else {
      out += "+" + b[j++] + "\n";
    }
  }
  if (a == b && expected != got)
    out += "(the lines are the same: they differ in the final newline only)\n";
  return out;
}

std::string Indented(const std::string& text) {
  std::string out;
  for (const std::string& line : Lines(text)) out += "  " + line + "\n";
  return out;
}

// "test 2 \"name\" (public)" or "test 5 (hidden)": hidden tests by index only.
std::string TestLabel(size_t index, const TestOutcome& t) {
  return "test " + std::to_string(index) +
         (t.is_public ? " \"" + t.name + "\" (public)" : std::string(" (hidden)"));
}

// IMPORTANT: hidden tests contribute their index and verdict only.
std::string FailureText(const SubmissionReport& r) {
  std::string verdicts;
  for (const TestOutcome& t : r.tests)
    verdicts += (verdicts.empty() ? "" : ",") + std::string(grader::VerdictName(t.verdict));
  std::string out =
      "reward " + Number(*r.reward) + " (" + r.scoring + "); verdicts: " + verdicts + "\n";
  if (!r.compiled) {
    out += "\n" + FailureType(r) + ":\n" + r.compile_message;
    if (!r.compile_message.empty() && r.compile_message.back() != '\n') out += "\n";
    return out;
  }
  for (size_t i = 0; i < r.tests.size(); ++i) {
    const TestOutcome& t = r.tests[i];
    if (!IsFailing(t)) continue;
    out += "\n" + TestLabel(i, t) + ": " + std::string(grader::VerdictName(t.verdict));
    if (t.verdict == Verdict::kTimeLimit && t.time_limit != grader::TimeLimitKind::kNone)
      out += " (" + std::string(grader::TimeLimitKindName(t.time_limit)) + ")";
    out += "\n";
    if (!t.is_public || !t.feedback) continue;
    const grader::Feedback& f = *t.feedback;
    if (!f.input.empty()) out += "input:\n" + Indented(f.input);
    if (t.verdict == Verdict::kWrongAnswer) out += LineDiff(f.expected, f.got);
    if (!f.message.empty()) out += "message: " + f.message + "\n";
    if (!f.stderr_tail.empty()) out += "stderr:\n" + Indented(f.stderr_tail);
  }
  return out;
}

std::string FailureMessage(const SubmissionReport& r) {
  std::string message = "reward " + Number(*r.reward);
  if (!r.compiled) return message + ": " + FailureType(r);
  for (size_t i = 0; i < r.tests.size(); ++i) {
    const TestOutcome& t = r.tests[i];
    if (IsFailing(t) && t.counted)
      return message + ": " + TestLabel(i, t) + " " + std::string(grader::VerdictName(t.verdict));
  }
  return message;
}

void SetText(pugi::xml_node node, const std::string& text) {
  node.append_child(pugi::node_pcdata).set_value(XmlSafeText(text).c_str());
}

void SetAttribute(pugi::xml_node node, const char* name, const std::string& value) {
  node.append_attribute(name).set_value(XmlSafeText(value).c_str());
}

void AddProperty(pugi::xml_node properties, const char* name, const std::string& value) {
  pugi::xml_node p = properties.append_child("property");
  SetAttribute(p, "name", name);
  SetAttribute(p, "value", value);
}

struct Totals {
  int tests = 0, failures = 0, errors = 0;
  double time = 0;
  void Add(const SubmissionReport& r) {
    ++tests;
    if (!r.reward)
      ++errors;
    else if (*r.reward < 1.0)
      ++failures;
    time += r.wall_seconds;
  }
  void SetOn(pugi::xml_node node) const {
    SetAttribute(node, "tests", std::to_string(tests));
    SetAttribute(node, "failures", std::to_string(failures));
    SetAttribute(node, "errors", std::to_string(errors));
    SetAttribute(node, "skipped", "0");
    SetAttribute(node, "time", Seconds(time));
  }
};

}  // namespace

std::string JUnitCaseName(const JUnitCase& c) {
  if (c.carried.is_object() && c.carried.contains("id")) {
    const nlohmann::json& id = c.carried["id"];
    if (id.is_string() && !id.get<std::string>().empty()) return id.get<std::string>();
    if (id.is_number_integer()) return id.dump();
  }
  return "line " + std::to_string(c.line);
}

std::string FailureType(const SubmissionReport& report) {
  for (bool counted : {true, false})
    for (const TestOutcome& t : report.tests)
      if (IsFailing(t) && t.counted == counted && (counted || t.is_public))
        return std::string(grader::VerdictName(t.verdict));
  return "failed";
}

std::string XmlSafeText(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size());
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    size_t len = 0;
    if (s[i] < 0x80) {
      cp = s[i], len = 1;
    } else if ((s[i] & 0xE0) == 0xC0) {
      cp = s[i] & 0x1F, len = 2;
    } else if ((s[i] & 0xF0) == 0xE0) {
      cp = s[i] & 0x0F, len = 3;
    } else if ((s[i] & 0xF8) == 0xF0) {
      cp = s[i] & 0x07, len = 4;
    }
    bool valid = len > 0 && i + len <= n;
    for (size_t k = 1; valid && k < len; ++k) {
      valid = (s[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and code points beyond U+10FFFF are not UTF-8.
    if (valid) {
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (!valid) {
      AppendUtf8(0xFFFD, &out);
      ++i;
      continue;
    }
    const bool allowed =
        cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
    if (allowed)
      out.append(bytes, i, len);
    else
      AppendUtf8(0xFFFD, &out);
    i += len;
  }
  return out;
}

std::string JUnitXml(const std::vector<JUnitCase>& cases) {
  std::map<std::string, std::vector<const JUnitCase*>> by_task;
  for (const JUnitCase& c : cases) by_task[c.report->task_id].push_back(&c);

  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version").set_value("1.0");
  decl.append_attribute("encoding").set_value("UTF-8");
  pugi::xml_node suites = doc.append_child("testsuites");
  SetAttribute(suites, "name", "proctor");
  Totals all;
  for (const JUnitCase& c : cases) all.Add(*c.report);
  all.SetOn(suites);

  for (const auto& [task, task_cases] : by_task) {
    pugi::xml_node suite = suites.append_child("testsuite");
    SetAttribute(suite, "name", task);
    Totals totals;
    for (const JUnitCase* c : task_cases) totals.Add(*c->report);
    totals.SetOn(suite);
    for (const JUnitCase* c : task_cases) {
      const SubmissionReport& r = *c->report;
      pugi::xml_node testcase = suite.append_child("testcase");
      SetAttribute(testcase, "classname", task);
      SetAttribute(testcase, "name", JUnitCaseName(*c));
      SetAttribute(testcase, "time", Seconds(r.wall_seconds));
      pugi::xml_node properties = testcase.append_child("properties");
      AddProperty(properties, "line", std::to_string(c->line));
      AddProperty(properties, "language", r.language);
      AddProperty(properties, "reward", r.reward ? Number(*r.reward) : "null");
      if (c->carried.is_object()) {
        for (const auto& [key, value] : c->carried.items())
          AddProperty(properties, key.c_str(),
                      value.is_string()
                          ? value.get<std::string>()
                          : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      }
      if (!r.reward) {
        pugi::xml_node error = testcase.append_child("error");
        SetAttribute(error, "type", "ungradeable");
        SetAttribute(error, "message", "ungradeable: " + r.ungradeable_reason);
        SetText(error, r.ungradeable_reason);
      } else if (*r.reward < 1.0) {
        pugi::xml_node failure = testcase.append_child("failure");
        SetAttribute(failure, "type", FailureType(r));
        SetAttribute(failure, "message", FailureMessage(r));
        SetText(failure, FailureText(r));
      }
    }
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace proctor::cli
