// End to end through the real binary for the apps/taco/codecontests/codeforces importers:
// `proctor pack import FORMAT fixture --out DIR`, `proctor pack check DIR --runs 1` (every
// reference scores 1.0, every wrong solution below), then `proctor grade` of the side file
// fixtures/<format>_submissions.jsonl, whose lines carry "expect": "correct" (must score
// 1.0) or "wrong" (must score below 1.0) besides task_id, language and code.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/importers/binary_e2e.h"

namespace proctor::grader::importers {

// Runs the three commands in `dir` (a fresh temp dir) and checks what they say.
inline void ExpectEndToEnd(const std::string& format, const std::string& dir) {
  const std::string pack = dir + "/pack";
  CommandOutput import = ImportFixture(format, FixturePath(format + ".jsonl"), pack);
  ASSERT_EQ(import.exit_code, 0) << import.err;

  CommandOutput check = CheckPack(pack);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("pack check: ok"), std::string::npos) << check.out << check.err;

  std::vector<Graded> graded =
      GradeFixtureSubmissions(pack, FixturePath(format + "_submissions.jsonl"), dir);
  ASSERT_FALSE(graded.empty());
  ExpectGradedAsWritten(graded);
}

}  // namespace proctor::grader::importers
