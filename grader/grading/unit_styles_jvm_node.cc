// The unit styles a pack author writes by hand for Java, JavaScript and TypeScript.
//
// `java_main` (java): the test code is a class with a `static void main(String[])` that calls
// the solution's classes (a failed check throws, e.g. AssertionError; `assert` is enabled).
// It is compiled with the solution (Main.java) by the language's own compile step, and
// Proctor's ProctorUnitMain runs the test's main().
//
// `node_require` (javascript, typescript): the test code is a module that loads the solution
// with require('./solution') (TypeScript: import ... from './solution'; the solution exports
// what it tests); when it exports a function, that is called and awaited (an async test).
// console.assert throws, so a HumanEval-X-style console.assert fails the test; it and the
// assert modules are frozen before the solution loads. TypeScript:
// the solution and test.ts are compiled together by the language's tsc command, then run as
// JavaScript.
//
// Both run in the submission's process (docs/threat-model.md, "Unit tests in the
// submission's process"): Proctor's harness reads a fresh nonce as the first line of stdin
// before any test or solution code runs, and prints "PROCTOR-UNIT-PASSED <nonce>" only after
// the test code finished without a failure. A solution that exits 0 early (System.exit(0),
// process.exit(0)) never prints it and fails.
#include <regex>

#include "grader/grading/test_runners.h"

namespace proctor::grader {
namespace {

constexpr char kPassPrefix[] = "PROCTOR-UNIT-PASSED ";
// The harness's exit statuses: a failed check (AssertionError) and any other error.
constexpr int kExitAssertion = 3;
constexpr int kExitError = 4;

// The java_main harness: reads the nonce, runs the test class's main() (TESTCLASS), vouches
// for its normal return. Output goes straight to fd 1, past a System.out the solution may
// have replaced; halt() skips shutdown hooks the solution may have registered.
constexpr char kJavaHarness[] = R"(import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;

public final class ProctorUnitMain {
  public static void main(String[] args) throws Exception {
    FileInputStream in = new FileInputStream(FileDescriptor.in);
    StringBuilder nonce = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\n';) nonce.append((char) c);
    int status = 0;
    try {
      TESTCLASS.main(new String[0]);
    } catch (Throwable t) {
      status = t instanceof AssertionError ? EXIT_ASSERTION : EXIT_ERROR;
      try {
        t.printStackTrace();
      } catch (Throwable ignored) {
        // a solution that broke System.err still fails
      }
    }
    try {
      System.out.flush();
      System.err.flush();
    } catch (Throwable ignored) {
      // the marker below does not go through System.out
    }
    if (status == 0) {
      FileOutputStream out = new FileOutputStream(FileDescriptor.out);
      out.write(("\nPASS_PREFIX" + nonce + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
    Runtime.getRuntime().halt(status);
  }
}
)";

// The node_require harness (javascript and typescript). argv[2]: "-" (the solution and
// test.js are files beside it) or the path of the TypeScript bundle ({"solution.js": ...,
// "test.js": ...}, written by kTsBundle), unpacked beside it first.
constexpr char kNodeHarness[] = R"('use strict';
const fs = require('fs');
const path = require('path');
const util = require('util');
const assert = require('assert');
const nonce = (() => {
  const b = Buffer.alloc(1);
  let s = '';
  for (;;) {
    let n;
    try { n = fs.readSync(0, b, 0, 1, null); } catch (e) { if (e.code === 'EAGAIN') continue; throw e; }
    if (n !== 1 || b[0] === 10) return s;
    s += String.fromCharCode(b[0]);
  }
})();
const writeSync = fs.writeSync;
const exit = process.exit.bind(process);
let failed = false;
let finished = false;
function fail(e) {
  if (failed) return;
  failed = true;
  const isAssertion = e instanceof assert.AssertionError ||
      (e !== null && typeof e === 'object' && (e.code === 'ERR_ASSERTION' || e.name === 'AssertionError'));
  try { writeSync(2, (e && e.stack ? e.stack : String(e)) + '\n'); } catch (ignored) {}
  exit(isAssertion ? EXIT_ASSERTION : EXIT_ERROR);
}
// console.assert throws, and neither it nor the assertion modules can be replaced by the
// solution (which loads after this, from the test).
const throwingAssert = function (value, ...message) {
  if (!value) {
    throw new assert.AssertionError({
      message: message.length ? util.format(...message) : 'console.assert failed',
      stackStartFn: throwingAssert,
    });
  }
};
Object.defineProperty(console, 'assert', { value: throwingAssert, writable: false, configurable: false });
Object.defineProperty(globalThis, 'console', { value: console, writable: false, configurable: false });
for (const m of [assert, assert.strict, require('assert/strict')]) Object.freeze(m);
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// Once nothing is left to run: the test finished (and every timer it set ran) without failing.
process.on('beforeExit', () => {
  if (failed || !finished) return;
  finished = false;
  writeSync(1, '\nPASS_PREFIX' + nonce + '\n');
  exit(0);
});
if (process.argv[2] !== '-') {
  const files = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  for (const name of ['solution.js', 'test.js']) fs.writeFileSync(path.join(__dirname, name), files[name]);
}
(async () => {
  let result = require(path.join(__dirname, 'test.js'));
  if (typeof result === 'function') result = result();
  await result;
  finished = true;
})().catch(fail);
)";

// TypeScript: runs tsc in this node process (argv: tsc, its flags, solution.ts, test.ts) and,
// when it succeeded, replaces solution.js by a bundle of solution.js and test.js (a compile
// step leaves one file).
constexpr char kTsBundle[] = R"('use strict';
const fs = require('fs');
const args = process.argv.slice(1);
process.argv = [process.argv[0], ...args];
process.on('exit', (code) => {
  if (code !== 0) return;
  const files = {};
  for (const name of ['solution.js', 'test.js']) files[name] = fs.readFileSync(name, 'utf8');
  fs.writeFileSync('solution.js', JSON.stringify(files));
});
require(args[0]);
)";

std::string Substitute(std::string text, const std::map<std::string, std::string>& values) {
  for (const auto& [from, to] : values)
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  return text;
}

// The name of the test's class: its first public top-level class, else its first class.
std::string JavaTestClass(const std::string& code) {
  static const std::regex kPublic(
      R"((?:^|\n)\s*public\s+(?:final\s+|abstract\s+)*class\s+([A-Za-z_$][A-Za-z0-9_$]*))");
  static const std::regex kAny(R"((?:^|[\n;}])\s*(?:final\s+)?class\s+([A-Za-z_$][A-Za-z0-9_$]*))");
  std::smatch m;
  if (std::regex_search(code, m, kPublic) || std::regex_search(code, m, kAny)) return m[1].str();
  return "";
}

// The verdict of a harness run that was given `nonce` on stdin.
TestOutcome Judge(const sandbox::Result& run, const std::string& nonce) {
  TestOutcome o;
  o.verdict = Verdict::kPassed;
  ApplyUsage(run, &o);  // limits, signals: their own verdicts
  Feedback fb;
  fb.stderr_tail = TailText(run.stderr_data, kStderrTailCap);
  const std::string pass_line = "\n" + std::string(kPassPrefix) + nonce + "\n";
  const bool ends_with_pass =
      run.stdout_data.size() >= pass_line.size() &&
      run.stdout_data.compare(run.stdout_data.size() - pass_line.size(), pass_line.size(),
                              pass_line) == 0;
  if (run.status == sandbox::Status::kOk) {
    if (!ends_with_pass) {
      o.verdict = Verdict::kRuntimeError;
      fb.message = "the program exited 0 before the tests ran to the end (no end marker)";
    }
  } else if (run.status == sandbox::Status::kNonzeroExit) {
    o.verdict = run.exit_code == kExitAssertion ? Verdict::kWrongAnswer : Verdict::kRuntimeError;
    fb.message = TailText(run.stderr_data, kFeedbackCap);
  }
  o.feedback = fb;
  return o;
}

}  // namespace

TestOutcome RunJavaMainUnit(const TestContext& ctx, const task::UnitTest& unit) {
  const Language& language = ctx.program.language();
  const std::string test_class = JavaTestClass(unit.code.text);
  if (test_class.empty() || test_class == "Main" || test_class == "ProctorUnitMain") {
    TestOutcome o;  // the pack's fault: ungradeable, never a 0 for the submission
    o.verdict = Verdict::kInfraError;
    o.infra_reason = "java_main test code must declare a class (not Main, the solution's, nor "
                     "ProctorUnitMain) with main(String[]); found \"" + test_class + "\"";
    return o;
  }
  const std::string test_file = test_class + ".java";
  CompileExtras extras;
  extras.files = {{test_file, unit.code.text, false},
                  {"ProctorUnitMain.java",
                   Substitute(kJavaHarness, {{"TESTCLASS", test_class},
                                             {"EXIT_ASSERTION", std::to_string(kExitAssertion)},
                                             {"EXIT_ERROR", std::to_string(kExitError)},
                                             {"PASS_PREFIX", kPassPrefix}}),
                   false}};
  extras.extra_sources = {test_file, "ProctorUnitMain.java"};
  extras.limits = TaskCompileLimits(ctx.task, language);
  CompileOutcome compile;
  auto program =
      PreparedProgram::Prepare(ctx.sandbox, language, ctx.program_text, &compile, extras);
  if (!program) return CompileFailed(compile);
  const std::string nonce = NewNonce();
  sandbox::RunSpec spec = program->MakeRunSpec(ctx.limits, nonce + "\n");
  spec.argv.back() = "ProctorUnitMain";  // the run's main class (languages/java.yaml: Main)
  return Judge(ctx.sandbox.Run(spec), nonce);
}

TestOutcome RunNodeRequireUnit(const TestContext& ctx, const task::UnitTest& unit) {
  const Language& language = ctx.program.language();
  const bool typescript = !language.compile_argv.empty();
  const std::string harness =
      Substitute(kNodeHarness, {{"EXIT_ASSERTION", std::to_string(kExitAssertion)},
                                {"EXIT_ERROR", std::to_string(kExitError)},
                                {"PASS_PREFIX", kPassPrefix}});
  const std::string nonce = NewNonce();
  sandbox::RunSpec spec;
  std::unique_ptr<PreparedProgram> compiled;
  if (typescript) {
    // The definition's tsc command (node, tsc, flags, solution.ts) with test.ts, run by
    // kTsBundle in the same node.
    CompileExtras extras;
    extras.files = {{"test.ts", unit.code.text, false}};
    extras.argv = {language.compile_argv[0], "-e", kTsBundle};
    extras.argv.insert(extras.argv.end(), language.compile_argv.begin() + 1,
                       language.compile_argv.end());
    extras.argv.push_back("test.ts");
    extras.limits = TaskCompileLimits(ctx.task, language);
    CompileOutcome compile;
    compiled = PreparedProgram::Prepare(ctx.sandbox, language, ctx.program_text, &compile, extras);
    if (!compiled) return CompileFailed(compile);
    spec = compiled->MakeRunSpec(ctx.limits, nonce + "\n");
    spec.argv.push_back(spec.argv.back());  // the bundle at /prog/solution
    spec.argv[spec.argv.size() - 2] = "proctor_unit.js";
  } else {
    spec = ctx.program.MakeRunSpec(ctx.limits, nonce + "\n");  // solution.js in the work dir
    spec.policy.files.push_back({"test.js", unit.code.text, false});
    spec.argv.back() = "proctor_unit.js";
    spec.argv.push_back("-");
  }
  spec.policy.files.push_back({"proctor_unit.js", harness, false});
  return Judge(ctx.sandbox.Run(spec), nonce);
}

}  // namespace proctor::grader
