// The feedback a repair episode shows after a failing attempt, built from the grading report.
// Keys (all always present; envs/README.md lists them too):
//
//   "attempt"      1-based number of the attempt this is about
//   "reward"       that attempt's reward from the grader, in [0, 1]
//   "compiled"     false when the program did not compile
//   "name", "verdict", "input", "expected", "got", "message"
//                  the FIRST failing PUBLIC test (null each when no public test failed)
//   "compile_error" the head of the compiler's message, or null
//   "stderr_tail"  the tail of that public test's stderr, or null
//   "hidden_failed" how many hidden tests did not pass (a count only)
//
// IMPORTANT: nothing of a hidden test's content reaches the feedback. The grader already drops
// feedback of hidden tests; on top of that, call tests share one process, so a public call
// test's stderr may hold output printed during hidden calls: it is shown only when the task
// has no hidden call test.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "grader/grading/report.h"
#include "grader/task/model.h"

namespace proctor::envs {

inline constexpr size_t kFeedbackFieldCap = 1000;  // input, expected, got, message
inline constexpr size_t kCompileErrorCap = 2000;   // head of the compiler message
inline constexpr size_t kStderrTailCap = 1000;     // tail of stderr

// `report` must be graded (reward set) and come from grading `task`.
nlohmann::json MakeFeedback(const grader::task::Task& task, const grader::SubmissionReport& report,
                            int attempt);

}  // namespace proctor::envs
