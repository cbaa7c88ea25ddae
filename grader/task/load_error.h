// Where something is in a task pack, and why a pack could not be loaded.
#pragma once

#include <boost/system/result.hpp>
#include <string>

namespace proctor::grader::task {

// A position in a pack file. Line and column are 1-based; 0 means "the whole file".
struct SourceLocation {
  std::string file;  // the path as built from the directory given to LoadPack
  int line = 0;
  int column = 0;

  // "file:line:col", or "file" when there is no position.
  std::string ToString() const;
};

// A pack that cannot be used: bad YAML, a schema violation, a missing file, a broken rule.
struct LoadError {
  SourceLocation where;
  std::string message;  // what is wrong, e.g. "unknown key \"foo\" in test (expected one of ...)"

  // "file:line:col: message", the form compilers use, so editors can jump to it.
  std::string ToString() const;
};

// Lets boost::system::result<T, LoadError>::value() throw on error (found by ADL).
[[noreturn]] void throw_exception_from_error(const LoadError& error,
                                             const boost::source_location& location);

template <typename T>
using LoadResult = boost::system::result<T, LoadError>;

}  // namespace proctor::grader::task
