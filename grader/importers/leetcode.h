// Importing LeetCodeDataset (newfacade/LeetCodeDataset, JSONL or .jsonl.gz) as a task pack;
// the layout and what becomes what: docs/importers.md, "leetcode".
//
// HumanEval's layout with a class: `prompt` is the preamble (imports, ListNode/TreeNode and
// their helpers), `completion` the reference `class Solution`, `test` a check(candidate)
// that upstream runs as check(Solution().twoSum). Each record becomes a Python task with
// entry_point Solution.twoSum (the method of a fresh instance), the preamble plus the
// starter code as its starter, prompt + completion as its reference and `test` as one
// humaneval unit test.
#pragma once

#include <string>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

bool RunLeetCode(const ImportRequest& request, ImportReport* report, std::string* error);

// "Solution().twoSum" -> "Solution.twoSum", "f" -> "f"; "" when it is neither form.
std::string LeetCodeEntryPoint(const std::string& entry_point);

}  // namespace proctor::grader::importers
