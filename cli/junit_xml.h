// The JUnit XML report of `proctor grade --junit FILE`, written with pugixml
// (docs/results.md, "JUnit"). One testsuite per task, one testcase per graded submission:
// a `failure` below full reward (type: the deciding verdict; text: the public tests' diffs or
// the compiler's message), an `error` when ungradeable. Hidden tests appear by index and
// verdict only, never with their input, expected or actual output.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grader/grading/report.h"

namespace proctor::cli {

struct JUnitCase {
  const grader::SubmissionReport* report = nullptr;
  int line = 0;            // of the submissions file
  nlohmann::json carried;  // the line's carried keys ("id", "meta"), an object or null
};

// The test case name: the carried "id" when given (a string as is, an integer in decimal),
// else "line N".
std::string JUnitCaseName(const JUnitCase& c);

// The verdict a failure is reported as: the first counted test (in the task's order) that
// is neither passed nor skipped, else the first such uncounted public test; "failed" when
// none is (a reward below 1 with every test passed cannot happen today).
std::string FailureType(const grader::SubmissionReport& report);

// Any bytes as text an XML 1.0 parser accepts: invalid UTF-8 and characters XML forbids
// (controls other than tab, newline, carriage return; U+FFFE, U+FFFF) become U+FFFD.
std::string XmlSafeText(const std::string& bytes);

// The whole document, UTF-8, with an XML declaration.
std::string JUnitXml(const std::vector<JUnitCase>& cases);

}  // namespace proctor::cli
