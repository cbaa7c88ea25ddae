# Compiler flags of the fuzz build (-DPROCTOR_FUZZ=ON, configured by scripts/fuzz.sh): clang,
# AddressSanitizer and UndefinedBehaviorSanitizer (every UB report is a crash), libFuzzer's
# coverage on all of our code. Included by the top-level CMakeLists.txt before the libraries
# the targets link, so the real grader core is instrumented as it is.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "PROCTOR_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++, as scripts/fuzz.sh does")
endif()
add_compile_options(-g -O1 -fno-omit-frame-pointer
                    -fsanitize=address,undefined -fno-sanitize-recover=all
                    -fsanitize=fuzzer-no-link)
add_link_options(-fsanitize=address,undefined)
# The codebase's warnings are GCC's; clang's differ, and this build must not fail on them.
set(PROCTOR_WARNINGS -Wall -Wno-unknown-warning-option)
