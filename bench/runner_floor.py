# Floor row F3 (bench/README.md): what Proctor's own unit-test design costs without any
# sandbox. Each HumanEval program is graded the way `proctor grade` grades it, by the same two
# runner scripts (grader/python/unit_runner.py with the tests, call_runner.py with the
# solution, talking over two pipes), each forked from one warm python3 that has already
# imported the runners' modules, as the fork server has. No namespaces, cgroup, seccomp,
# credentials or root: the difference to the G1/L1 rows is the sandbox's whole cost.
#
#   python3 -I -S bench/runner_floor.py HumanEval.jsonl N     (prints one line, like cell.py)
import gc
import json
import os
import resource
import statistics
import sys
import tempfile
import time

RUNNERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "grader", "python")
sys.path.insert(0, RUNNERS)
import harness_proxy, proctor_channel, proctor_options, proctor_wire  # noqa: E402,F401
import collections, functools, itertools, linecache, math, re, types, typing  # noqa: E401,F401
import importlib.util  # noqa: E402,F401

problems = [json.loads(line) for line in open(sys.argv[1])]
n = int(sys.argv[2])
work = tempfile.mkdtemp(prefix="proctor-runner-floor-")
dirs = []
for i, p in enumerate(problems):
    d = os.path.join(work, str(i))
    os.mkdir(d)
    for name, text in (("prompt.py", p["prompt"]), ("tests.py", p["test"]),
                       ("solution.py", p["prompt"] + p["canonical_solution"])):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    dirs.append((d, p["entry_point"]))
scripts = {name: compile(open(os.path.join(RUNNERS, name)).read(), os.path.join(RUNNERS, name),
                         "exec") for name in ("unit_runner.py", "call_runner.py")}
gc.collect()
gc.freeze()


def child(script, argv, cwd, stdout_fd, close):
    for fd in close:
        os.close(fd)
    os.chdir(cwd)
    os.dup2(stdout_fd, 1)
    path = os.path.join(RUNNERS, script)
    sys.argv = [path] + argv
    try:
        exec(scripts[script], {"__name__": "__main__", "__file__": path})
    except SystemExit:
        pass
    os._exit(0)


def grade(i):
    d, entry = dirs[i % len(dirs)]
    req_r, req_w = os.pipe()
    resp_r, resp_w = os.pipe()
    out_r, out_w = os.pipe()
    null = os.open(os.devnull, os.O_WRONLY)
    sol = os.fork()
    if sol == 0:
        child("call_runner.py", ["--solution", "solution.py", "--requests-fd", str(req_r),
                                 "--responses-fd", str(resp_w)], d, null,
              (req_w, resp_r, out_r, out_w))
    har = os.fork()
    if har == 0:
        child("unit_runner.py", ["--mode", "humaneval", "--tests", "tests.py", "--requests-fd",
                                 str(req_w), "--responses-fd", str(resp_r), "--prompt",
                                 "prompt.py", "--entry", entry], d, out_w,
              (req_r, resp_w, out_r, null))
    for fd in (req_r, req_w, resp_r, resp_w, out_w, null):
        os.close(fd)
    out = b""
    while True:
        chunk = os.read(out_r, 65536)
        if not chunk:
            break
        out += chunk
    os.close(out_r)
    os.waitpid(sol, 0)
    os.waitpid(har, 0)
    return b'"outcome": "passed"' in out and b'"done": true' in out


times, passed = [], 0
flt0 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_minflt
t0 = time.perf_counter()
for i in range(n):
    t = time.perf_counter()
    passed += grade(i)
    times.append((time.perf_counter() - t) * 1e3)
total = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"runners n={n} p50 {statistics.median(times):.2f} ms  p99 {sorted(times)[int(.99 * n)]:.2f} "
      f"ms  {n / total:.0f}/s sequential  passed {passed}/{n}  faults/run "
      f"{(ru.ru_minflt - flt0) / n:.0f}")
