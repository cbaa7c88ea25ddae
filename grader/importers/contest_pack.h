// What the competitive-programming importers (apps, taco, codecontests, codeforces) share:
// one problem in a common shape, written as a task whose stdio tests are files
// (tasks/<stem>/tests/001.in, 001.out), the published limits scaled, and the Python
// source fixes the upstream harnesses apply (docs/importers.md).
//
//   ContestProblem p;  ... filled from a record ...
//   if (!WriteContestProblem(p, &writer, &error)) return false;
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grader/importers/jsonl.h"
#include "grader/importers/pack_writer.h"
#include "grader/importers/registry.h"

namespace proctor::grader::importers {

enum class SolutionLanguage { kPython, kCpp };

struct ContestSolution {
  SolutionLanguage language = SolutionLanguage::kPython;
  std::string code;
};

struct StdioCase {
  std::string input;
  std::string output;
};

// Stdio tests of one origin ("public", "private", "generated", "test"): test names are
// <origin>-<n>, files <stem>/tests/<origin>-<n>.in/.out.
struct StdioGroup {
  std::string origin;
  std::vector<StdioCase> cases;
};

// One call test: the positional arguments (a JSON array) and the expected result.
struct CallCase {
  nlohmann::json args;
  nlohmann::json expected;
};

struct ContestProblem {
  std::string id;         // the task id
  std::string source_id;  // the record's own id when `id` had to be mapped; else empty
  std::string source;     // the format ("apps")
  std::string title;
  std::string prompt;
  bool allow_cpp = false;      // languages [python, cpp] instead of [python]
  std::string python_starter;  // empty: none
  std::vector<ContestSolution> references;
  std::vector<ContestSolution> wrongs;
  std::optional<double> cpu_seconds;  // already scaled; unset: the pack default
  std::optional<int> memory_mb;       // unset: the pack default
  // Stdio tasks:
  std::vector<StdioGroup> stdio;
  std::string python_checker;  // non-empty: the task's checker; every stdio test uses it
  // Call tasks (exclusive with stdio):
  std::string entry_point;    // the function's name
  std::string call_function;  // `fn` or `Solution.fn`
  std::vector<CallCase> calls;
};

// A string value that starts with this stands for the exact integer after it (an integer
// literal too long for nlohmann::json, kept by ReadJsonOrJsonString); written as {$int: ...}.
extern const std::string kBigIntMarker;
// Likewise for Python's non-JSON NaN, Infinity and -Infinity (written .nan, .inf, -.inf).
extern const std::string kFloatMarker;

// Writes tasks/<stem>.yaml and the test files of `problem`.
bool WriteContestProblem(const ContestProblem& problem, PackWriter* writer, std::string* error);

// Reads one record into *problem; returns why the record is skipped (a note naming the
// field), or "" when it imports.
using ContestRecordReader = std::function<std::string(
    const JsonlRecord& record, int64_t index, ContestProblem* problem, ImportReport* report)>;

// The whole import of one of these formats: one streaming pass over request.input, each
// record read by `read` (index: its position from 0) and written at once; pack.yaml last,
// with `description` and the count; then LoadPack. False with "file:line: ..." on a fatal
// error (a line that is not JSON, a duplicate id, no record imported).
bool ImportContestPack(const ImportRequest& request, std::string_view format,
                       std::string_view description, const ContestRecordReader& read,
                       ImportReport* report, std::string* error);

// The split a file name names as a word ("apps_test.jsonl.gz" -> "test", "valid" or
// "validation" -> "valid"), or "" (none, or more than one). Tasks record it in `source`
// ("apps/test").
std::string SplitOfFile(const std::string& path);

// pack.yaml for one of these formats: stdio_compare tokens, call_compare json with unwrap,
// the default limits of docs/importers.md "Limits".
std::string ContestPackYaml(std::string_view name, std::string_view version,
                            std::string_view description);

// The default limits of a task whose record has none (docs/importers.md, "Limits").
inline constexpr double kDefaultCpuSeconds = 4;
inline constexpr int kDefaultMemoryMb = 256;

// A published time limit in seconds times request.time_scale, rounded up to milliseconds.
double ScaledSeconds(double seconds, double time_scale);
// Megabytes (as judges use them, 2^20 bytes) rounded up to whole MiB, at least 16.
int MemoryMb(double megabytes);

// True when some expected-output token is a decimal fraction or has an exponent ("0.5",
// "1e-3"): such a test is judged by FloatTokenChecker(), every other one token by token.
bool HasFloatToken(std::string_view text);
// The Python checker (docs/task-format.md, "checker") of tests with decimal numbers:
// integers exactly, decimals within 1e-6 absolute or relative, other tokens exactly.
std::string_view FloatTokenChecker();

// --- Python source, as the APPS/TACO harness runs it -------------------------------------

// True when the program has a `return` outside any function (upstream runs stdin programs
// inside a function, so such programs work there and are a SyntaxError as written).
// Indentation-based: `def` / `async def` open a function body; triple-quoted strings and
// comments are skipped.
bool HasTopLevelReturn(std::string_view code);
// The program inside `def _proctor_main():`, called once, the way APPS runs it; top-level
// `import`/`from` lines (no continuation) stay at module level so `from m import *` works.
std::string WrapInFunction(std::string_view code);
// The imports APPS' harness puts before every solution, minus numpy (not installed in the
// sandbox); reference solutions rely on them (`Counter`, `List`, `sys` without an import).
std::string_view AppsHeader();
// True when the program imports a module the sandbox does not have (numpy, scipy, ...).
bool UsesMissingModule(std::string_view code);

// --- Small record readers ------------------------------------------------------------------

// A field that upstream stores either as a JSON value or as a string of JSON: the parsed
// value. Missing or null: nullopt without error. False with "file:line: field ..." when the
// string is not JSON.
bool ReadJsonOrJsonString(const JsonlRecord& record, const std::string& key,
                          std::optional<nlohmann::json>* out, std::string* error);

// "file:line: " + message added to report->notes.
void Note(const JsonlRecord& record, const std::string& message, ImportReport* report);

}  // namespace proctor::grader::importers
