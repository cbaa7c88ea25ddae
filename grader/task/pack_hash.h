// The content hash of a pack: a name for exactly these bytes, recorded with every result so
// that scores are traceable to the tests that produced them.
#pragma once

#include <string>

#include "grader/task/load_error.h"

namespace proctor::grader::task {

// sha256 (hex) over every regular file under `root`, in order of their relative paths
// ('/'-separated, sorted bytewise), each contributing
//   <relative path> "\n" <size in decimal> "\n" <bytes>
// Directories contribute nothing themselves; symlinks to files count as their target.
LoadResult<std::string> PackContentHash(const std::string& root);

}  // namespace proctor::grader::task
