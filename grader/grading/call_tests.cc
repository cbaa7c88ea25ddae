// Call tests: one Python session runs every call; only values of the wire format come back
// (plain data and the standard types of docs/wire-format.md, rebuilt here; any other object
// of the solution as a handle, which equals no expected value), and the comparison with the
// expected values happens here, outside the sandbox.
// IMPORTANT: expected values never enter the sandbox: requests carry arguments only.
#include <map>
#include <sstream>

#include "grader/compare/value_compare.h"
#include "grader/grading/test_runners.h"
#include "grader/value.h"

namespace proctor::grader {
namespace {

std::string CallText(const std::string& function, const task::CallTest& call) {
  std::string text = function + "(";
  bool first = true;
  for (const Value& a : call.args) {
    text += (first ? "" : ", ") + Repr(a);
    first = false;
  }
  for (const auto& [k, v] : call.kwargs) {
    text += (first ? "" : ", ") + k + "=" + Repr(v);
    first = false;
  }
  return text + ")";
}

}  // namespace

std::vector<TestOutcome> RunCallTests(const TestContext& ctx,
                                      const std::vector<const task::Test*>& tests) {
  std::vector<TestOutcome> outcomes(tests.size());
  std::string requests;
  for (size_t i = 0; i < tests.size(); ++i) {
    const auto& call = std::get<task::CallTest>(tests[i]->body);
    const std::string function = call.function.empty() ? ctx.task.entry_point : call.function;
    nlohmann::json args = nlohmann::json::array();
    for (const Value& a : call.args) args.push_back(ValueToWireJson(a));
    nlohmann::json kwargs = nlohmann::json::object();
    for (const auto& [k, v] : call.kwargs) kwargs[k] = ValueToWireJson(v);
    requests += nlohmann::json{{"id", std::to_string(i)}, {"call", function}, {"args", args},
                               {"kwargs", kwargs}}
                    .dump() +
                "\n";
  }

  sandbox::RunSpec spec = PythonRunnerSpec(
      ctx, {std::string(kRuntimeMount) + "/call_runner.py", "--solution", "solution.py"});
  spec.policy.stdin_data = requests;
  sandbox::Result run = ctx.sandbox.Run(spec);
  // IMPORTANT: every call shares one process, so its stderr may echo hidden tests' arguments:
  // it goes into public feedback only when no hidden call test took part in the run.
  bool any_hidden = false;
  for (const task::Test* t : tests) any_hidden |= t->visibility == task::Visibility::kHidden;
  const std::string stderr_tail =
      any_hidden ? "" : TailText(run.stderr_data, kStderrTailCap);

  // Parse the responses: each id exactly once, every line well-formed, or the run is malformed.
  std::map<size_t, nlohmann::json> responses;
  std::string malformed;
  std::istringstream lines(run.stdout_data);
  std::string line;
  while (malformed.empty() && std::getline(lines, line)) {
    if (line.empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j["id"].is_string()) {
      malformed = "malformed response line from the solution process";
      break;
    }
    const std::string id = j["id"];
    size_t index = tests.size();
    try {
      index = std::stoul(id);
    } catch (...) {
    }
    if (index >= tests.size() || std::to_string(index) != id || responses.count(index)) {
      malformed = "unknown or repeated response id";
      break;
    }
    responses[index] = std::move(j);
  }

  for (size_t i = 0; i < tests.size(); ++i) {
    const auto& call = std::get<task::CallTest>(tests[i]->body);
    TestOutcome& o = outcomes[i];
    o.wall_seconds = run.wall_seconds;
    o.cpu_seconds = run.cpu_seconds;
    o.peak_memory_bytes = run.peak_memory_bytes;
    Feedback fb;
    fb.input = CapText(CallText(call.function.empty() ? ctx.task.entry_point : call.function,
                                call),
                       kFeedbackCap);
    fb.expected = call.expected ? CapText(Repr(*call.expected), kFeedbackCap)
                                : "raises " + call.raises;
    fb.stderr_tail = stderr_tail;

    if (run.status == sandbox::Status::kSandboxError) {
      o.verdict = Verdict::kInfraError;
      o.infra_reason = run.error;
    } else if (run.status == sandbox::Status::kViolation) {
      o.verdict = Verdict::kViolation;  // a hostile run earns nothing, answered or not
    } else if (!malformed.empty()) {
      o.verdict = Verdict::kRuntimeError;
      fb.message = malformed;
    } else if (!responses.count(i)) {
      // No answer: the run's own end explains it (timeout, memory, crash, early exit).
      o.verdict = run.status == sandbox::Status::kOk || run.status == sandbox::Status::kNonzeroExit
                      ? Verdict::kRuntimeError
                      : VerdictFromRunStatus(run.status);
      o.time_limit = TimeLimitKindFromRunStatus(run.status);
      fb.message = "no result (the solution process ended: " +
                   std::string(sandbox::StatusName(run.status)) + ")";
    } else {
      const nlohmann::json& r = responses[i];
      if (r.contains("value")) {
        auto got = ValueFromWireJson(r["value"]);
        if (!got) {
          o.verdict = Verdict::kWrongAnswer;
          fb.message = "result rejected: " + got.error().message;
        } else if (!call.expected) {
          o.verdict = Verdict::kWrongAnswer;
          fb.got = CapText(Repr(*got), kFeedbackCap);
          fb.message = "expected an exception " + call.raises;
        } else {
          compare::CompareResult cmp = compare::CompareValues(*call.expected, *got, call.compare);
          o.verdict = cmp.equal ? Verdict::kPassed : Verdict::kWrongAnswer;
          fb.got = CapText(Repr(*got), kFeedbackCap);
          fb.message = cmp.reason;
        }
      } else if (r.contains("raised") && r["raised"].is_string()) {
        const std::string type = r["raised"];
        const std::string message =
            r.contains("message") && r["message"].is_string() ? r["message"].get<std::string>()
                                                                : "";
        fb.got = CapText("raised " + type + ": " + message, kFeedbackCap);
        // `raises` matches the exception's class or any of its bases (as pytest.raises and
        // assertRaises do): a JSONDecodeError is a ValueError.
        bool matches = !call.raises.empty() && call.raises == type;
        if (!call.raises.empty() && r.contains("bases") && r["bases"].is_array())
          for (const nlohmann::json& base : r["bases"])
            matches |= base.is_string() && base.get<std::string>() == call.raises;
        o.verdict = matches ? Verdict::kPassed : Verdict::kRuntimeError;
      } else if (r.contains("unserializable")) {
        o.verdict = Verdict::kWrongAnswer;
        fb.message = "the result cannot cross the wire (docs/wire-format.md): " +
                     r["unserializable"].dump();
      } else {
        o.verdict = Verdict::kRuntimeError;
        fb.message = "malformed response";
      }
    }
    o.feedback = fb;
  }
  return outcomes;
}

}  // namespace proctor::grader
