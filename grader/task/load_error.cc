#include "grader/task/load_error.h"

#include <stdexcept>

namespace proctor::grader::task {

std::string SourceLocation::ToString() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string LoadError::ToString() const { return where.ToString() + ": " + message; }

void throw_exception_from_error(const LoadError& error, const boost::source_location&) {
  throw std::runtime_error(error.ToString());
}

}  // namespace proctor::grader::task
