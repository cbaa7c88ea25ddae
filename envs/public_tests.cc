#include "envs/public_tests.h"

#include <cassert>
#include <variant>

#include "envs/safe_text.h"
#include "grader/value.h"

namespace proctor::envs {
namespace {

namespace task = grader::task;

// The same form as the grader's feedback input (grader/grading/call_tests.cc), so what the
// model is shown before and after an attempt reads alike.
std::string CallText(const task::Task& t, const task::CallTest& call) {
  std::string text = (call.function.empty() ? t.entry_point : call.function) + "(";
  bool first = true;
  for (const grader::Value& a : call.args) {
    text += (first ? "" : ", ") + grader::Repr(a);
    first = false;
  }
  for (const auto& [k, v] : call.kwargs) {
    text += (first ? "" : ", ") + k + "=" + grader::Repr(v);
    first = false;
  }
  return text + ")";
}

}  // namespace

nlohmann::json PublicTestJson(const task::Task& t, const task::Test& test) {
  assert(test.visibility == task::Visibility::kPublic);
  std::string input, expected;
  if (const auto* call = std::get_if<task::CallTest>(&test.body)) {
    input = CallText(t, *call);
    expected = call->expected ? grader::Repr(*call->expected) : "raises " + call->raises;
  } else if (const auto* stdio = std::get_if<task::StdioTest>(&test.body)) {
    input = stdio->stdin_data;
    expected = stdio->expected_stdout;
  } else {
    input = std::get<task::UnitTest>(test.body).code.text;
    expected = "every test in it passes";
  }
  return {{"name", ValidUtf8(test.name)},
          {"kind", std::string(task::TestKindName(test))},
          {"input", HeadText(input, kPublicTestFieldCap)},
          {"expected", HeadText(expected, kPublicTestFieldCap)}};
}

nlohmann::json PublicTestsJson(const task::Task& t) {
  nlohmann::json out = nlohmann::json::array();
  for (const task::Test& test : t.tests)
    if (test.visibility == task::Visibility::kPublic) out.push_back(PublicTestJson(t, test));
  return out;
}

}  // namespace proctor::envs
