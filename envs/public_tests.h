// What an observation shows of a task's public tests: {"name", "kind", "input", "expected"},
// rendered as a model would read them. Hidden tests never pass through here.
//
//   call:  input "add(1, 2)" (Python repr of the arguments), expected "3" or "raises ValueError"
//   stdio: input the stdin bytes, expected the expected stdout
//   unit:  input the test code, expected "every test in it passes"
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>

#include "grader/task/model.h"

namespace proctor::envs {

inline constexpr size_t kPublicTestFieldCap = 2000;  // bytes of input / expected shown

// One public test (asserts that it is public).
nlohmann::json PublicTestJson(const grader::task::Task& task, const grader::task::Test& test);
// Every public test of the task, in written order.
nlohmann::json PublicTestsJson(const grader::task::Task& task);

}  // namespace proctor::envs
