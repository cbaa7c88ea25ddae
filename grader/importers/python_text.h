// Small pieces of Python source the LiveCodeBench, KodCode and LeetCode importers generate.
#pragma once

#include <string>
#include <string_view>

namespace proctor::grader::importers {

// `text` as a Python string literal ("..." with JSON's escapes, which Python reads alike).
// `text` must be valid UTF-8.
std::string PythonStringLiteral(std::string_view text);

// A LeetCode-style starter ("class Solution:\n    def f(self, x: int) -> int:\n        ")
// completed into code that runs: every empty block (`def ...:` with nothing indented under
// it) gets a `pass` body, so the humaneval harness can execute it for its helpers; trailing
// blank lines are dropped. Other text is unchanged.
std::string RunnableStarter(std::string_view starter);

// The import lines LiveCodeBench's harness puts before every program (lcb_runner's
// `import_string`, without its sys.setrecursionlimit call): LeetCode starters use `List`
// and friends without importing them.
std::string_view LiveCodeBenchImports();

}  // namespace proctor::grader::importers
