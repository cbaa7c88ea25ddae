"""Shared helpers for the runner tests: locate things and spawn the runners over pipes.

No sandbox here: hostile cases run as plain subprocesses in a temporary work dir with a
minimal environment (HOME and TMPDIR pointing into it), so keep to cases whose effects
stay in that dir or in their own process.
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve()
PY_DIR = Path(os.environ.get("PROCTOR_PYTHON_DIR") or HERE.parents[2] / "grader" / "python")
SHARED = HERE.parents[3] / "shared"
CASES = SHARED / "adversarial" / "cases"
T3_TESTS = SHARED / "adversarial" / "tasks" / "T3" / "test_is_prime.py"
HUMANEVAL = SHARED / "data" / "humaneval"
# The runners target Debian's interpreter; fall back to ours elsewhere.
PYTHON = os.environ.get("PROCTOR_TEST_PYTHON") or (
    "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
TIMEOUT = 20


def load_wire():
    spec = importlib.util.spec_from_file_location("proctor_wire_under_test",
                                                  PY_DIR / "proctor_wire.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def need_shared(test):
    """Skip (with the reason) when the shared corpus is not next to the repo."""
    return unittest.skipUnless(SHARED.is_dir(), "shared corpus not found at %s" % SHARED)(test)


class WorkDir:
    """A disposable work dir (the sandbox's /box) holding solution.py."""

    def __init__(self, solution_source=None, solution_path=None):
        self._tmp = tempfile.TemporaryDirectory(prefix="proctor-py-")
        self.path = Path(self._tmp.name)
        if solution_path is not None:
            solution_source = Path(solution_path).read_text()
        if solution_source is not None:
            (self.path / "solution.py").write_text(solution_source)

    def env(self):
        return {"PATH": "/usr/bin:/bin", "HOME": str(self.path), "TMPDIR": str(self.path),
                "LANG": "C.UTF-8"}

    def cleanup(self):
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


def runner(name):
    return [PYTHON, "-I", "-S", str(PY_DIR / name)]


def run_batch(work, request_lines):
    """call_runner batch mode -> (stdout lines, stderr text, exit code)."""
    proc = subprocess.run(runner("call_runner.py") + ["--solution", "solution.py"],
                          input="".join(line + "\n" for line in request_lines).encode(),
                          capture_output=True, cwd=work.path, env=work.env(), timeout=TIMEOUT)
    return (proc.stdout.decode(errors="replace").splitlines(),
            proc.stderr.decode(errors="replace"), proc.returncode)


class Streaming:
    """call_runner in streaming mode, driven directly by the test."""

    def __init__(self, work):
        req_r, self.req_w = os.pipe()
        self.resp_r, resp_w = os.pipe()
        self.proc = subprocess.Popen(
            runner("call_runner.py") + ["--solution", "solution.py", "--requests-fd", str(req_r),
                                        "--responses-fd", str(resp_w)],
            pass_fds=(req_r, resp_w), cwd=work.path, env=work.env(),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.close(req_r)
        os.close(resp_w)
        self.out = os.fdopen(self.resp_r, "rb")

    def send(self, line):
        os.write(self.req_w, line.encode() + b"\n")

    def recv(self):
        return self.out.readline().rstrip(b"\n")

    def close(self):
        os.close(self.req_w)
        out, err = self.proc.communicate(timeout=TIMEOUT)
        self.out.close()
        return out.decode(errors="replace"), err.decode(errors="replace")


class Report:
    def __init__(self, lines, stderr):
        self.lines, self.stderr = lines, stderr
        records = [json.loads(line) for line in lines]
        self.collected = records[0]["collected"] if records and "collected" in records[0] else None
        self.collect_error = records[0].get("error") if records else None
        self.outcomes = {r["test"]: r["outcome"] for r in records if "test" in r}
        self.messages = {r["test"]: r["message"] for r in records if "test" in r}
        self.done = bool(records) and records[-1] == {"done": True}

    def all_passed(self):
        return (self.done and bool(self.collected)
                and all(self.outcomes.get(n) == "passed" for n in self.collected))

    def __repr__(self):
        return "\n".join(self.lines) + "\n--- stderr:\n" + self.stderr[-2000:]


def run_unit(work, mode, tests, prompt=None, entry=None, extra=()):
    """call_runner (streaming) + unit_runner joined by two pipes -> Report."""
    req_r, req_w = os.pipe()
    resp_r, resp_w = os.pipe()
    solution = subprocess.Popen(
        runner("call_runner.py") + ["--solution", "solution.py", "--requests-fd", str(req_r),
                                    "--responses-fd", str(resp_w)],
        pass_fds=(req_r, resp_w), cwd=work.path, env=work.env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    args = ["--mode", mode, "--tests", str(tests), "--requests-fd", str(req_w),
            "--responses-fd", str(resp_r)]
    if prompt:
        args += ["--prompt", str(prompt)]
    if entry:
        args += ["--entry", entry]
    harness = subprocess.Popen(runner("unit_runner.py") + args + list(extra),
                               pass_fds=(req_w, resp_r), cwd=work.path, env=work.env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for fd in (req_r, req_w, resp_r, resp_w):
        os.close(fd)
    try:
        out, err = harness.communicate(timeout=TIMEOUT)
    finally:
        harness.kill()
        solution.kill()  # a hostile solution may linger; the harness result is what counts
        solution.wait()
    return Report(out.decode().splitlines(), err.decode(errors="replace"))


def humaneval_problems():
    problems = {}
    wrong = {}
    with open(HUMANEVAL / "HumanEval.jsonl") as f:
        for line in f:
            p = json.loads(line)
            problems[p["task_id"]] = p
    with open(HUMANEVAL / "wrong_solutions.jsonl") as f:
        for line in f:
            w = json.loads(line)
            wrong[w["task_id"]] = w["completion"]
    return problems, wrong


def run_humaneval(problem, completion):
    """Grade prompt+completion as solution.py against the problem's check()."""
    with WorkDir(problem["prompt"] + completion) as work, \
            tempfile.TemporaryDirectory(prefix="proctor-task-") as task:
        prompt, tests = Path(task) / "prompt.py", Path(task) / "test.py"
        prompt.write_text(problem["prompt"])
        tests.write_text(problem["test"])
        return run_unit(work, "humaneval", tests, prompt=prompt, entry=problem["entry_point"])
