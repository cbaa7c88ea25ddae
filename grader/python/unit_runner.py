"""TEST HARNESS process: run trusted tests against a solution living in another process.

Usage (run as `/usr/bin/python3 -I -S unit_runner.py ...`):
  unit_runner.py --mode humaneval|pytest|asserts --tests FILE [--prompt FILE]
                 [--entry NAME] --requests-fd N --responses-fd M [--call-timeout SEC]
--requests-fd is where this process WRITES requests and --responses-fd where it READS
responses: the other ends of the same-named fds of `call_runner.py` (streaming mode).

Modes:
  humaneval  exec the prompt (trusted: defines helpers such as `poly`), replace the entry
             point by a proxy, exec the tests (defines `check`), run check(entry): one
             test named "check".
  pytest     exec the tests as module `test_module` (`from solution import f` gets the
             proxy), run top-level `test*` functions and `Test*` classes' `test*` methods
             (zero-argument; no fixtures, no pytest import), in definition order.
  asserts    the file is an optional setup block, then blocks each introduced by a line
             `# --- test: <name>`; each block runs as one test in a fresh namespace that
             holds a proxy per solution callable (except names of builtins), after a
             fresh run of the setup block.

Report (JSON lines on this process's own stdout, which nothing else writes to: test code's
print() goes to stderr):
  {"collected": [names...]}          (with "error": "..." and no names if collection failed)
  {"test": NAME, "outcome": "passed"|"failed"|"error", "message": "<= 2000 chars"}  per test
  {"done": true}
"failed" = the test's own assert failed; "error" = anything else (the solution raised,
returned an unserializable value, crashed). Once the solution process is dead, the running
test and every later one are "error"; if it failed to import, every test is "error" (not
run). A report without {"done": true} is incomplete and must count as a failure.

Trust: this process is trusted and never imports the submission; it sees only values that
proctor_wire decoded and built here (standard-library types) and Handle proxies of the
solution's other objects, which are never compared by the solution (see harness_proxy),
so the outcome of each test is decided here.
"""

import importlib.util
import json
import linecache
import os
import re
import sys
import types

sys.dont_write_bytecode = True
MESSAGE_CAP = 2000


def _load_sibling(name):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
    # Under the fork server: its copy, executed once from these very bytes (checked there).
    zygote = sys.modules.get("_proctor_zygote")
    module = zygote.preloaded_module(path) if zygote is not None else None
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location("_proctor_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wire = _load_sibling("proctor_wire")
channel = _load_sibling("proctor_channel")
proxy = _load_sibling("harness_proxy")
options = _load_sibling("proctor_options")


class CollectionError(Exception):
    pass


def _read_source(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # Lets tracebacks and failure messages quote the line even for exec'd code.
    linecache.cache[path] = (len(text), None, text.splitlines(True), path)
    return text


def _exec(source, path, namespace, what):
    try:
        exec(compile(source, path, "exec", dont_inherit=True), namespace)
    except BaseException as exc:
        raise CollectionError("%s failed: %s" % (what, _describe(exc, {path}))) from None


# ----------------------------------------------------------------------------- modes

def collect_humaneval(args, conn, solution):
    namespace = {"__name__": "humaneval_task"}
    if args.prompt:
        _exec(_read_source(args.prompt), args.prompt, namespace, "prompt")
    # Only the entry point is replaced: the prompt's own helpers (e.g. HumanEval/32's
    # poly, used by check) stay the trusted versions.
    namespace[args.entry] = proxy.make_proxy(conn, args.entry)
    _exec(_read_source(args.tests), args.tests, namespace, "tests")
    check = namespace.get("check")
    if not callable(check):
        raise CollectionError("tests define no check(candidate)")
    return [("check", lambda: check(namespace[args.entry]))]


def collect_pytest(args, conn, solution):
    module = types.ModuleType("test_module")
    module.__file__ = args.tests
    sys.modules["test_module"] = module
    _exec(_read_source(args.tests), args.tests, module.__dict__, "collection")
    tests = []
    for name, obj in list(vars(module).items()):
        if getattr(obj, "__module__", None) != "test_module":
            continue  # imported names, e.g. proxies brought in by `from solution import *`
        if isinstance(obj, types.FunctionType) and name.startswith("test"):
            tests.append((name, obj))
        elif isinstance(obj, type) and name.startswith("Test") and obj.__init__ is object.__init__:
            tests.extend(("%s::%s" % (name, m), _method_runner(obj, m)) for m in _test_methods(obj))
    return tests


def _test_methods(cls):
    names = []
    for klass in cls.__mro__:
        for name, value in vars(klass).items():
            if name.startswith("test") and callable(value) and name not in names:
                names.append(name)
    return names


def _method_runner(cls, name):
    def run():
        instance = cls()  # a fresh instance per test, as pytest does
        method = getattr(instance, name)
        if hasattr(instance, "setup_method"):
            instance.setup_method(method)
        try:
            method()
        finally:
            if hasattr(instance, "teardown_method"):
                instance.teardown_method(method)
    return run


_MARKER = re.compile(r"^# --- test: (.+?)\s*$")


def collect_asserts(args, conn, solution):
    lines = _read_source(args.tests).splitlines(True)
    blocks = []
    current = [None, 0, []]  # [name (None for setup), index of its first line, lines]
    for i, line in enumerate(lines):
        match = _MARKER.match(line)
        if match:
            blocks.append(current)
            current = [match.group(1), i + 1, []]
        else:
            current[2].append(line)
    blocks.append(current)
    if len(blocks) == 1:
        # No markers: the whole file is one test (a plain script of asserts).
        blocks = [[None, 0, []], ["asserts", 0, blocks[0][2]]]
    setup = _compile_block("".join(blocks[0][2]), args.tests, "setup block")
    tests, seen = [], set()
    for name, first, body in blocks[1:]:
        if name in seen:
            raise CollectionError("duplicate test name %r" % name)
        seen.add(name)
        # Padding keeps line numbers equal to the file's, for messages and tracebacks.
        code = _compile_block("\n" * first + "".join(body), args.tests, name)
        tests.append((name, lambda code=code: _run_block(setup, code, conn, solution)))
    return tests


def _run_block(setup, code, conn, solution):
    # A fresh namespace and a fresh run of the setup block per test: no state leaks.
    namespace = {"__name__": "asserts"}
    for name in proxy.exported_names(conn.callables):
        namespace[name] = getattr(solution, name)
    exec(setup, namespace)
    exec(code, namespace)


def _compile_block(source, path, name):
    try:
        return compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise CollectionError("test %r does not compile: %s" % (name, exc)) from None


COLLECTORS = {"humaneval": collect_humaneval, "pytest": collect_pytest, "asserts": collect_asserts}


# ----------------------------------------------------------------------------- running

def _describe(exc, files):
    """'Type: message' plus the innermost line of test code it went through."""
    try:
        text = str(exc)
    except Exception:
        text = "<unprintable>"
    if isinstance(exc, (proxy.SolutionError, proxy.SolutionResultError, proxy.SolutionCrashed)):
        head = text
    else:
        head = type(exc).__name__ + (": " + text if text else "")
    where, tb = None, exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in files:
            source = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            where = "%s:%d: %s" % (os.path.basename(code.co_filename), tb.tb_lineno, source)
        tb = tb.tb_next
    return (head + ("\n  at " + where if where else ""))[:MESSAGE_CAP]


def run_test(fn, conn, files):
    if conn.dead:
        return "error", "not run: solution process crashed or broke the protocol: " + conn.dead
    if conn.import_error is not None:
        return "error", ("not run: solution failed to import: " + conn.import_error)[:MESSAGE_CAP]
    try:
        fn()
        outcome, message = "passed", ""
    except AssertionError as exc:
        outcome, message = "failed", _describe(exc, files)
    except BaseException as exc:  # trusted code, but a report must always be completed
        outcome, message = "error", _describe(exc, files)
    if conn.dead:  # whatever the test did with the SolutionCrashed, it cannot pass
        outcome = "error"
        message = ("solution process crashed or broke the protocol: " + conn.dead
                   + ("\n" + message if message else ""))[:MESSAGE_CAP]
    return outcome, message


def main(argv):
    usage = ("unit_runner.py --mode humaneval|pytest|asserts --tests FILE [--prompt FILE] "
             "[--entry NAME] --requests-fd N --responses-fd M [--call-timeout SECONDS]")
    args = options.parse(argv, {
        "--mode": (options.choice(*COLLECTORS), True, None), "--tests": (str, True, None),
        "--prompt": (str, False, None), "--entry": (str, False, None),
        "--requests-fd": (int, True, None), "--responses-fd": (int, True, None),
        "--call-timeout": (float, False, 0.0)}, usage)  # 0 = wait forever
    if args.mode == "humaneval" and not args.entry:
        sys.stderr.write("usage: %s\nerror: --mode humaneval needs --entry\n" % usage)
        return 2
    out_fd, req_fd, resp_fd = channel.take_private_fds(1, args.requests_fd, args.responses_fd)

    def emit(record):
        channel.write_line(out_fd, json.dumps(record))

    conn = proxy.Connection(wire, channel, req_fd, resp_fd, args.call_timeout or None)
    try:
        conn.read_hello()
    except proxy.SolutionCrashed:
        pass  # conn.dead is set; tests are still collected, then reported as errors
    solution = proxy.make_solution_module(conn)
    sys.modules["solution"] = solution
    files = {os.path.abspath(args.tests), args.tests}
    try:
        tests = COLLECTORS[args.mode](args, conn, solution)
    except CollectionError as exc:
        emit({"collected": [], "error": str(exc)[:MESSAGE_CAP]})
        emit({"done": True})
        return 0
    emit({"collected": [name for name, _ in tests]})
    for name, fn in tests:
        outcome, message = run_test(fn, conn, files)
        emit({"test": name, "outcome": outcome, "message": message})
    emit({"done": True})
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stderr.flush()
    os._exit(code)  # do not wait for threads the test code may have left running
