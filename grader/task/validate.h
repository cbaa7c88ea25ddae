// Rules that span fields of a loaded pack (the loader checks only structure): unique ids and
// names, every task has hidden tests, tests fit the task's languages, entry points and
// checkers exist where tests need them, limits and weights are sensible.
#pragma once

#include <vector>

#include "grader/task/load_error.h"
#include "grader/task/model.h"

namespace proctor::grader::task {

// Every broken rule, in pack order; empty when the pack is valid.
std::vector<LoadError> ValidatePack(const Pack& pack);

}  // namespace proctor::grader::task
