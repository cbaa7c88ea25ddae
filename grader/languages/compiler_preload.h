// Compiles run with libproctor-hugepages.so preloaded (hugepages_preload.c): the compiler's
// large mappings get transparent huge pages, which on machines with expensive page faults
// makes a compile with the precompiled <bits/stdc++.h> much faster. Output is unchanged.
#pragma once

#include <string>

#include "sandbox/sandbox.h"

namespace proctor::grader {

// Where runs see the library.
inline constexpr char kHugepagesMount[] = "/proctor/lib/libproctor-hugepages.so";

// The library on the host: $PROCTOR_HUGEPAGES_LIB ("off": none; a path that is not readable:
// none, with a warning), else beside the running executable, else the build tree's; empty
// when there is none.
const std::string& HugepagesLibrary();

// Binds the library read-only into `spec` and preloads it into every process of the run.
void PreloadHugepages(sandbox::RunSpec* spec);

}  // namespace proctor::grader
