// Importing KodCode (KodCode/KodCode-V1, JSONL or .jsonl.gz) as a task pack; the layout and
// what becomes what: docs/importers.md, "kodcode".
//
// Each record becomes a Python task whose reference is `solution` and whose one hidden test
// is the record's pytest module (`test`, or `test_code` in some copies), run with
// `from solution import *` put first when the module imports nothing from the solution (as
// KodCode's own pipeline does). `import pytest` gets a stand-in for pytest.raises, approx
// and mark.parametrize (pytest_module.h); modules that need more of pytest (fixtures,
// other marks) are skipped with a note: the harness runs test functions without pytest.
#pragma once

#include <string>

#include "grader/importers/registry.h"

namespace proctor::grader::importers {

bool RunKodCode(const ImportRequest& request, ImportReport* report, std::string* error);

}  // namespace proctor::grader::importers
