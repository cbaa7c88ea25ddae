// Making a pytest module (KodCode's `test`) runnable by Proctor's pytest-style harness, which
// runs a module's test functions itself, without pytest (docs/task-format.md, unit styles).
//
//   std::string module = record_test, why;
//   if (!AdaptPytestModule(&module, &why)) skip the record with `why`;
//
// `import pytest` lines are replaced by a stand-in, defined at the top of the module, for the
// parts of pytest that need no fixtures: pytest.raises (context manager and call form, with
// `match`), pytest.approx (pytest's tolerances: rel 1e-6, abs 1e-12) and
// pytest.mark.parametrize (stacked decorators give the product, as in pytest). Anything else
// of pytest, and test functions that take fixtures, make the module unsupported.
#pragma once

#include <string>
#include <string_view>

namespace proctor::grader::importers {

// Adapts *module in place; false with *why ("uses pytest.fixture, ...") when it cannot run.
bool AdaptPytestModule(std::string* module, std::string* why);

// The stand-in's Python source (defines `pytest`).
std::string_view PytestStandIn();

}  // namespace proctor::grader::importers
