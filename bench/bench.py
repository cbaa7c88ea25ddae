"""Proctor's throughput benchmark (issues 11 and 5): every row in one run on this machine.

Run it through `bash bench/run.sh [--build-dir DIR] [--quick] [--out FILE]` (bench/README.md
says what each row and column means). Standard library only. Progress goes to stderr, the
table to stdout, and a full run writes bench/RESULTS.md. Exits 1 (and writes no results
file) when any reward is not what it must be: a fast grader that grades wrongly is no result.
"""
import argparse
import asyncio
import concurrent.futures
import ctypes
import datetime
import json
import os
import platform
import random
import re
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))
from proctor_client import AsyncProctorClient, ProctorClient  # noqa: E402

PYTHON = "/usr/bin/python3"
GXX = ["/usr/bin/g++", "-std=c++20", "-O2", "-pipe", "-pthread"]  # as grader/languages
CLK_TCK = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024
T0 = time.monotonic()

# --------------------------------------------------------------------------------------------
# small helpers


def log(msg):
    print(f"[{time.monotonic() - T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


class Progress:
    """Prints `label done/total` to stderr at most every 2 s (on one line on a terminal)."""

    def __init__(self, label, total):
        self.label, self.total, self.done = label, total, 0
        self.last = 0.0
        self.tty = sys.stderr.isatty()
        self.lock = threading.Lock()

    def step(self, n=1):
        with self.lock:
            self.done += n
            now = time.monotonic()
            if now - self.last >= 2.0 or self.done == self.total:
                self.last = now
                end = "\n" if (not self.tty or self.done == self.total) else ""
                prefix = "\r" if self.tty else ""
                sys.stderr.write(f"{prefix}    {self.label}: {self.done}/{self.total}{end}")
                sys.stderr.flush()


def describe(result):
    """A short account of a result that did not get the reward it should have."""
    if result is None:
        return "no result"
    verdicts = {}
    for t in result.get("tests", []):
        verdicts[t["verdict"]] = verdicts.get(t["verdict"], 0) + 1
    out = f"{result.get('task_id')}: reward {result.get('reward')}, verdicts {verdicts}"
    if result.get("ungradeable_reason"):
        out += f", ungradeable: {result['ungradeable_reason'][:200]}"
    if result.get("compiled") is False:
        out += f", compile message: {result.get('compile_message', '')[:200]!r}"
    reasons = {t["infra_reason"][:120] for t in result.get("tests", []) if t.get("infra_reason")}
    if reasons:
        out += f", infra: {sorted(reasons)}"
    return out


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))]


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed_map(fn, items, jobs):
    """[fn(item)] run `jobs` at a time, with the wall seconds and child CPU seconds it took."""
    cpu0, t0 = children_cpu(), time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        out = list(pool.map(fn, items))
    return out, time.monotonic() - t0, children_cpu() - cpu0


def proc_table():
    """pid -> (ppid, own + waited-for children's CPU seconds) for every process."""
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2:].split()
        ticks = sum(int(x) for x in rest[11:15])  # utime stime cutime cstime
        table[int(d)] = (int(rest[1]), ticks / CLK_TCK)
    return table


def tree_cpu(pid):
    """CPU seconds of `pid`, of every live descendant and of all descendants they reaped.

    A sandboxed run is reaped by its parent (keeper, supervisor or a fork server) and so
    lands in that parent's cutime/cstime: the sum over the live tree counts every run once.
    """
    table = proc_table()
    kids = {}
    for p, (pp, _) in table.items():
        kids.setdefault(pp, []).append(p)
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        if p in table:
            total += table[p][1]
        todo.extend(kids.get(p, []))
    return total


def tree_pids(pid):
    table = proc_table()
    kids = {}
    for p, (pp, _) in table.items():
        kids.setdefault(pp, []).append(p)
    out, todo = [], list(kids.get(pid, []))
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_hwm(pid):
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


_libc = ctypes.CDLL(None, use_errno=True)


def die_with_parent(sig):
    def preexec():
        _libc.prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG
    return preexec


# --------------------------------------------------------------------------------------------
# process registry: everything started here is stopped on every exit path

_started = []


def start(argv, sig=signal.SIGKILL, **kw):
    p = subprocess.Popen(argv, preexec_fn=die_with_parent(sig), **kw)
    _started.append(p)
    return p


def stop(p, grace=10.0):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in _started:
        _started.remove(p)


def stop_all():
    for p in list(_started):
        try:
            stop(p, grace=5.0)
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)


# --------------------------------------------------------------------------------------------
# data


def load_humaneval(data_dir, limit):
    problems = [json.loads(line) for line in open(os.path.join(data_dir, "HumanEval.jsonl"))]
    wrong = {w["task_id"]: w["completion"] for w in
             (json.loads(line) for line in open(os.path.join(data_dir, "wrong_solutions.jsonl")))}
    if limit:
        problems = problems[:limit]
    return problems, wrong


def write_jsonl(path, rows):
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


CPP_BITS = """#include <bits/stdc++.h>
using namespace std;
// bench program {k} (run {nonce})
int main() {{
    int n;
    cin >> n;
    vector<long long> a(n);
    for (auto& x : a) cin >> x;
    long long s = accumulate(a.begin(), a.end(), 0LL);
    sort(a.begin(), a.end());
    cout << s * {k} + {k} << " " << a.back() + {k} << "\\n";
}}
"""

CPP_IOSTREAM = """#include <iostream>
// bench program {k} (run {nonce})
int main() {{
    long long n, s = 0, m = 0, x;
    std::cin >> n;
    for (long long i = 0; i < n; ++i) {{
        std::cin >> x;
        s += x;
        if (i == 0 || x > m) m = x;
    }}
    std::cout << s * {k} + {k} << " " << m + {k} << "\\n";
}}
"""

CPP_BROKEN = """#include <iostream>
int main() {
    std::cout << undeclared_name << "\\n";
}
"""


def make_cpp_pack(work, count, nonce):
    """A pack of `count` stdio tasks (3 tests each) and one distinct program per task: even
    tasks include <bits/stdc++.h>, odd ones <iostream>. Returns (pack dir, programs)."""
    pack = os.path.join(work, "cpp-pack")
    os.makedirs(os.path.join(pack, "tasks"))
    with open(os.path.join(pack, "pack.yaml"), "w") as f:
        f.write('name: cppbench\nversion: "1"\n'
                "description: generated by bench/bench.py (distinct stdio programs)\n"
                "defaults:\n  limits: {wall_seconds: 5, cpu_seconds: 2, memory_mb: 256, "
                "compile_wall_seconds: 60}\n"
                "  languages: [cpp]\n  scoring: all_or_nothing\n  stdio_compare: tokens\n")
    rng = random.Random(5)
    programs = []
    for k in range(count):
        task_id = f"cpp-{k:02d}"
        tests = []
        for t in range(3):
            a = [rng.randint(-1000, 1000) for _ in range(rng.randint(1, 20))]
            stdin = f"{len(a)}\n{' '.join(map(str, a))}\n"
            out = f"{sum(a) * (k + 1) + (k + 1)} {max(a) + (k + 1)}\n"
            tests.append((stdin, out))
        with open(os.path.join(pack, "tasks", f"{task_id}.yaml"), "w") as f:
            f.write(f"id: {task_id}\ntitle: bench program {k}\n"
                    f"prompt: Read n and n integers; print sum*{k + 1}+{k + 1} and max+{k + 1}.\n"
                    "tests:\n")
            for i, (stdin, out) in enumerate(tests):
                vis = "public" if i == 0 else "hidden"
                f.write(f"  - {{stdio: {{stdin: {json.dumps(stdin)}, "
                        f"expected_stdout: {json.dumps(out)}}}, visibility: {vis}}}\n")
        template = CPP_BITS if k % 2 == 0 else CPP_IOSTREAM
        programs.append({"task_id": task_id, "code": template.format(k=k + 1, nonce=nonce),
                         "bits": k % 2 == 0, "tests": tests})
    return pack, programs


# --------------------------------------------------------------------------------------------
# rows


class Row:
    def __init__(self, rid, name, n):
        self.id, self.name, self.n = rid, name, n
        self.seconds = None
        self.tests = None          # tests graded (None: not defined)
        self.latencies = []        # seconds
        self.cpu = None            # CPU seconds, whole row
        self.hwm_kb = None         # server rows: VmHWM during the row
        self.rewards = ""          # sanity text
        self.baseline = None       # Row the ratio refers to
        self.cores = None          # cores the row could use: min(parallelism, nproc)
        self.fixed_pct = None      # (p50, p99) seconds measured elsewhere (no latency list)
        self.extra = {}

    @property
    def rate(self):
        return self.n / self.seconds if self.seconds else float("nan")

    def pct(self, p):
        """The row's p50 (p=.5) or p99 (p=.99) in seconds, None when not measured."""
        if self.fixed_pct:
            return self.fixed_pct[0 if p == .5 else 1]
        return percentile(self.latencies, p) if self.latencies else None

    def cells(self):
        f = lambda v, fmt: "—" if v is None else fmt.format(v)  # noqa: E731
        ratio = "—"
        if self.baseline is not None and self.baseline is not self:
            ratio = f"{self.rate / self.baseline.rate:.2f}x {self.baseline.id}"
        elif self.baseline is self:
            ratio = "1.00x"
        tests_rate = None if self.tests is None else self.tests / self.seconds
        p50, p99 = self.pct(.5), self.pct(.99)
        return [self.id, self.name, str(self.n), f(self.seconds, "{:.2f}"), f(self.rate, "{:.1f}"),
                f(tests_rate, "{:.1f}"),
                f(tests_rate / self.cores if tests_rate is not None and self.cores else None,
                  "{:.1f}"),
                f(p50 * 1000 if p50 is not None else None, "{:.1f}"),
                f(p99 * 1000 if p99 is not None else None, "{:.1f}"),
                f(self.cpu / self.n if self.cpu is not None else None, "{:.4f}"),
                f(self.hwm_kb / 1024 if self.hwm_kb else None, "{:.1f}"),
                self.rewards, ratio]


HEADER = ["id", "row", "n", "seconds", "subs/s", "tests/s", "tests/s/core", "p50 ms", "p99 ms",
          "CPU s/sub", "server VmHWM MB", "rewards", "vs baseline"]


def markdown_table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    out = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build_dir)
        self.proctor = os.path.join(self.build, "proctor")
        self.jobs = args.jobs
        self.rows = []
        self.failures = []      # rewards that are wrong: the run fails
        self.notes = []
        self.targets = []
        self.layers = None
        self.launcher = "not printed by this proctor build (see the helper processes in the notes)"
        self.env = dict(os.environ)

    # ---- plumbing ----------------------------------------------------------------------------

    def check(self, ok, what):
        if not ok:
            self.failures.append(what)
            log(f"REWARDS WRONG: {what}")
        return ok

    def proctor_grade(self, pack, submissions, label, jobs=None):
        out = os.path.join(self.work, f"{label}.out")
        summary = os.path.join(self.work, f"{label}.summary.json")
        err = os.path.join(self.work, f"{label}.err")
        before = children_cpu()
        t0 = time.monotonic()
        with open(err, "w") as e:
            p = start([self.proctor, "grade", "--pack", pack, "--submissions", submissions,
                       "--jobs", str(jobs or self.jobs), "--no-progress", "--out", out,
                       "--summary-json", summary], stdout=subprocess.DEVNULL, stderr=e,
                      env=self.env)
            while True:  # progress: proctor grade's own bar needs a terminal
                try:
                    rc = p.wait(5)
                    break
                except subprocess.TimeoutExpired:
                    sys.stderr.write(f"    {label.upper()}: running, {time.monotonic() - t0:.0f} s\n")
            _started.remove(p)
        seconds = time.monotonic() - t0
        cpu = children_cpu() - before
        if rc not in (0, 1):
            raise SystemExit(f"proctor grade failed (exit {rc}); see its stderr:\n"
                             + open(err).read()[-3000:])
        results = [json.loads(line) for line in open(out)]
        return results, seconds, cpu, json.load(open(summary))

    def start_server(self, packs):
        err = open(os.path.join(self.work, "serve.err"), "w")
        argv = [self.proctor, "serve", "--port", "0", "--http-port", "-1",
                "--workers", str(self.jobs)]
        for p in packs:
            argv += ["--pack", p]
        p = start(argv, sig=signal.SIGTERM, stdout=subprocess.PIPE, stderr=err, env=self.env)
        deadline = time.monotonic() + 60
        line = b""
        while time.monotonic() < deadline and p.poll() is None:
            r, _, _ = select.select([p.stdout], [], [], 0.5)
            if r:
                line = p.stdout.readline()
                if line.startswith(b"listening"):
                    break
        if not line.startswith(b"listening"):
            stop(p)
            raise SystemExit("proctor serve did not start; its stderr:\n"
                             + open(err.name).read()[-3000:])
        port = int(line.split()[1])
        log(f"proctor serve pid {p.pid} on 127.0.0.1:{port} ({self.jobs} workers)")
        for text in open(err.name, errors="replace"):
            if "runs launched by:" in text:
                self.launcher = text.split("runs launched by:", 1)[1].strip()
        return p, port

    def drive(self, port, requests, connections, label):
        """Sends `requests` ((task_id, [submission, ...], pack)) over `connections` connections,
        each with one request in flight at a time (closed loop). Returns (seconds, results in
        order, per-request latencies)."""
        progress = Progress(label, len(requests))

        async def run():
            clients = [AsyncProctorClient(port=port, retry_overloaded=5) for _ in range(connections)]
            for c in clients:
                await c.connect()
            queue = asyncio.Queue()
            for i, r in enumerate(requests):
                queue.put_nowait((i, r))
            results = [None] * len(requests)
            latencies = [0.0] * len(requests)

            async def worker(c):
                while True:
                    try:
                        i, (task_id, subs, pack) = queue.get_nowait()
                    except asyncio.QueueEmpty:
                        return
                    t = time.monotonic()
                    results[i] = await c.grade(task_id, subs, pack=pack)
                    latencies[i] = time.monotonic() - t
                    progress.step()

            t0 = time.monotonic()
            await asyncio.gather(*(worker(c) for c in clients))
            seconds = time.monotonic() - t0
            for c in clients:
                await c.close()
            return seconds, results, latencies

        return asyncio.run(run())

    def server_died(self, server, where, error):
        try:
            server.wait(2)
        except subprocess.TimeoutExpired:
            return
        rc = server.returncode
        how = f"killed by signal {-rc} ({signal.Signals(-rc).name})" if rc < 0 else f"exit {rc}"
        tail = open(os.path.join(self.work, "serve.err"), errors="replace").read()[-2000:]
        raise SystemExit(f"\nBENCHMARK FAILED: proctor serve died during {where} ({how}; the "
                         f"client saw: {error}). Its stderr ends with:\n{tail}")

    def server_row(self, row, server, fn):
        """Runs `fn()` against the server and charges the row with the server tree's CPU and
        the server's VmHWM over the row."""
        reset_hwm(server.pid)
        cpu0 = tree_cpu(server.pid)
        try:
            out = fn()
        except Exception as error:  # noqa: BLE001 - a dead server explains it better
            self.server_died(server, row.id, error)
            raise
        time.sleep(0.2)  # let the last runs be reaped
        row.cpu = tree_cpu(server.pid) - cpu0
        row.hwm_kb = status_kb(server.pid, "VmHWM")
        helpers = tree_pids(server.pid)
        if helpers:
            row.extra["helper_rss_mb"] = sum(status_kb(p, "VmRSS") for p in helpers) / 1024
            names = {}
            for p in helpers:
                try:
                    name = open(f"/proc/{p}/comm").read().strip()
                except OSError:
                    continue
                names[name] = names.get(name, 0) + 1
            row.extra["helpers"] = names
        return out

    # ---- machine -----------------------------------------------------------------------------

    def machine(self):
        cpu = "unknown"
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = status = ""
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / MB:.1f} GiB"
        # The commit of the sources the binaries were built from (CMakeCache.txt names them).
        source = ROOT
        try:
            for line in open(os.path.join(self.build, "CMakeCache.txt")):
                if line.startswith("CMAKE_HOME_DIRECTORY:"):
                    source = line.split("=", 1)[1].strip()
        except OSError:
            pass
        commit = subprocess.run(["git", "-C", source, "rev-parse", "--short=12", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        if commit:
            dirty = subprocess.run(["git", "-C", source, "status", "--porcelain",
                                    "--untracked-files=no"], capture_output=True,
                                   text=True).stdout.splitlines()
            names = [line[3:] for line in dirty]
            status = (f" (modified in the tree: {', '.join(names)})" if 0 < len(names) <= 5 else
                      f" ({len(names)} tracked files modified in the tree)" if names else "")
        elif self.args.commit:
            commit, status = self.args.commit, ""
        else:
            commit, status = f"unknown ({source} is not a git checkout; see --commit)", ""
        built = datetime.datetime.fromtimestamp(os.path.getmtime(self.proctor)).astimezone()
        status += (f"; binaries in {self.build} built {built.strftime('%Y-%m-%d %H:%M %Z')}"
                   f" from {source}")
        try:
            os_name = dict(line.rstrip().split("=", 1) for line in open("/etc/os-release")
                           if "=" in line).get("PRETTY_NAME", "").strip('"')
        except OSError:
            os_name = ""
        load = os.getloadavg()
        # What a page and a fork cost here: the unit in which every sandboxed run pays.
        probe = os.path.join(self.build, "bench_page_costs")
        page_costs = (subprocess.run([probe], capture_output=True, text=True).stdout.strip()
                      if os.access(probe, os.X_OK) else f"not measured ({probe} not built)")
        self.machine_info = {
            "page_costs": page_costs,
            "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "os": os_name,
            "memory": mem, "load": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
            "commit": commit + status, "python": platform.python_version(),
            "gxx": subprocess.run(["g++", "--version"], capture_output=True,
                                  text=True).stdout.splitlines()[0],
        }
        return self.machine_info

    # ---- the run -----------------------------------------------------------------------------

    def run(self):
        a = self.args
        quick = a.quick
        n_he = 40 if quick else 0           # 0: all 164
        lat_runs = 30 if quick else 200
        grpo_tasks = 8 if quick else 64
        cpp_count = 10 if quick else 50
        over_n = 40 if quick else 0
        idle_sessions = 1000 if quick else 10000
        overhead_runs = 100 if quick else 500

        for binary in ("proctor", "proctor-keeper"):
            if not os.access(os.path.join(self.build, binary), os.X_OK):
                raise SystemExit(f"bench: {self.build}/{binary} not found: build first, e.g.\n"
                                 f"  cmake -S . -B {self.build} -G Ninja -DCMAKE_BUILD_TYPE="
                                 f"RelWithDebInfo && ninja -C {self.build} proctor proctor-keeper"
                                 f" proctor-zygote bench_sandbox_overhead bench_page_costs")
        m = self.machine()
        log(f"machine: {m['cpu']}, {m['cores']} cores, kernel {m['kernel']}, load {m['load']}")
        if os.getloadavg()[0] > (os.cpu_count() or 1) * 0.5:
            log(f"WARNING: load average {m['load']} at start: other work shares this machine "
                f"and every figure below is lower than on a quiet one")
        self.work = tempfile.mkdtemp(prefix="proctor-bench-")
        # A compile cache of this run only: the first C++ pass is cold whatever ran before.
        self.env["PROCTOR_COMPILE_CACHE"] = os.path.join(self.work, "compile-cache")
        try:
            self.run_rows(n_he, lat_runs, grpo_tasks, cpp_count, over_n, idle_sessions,
                          overhead_runs)
        finally:
            stop_all()
            if a.keep_work:
                log(f"work dir kept: {self.work}")
            else:
                shutil.rmtree(self.work, ignore_errors=True)

    def run_rows(self, n_he, lat_runs, grpo_tasks, cpp_count, over_n, idle_sessions,
                 overhead_runs):
        a, work = self.args, self.work
        cores = min(self.jobs, os.cpu_count() or 1)
        problems, wrong = load_humaneval(a.data, n_he)
        n = len(problems)
        log(f"importing HumanEval ({n} problems) into a pack")
        he_pack = os.path.join(work, "humaneval")
        he_src = os.path.join(work, "HumanEval.jsonl")
        write_jsonl(he_src, problems)
        subprocess.run([self.proctor, "pack", "import", "humaneval", he_src, "--out", he_pack],
                       check=True, stdout=subprocess.DEVNULL, env=self.env)
        canon = [{"task_id": p["task_id"], "completion": p["canonical_solution"]} for p in problems]
        wrongs = [{"task_id": p["task_id"], "completion": wrong[p["task_id"]]} for p in problems]
        write_jsonl(os.path.join(work, "canonical.jsonl"), canon)
        write_jsonl(os.path.join(work, "wrong.jsonl"), wrongs)

        # B1 ---------------------------------------------------------------------------------
        log(f"B1 baseline: {n} fresh `python3 -I -S` runs, no sandbox, {self.jobs} at a time")
        os.makedirs(os.path.join(work, "progs"))
        progs = []
        for p in problems:
            path = os.path.join(work, "progs", p["task_id"].replace("/", "_") + ".py")
            with open(path, "w") as f:  # as openai/human-eval builds its check program
                f.write(p["prompt"] + p["canonical_solution"] + "\n" + p["test"] + "\n"
                        + f"check({p['entry_point']})")
            progs.append(path)
        b1 = Row("B1", "baseline: fresh python3 -I -S per program, no sandbox", n)
        progress = Progress("B1", n)

        def run_prog(path):
            t = time.monotonic()
            try:
                rc = subprocess.run([PYTHON, "-I", "-S", path], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, timeout=10).returncode
            except subprocess.TimeoutExpired:
                rc = -1
            progress.step()
            return rc, time.monotonic() - t

        out, b1.seconds, b1.cpu = timed_map(run_prog, progs, self.jobs)
        b1.latencies = [s for _, s in out]
        b1.tests = n
        passed = sum(1 for rc, _ in out if rc == 0)
        b1.rewards = f"{passed}/{n} pass"
        b1.baseline = b1
        b1.cores = cores
        self.check(passed == n, f"B1: {n - passed} canonical programs failed without a sandbox")
        self.rows.append(b1)
        self.b1 = b1

        # F1, F2: the floor (../shared/floor/cell.py) ----------------------------------------
        self.floor = self.floor_rows(he_src, n, b1)

        # G1, G2 -----------------------------------------------------------------------------
        def grade_row(rid, name, file, expect_full, label, jobs=None):
            log(f"{rid} {name}")
            results, seconds, cpu, summary = self.proctor_grade(he_pack, file, label, jobs)
            r = Row(rid, name, len(results))
            r.seconds, r.cpu, r.baseline = seconds, cpu, b1
            r.cores = min(jobs or self.jobs, os.cpu_count() or 1)
            r.latencies = [x.get("wall_seconds", 0) for x in results]
            r.tests = sum(len(x.get("tests", [])) for x in results)
            full = sum(1 for x in results if x.get("reward") == 1.0)
            ung = sum(1 for x in results if x.get("reward") is None)
            r.rewards = f"{full}/{len(results)} = 1.0" + (f", {ung} ungradeable" if ung else "")
            r.extra["grading_seconds"] = summary.get("seconds")
            ok = full == (len(results) if expect_full else 0) and ung == 0
            bad = [describe(x) for x in results
                   if x.get("reward") is None or (x.get("reward") == 1.0) != expect_full]
            self.check(ok, f"{rid}: {r.rewards} (expected {'all' if expect_full else 'none'} = 1.0)"
                       + "".join(f"\n    {b}" for b in bad[:3]))
            self.rows.append(r)
            return r, results

        g1, _ = grade_row("G1", "proctor grade, HumanEval canonical",
                          os.path.join(work, "canonical.jsonl"), True, "g1")
        grade_row("G2", "proctor grade, HumanEval wrong", os.path.join(work, "wrong.jsonl"),
                  False, "g2")

        # J1, J2, J4: proctor grade --jobs N -------------------------------------------------
        self.jrows = []
        for jobs in (1, 2, 4):
            r, _ = grade_row(f"J{jobs}", f"proctor grade --jobs {jobs}, HumanEval canonical",
                             os.path.join(work, "canonical.jsonl"), True, f"j{jobs}", jobs)
            self.jrows.append(r)

        # SB1, SO1: the sandbox's own cost per run -------------------------------------------
        self.sb1, self.so1 = self.overhead_rows(overhead_runs)

        # C++ pack and the plain g++ baselines ---------------------------------------------
        nonce = f"{os.getpid()}-{time.time_ns()}"
        cpp_pack, programs = make_cpp_pack(work, cpp_count, nonce)
        bits = [p for p in programs if p["bits"]]
        plain = [p for p in programs if not p["bits"]]
        cpp_base = {}
        for rid, name, group in (("GB1", "baseline: plain g++ + run, <bits/stdc++.h>", bits),
                                 ("GB2", "baseline: plain g++ + run, <iostream>", plain)):
            log(f"{rid} {name}: {len(group)} programs, {self.jobs} at a time, no sandbox")
            row = Row(rid, name, len(group))
            progress = Progress(rid, len(group))
            compile_times = []

            def build_and_run(p, rid=rid, progress=progress, compile_times=compile_times):
                d = os.path.join(work, "gxx", p["task_id"])
                os.makedirs(d)
                with open(os.path.join(d, "solution.cpp"), "w") as f:
                    f.write(p["code"])
                t = time.monotonic()
                c = subprocess.run(GXX + ["-o", "solution", "solution.cpp"], cwd=d,
                                   capture_output=True)
                compile_times.append(time.monotonic() - t)
                ok = c.returncode == 0
                for stdin, expected in p["tests"]:
                    if not ok:
                        break
                    r = subprocess.run([os.path.join(d, "solution")], input=stdin.encode(),
                                       capture_output=True, timeout=10)
                    ok = r.returncode == 0 and r.stdout.split() == expected.encode().split()
                progress.step()
                return ok, time.monotonic() - t

            out, row.seconds, row.cpu = timed_map(build_and_run, group, self.jobs)
            row.latencies = [s for _, s in out]
            row.tests = 3 * len(group)
            ok = sum(1 for o, _ in out if o)
            row.rewards = f"{ok}/{len(group)} pass"
            row.baseline = row
            row.cores = cores
            row.extra["compile_p50"] = percentile(compile_times, .5)
            self.check(ok == len(group), f"{rid}: {len(group) - ok} programs failed under plain g++")
            self.rows.append(row)
            cpp_base[rid] = row

        # server rows ------------------------------------------------------------------------
        log("starting proctor serve (HumanEval and the generated C++ pack)")
        server, port = self.start_server([he_pack, cpp_pack])
        try:
            with ProctorClient(port=port) as c:
                self.layers = c.health().get("layers")
                self.stats0 = c.stats()
            by_id = {x["task_id"]: x for x in canon}

            # L1: latency on the idle server
            log(f"L1 single grading of HumanEval/0 on the idle server: {lat_runs} sequential requests")
            l1 = Row("L1", "serve: HumanEval/0 alone on an idle server, sequential", lat_runs)
            sub0 = {"completion": by_id["HumanEval/0"]["completion"]}

            def latency():
                lat, bad = [], 0
                with ProctorClient(port=port) as c:
                    for _ in range(5):  # warm-up, not counted
                        c.grade("HumanEval/0", [sub0], pack="humaneval")
                    progress = Progress("L1", lat_runs)
                    t0 = time.monotonic()
                    for _ in range(lat_runs):
                        t = time.monotonic()
                        r = c.grade("HumanEval/0", [sub0], pack="humaneval")
                        lat.append(time.monotonic() - t)
                        bad += r["group"]["rewards"][0] != 1.0
                        progress.step()
                    return time.monotonic() - t0, lat, bad, len(r["results"][0]["tests"])

            l1.seconds, l1.latencies, bad, ntests = self.server_row(l1, server, latency)
            l1.cpu = l1.cpu * lat_runs / (lat_runs + 5)  # the 5 warm-up gradings are not the row's
            l1.tests = ntests * lat_runs
            l1.rewards = f"{lat_runs - bad}/{lat_runs} = 1.0"
            l1.baseline = b1
            l1.cores = 1  # one request in flight
            self.check(bad == 0, f"L1: {bad} gradings of HumanEval/0 not 1.0")
            self.rows.append(l1)

            # S1: 16 connections
            conns = a.connections
            log(f"S1 {n} canonical submissions, one grade request each, {conns} connections")
            s1 = Row("S1", f"serve: HumanEval canonical, {conns} connections", n)
            reqs = [(x["task_id"], [{"completion": x["completion"]}], "humaneval") for x in canon]
            s1.seconds, results, s1.latencies = self.server_row(
                s1, server, lambda: self.drive(port, reqs, conns, "S1"))
            full = sum(1 for r in results if r["group"]["rewards"][0] == 1.0)
            s1.tests = sum(len(r["results"][0]["tests"]) for r in results)
            s1.rewards = f"{full}/{n} = 1.0"
            s1.baseline, s1.cores = b1, cores
            self.check(full == n, f"S1: {full}/{n} canonical = 1.0 through the socket")
            self.rows.append(s1)

            # R1: GRPO-shaped
            idx = sorted({i * len(problems) // grpo_tasks for i in range(grpo_tasks)})
            rng = random.Random(64)
            groups, expected = [], []
            for i in idx:
                p = problems[i]
                c, w = p["canonical_solution"].rstrip("\n"), wrong[p["task_id"]].rstrip("\n")
                items = ([(c + "\n", True)] * 5 + [(c + f"\n    # sample {v}\n", True) for v in range(3)]
                         + [(w + "\n", False)] * 5 + [(w + f"\n    # sample {v}\n", False) for v in range(3)])
                rng.shuffle(items)
                groups.append((p["task_id"], [{"completion": t} for t, _ in items], "humaneval"))
                expected.append([good for _, good in items])
            total = 16 * len(groups)
            unique = sum(len({s["completion"] for s in g[1]}) for g in groups)
            log(f"R1 GRPO-shaped: {len(groups)} tasks x 16 completions ({unique} distinct), "
                f"one grade request per group, {conns} connections")
            r1 = Row("R1", f"serve: GRPO {len(groups)} tasks x 16 (8 distinct/group), "
                           f"{conns} connections", total)
            with ProctorClient(port=port) as c:
                g0 = c.stats()["gradings"]
            r1.seconds, results, r1.latencies = self.server_row(
                r1, server, lambda: self.drive(port, groups, conns, "R1"))
            with ProctorClient(port=port) as c:
                graded = c.stats()["gradings"] - g0
            wrong_rewards, r1_bad = 0, []
            for res, exp in zip(results, expected):
                rewards = res["group"]["rewards"]
                if len(res["results"]) != 16 or len(rewards) != 16:
                    wrong_rewards += 16
                    continue
                for r, good, x in zip(rewards, exp, res["results"]):
                    if r is None or (r == 1.0) != good:
                        wrong_rewards += 1
                        if len(r1_bad) < 3:
                            r1_bad.append(describe(x))
            r1.tests = sum(len(x["tests"]) for res in results for x in res["results"])
            r1.rewards = (f"{total - wrong_rewards}/{total} as expected (8 x 1.0, 8 x 0.0 per group)")
            r1.extra.update(unique=unique, graded=graded)
            r1.baseline, r1.cores = b1, cores
            self.check(wrong_rewards == 0, f"R1: {wrong_rewards} of {total} GRPO rewards wrong"
                       + "".join(f"\n    {b}" for b in r1_bad))
            self.rows.append(r1)

            # C1, C2, C3: C++ through the server
            def cpp_row(rid, name, group):
                log(f"{rid} {name}: {len(group)} programs, {conns} connections")
                row = Row(rid, name, len(group))
                row.cores = cores
                reqs = [(p["task_id"], [{"code": p["code"]}], "cppbench") for p in group]
                row.seconds, results, row.latencies = self.server_row(
                    row, server, lambda: self.drive(port, reqs, conns, rid))
                full = sum(1 for r in results if r["group"]["rewards"][0] == 1.0)
                row.tests = sum(len(r["results"][0]["tests"]) for r in results)
                row.rewards = f"{full}/{len(group)} = 1.0"
                row.extra["wall_p50"] = percentile([r["results"][0]["wall_seconds"] for r in results], .5)
                bad = [describe(r["results"][0]) for r in results if r["group"]["rewards"][0] != 1.0]
                self.check(full == len(group), f"{rid}: {full}/{len(group)} C++ programs = 1.0"
                           + "".join(f"\n    {b}" for b in bad[:3]))
                self.rows.append(row)
                return row

            c1 = cpp_row("C1", "serve: C++ <bits/stdc++.h>, distinct, first time", bits)
            c1.baseline = cpp_base["GB1"]
            c2 = cpp_row("C2", "serve: C++ <iostream>, distinct, first time", plain)
            c2.baseline = cpp_base["GB2"]
            c3 = cpp_row("C3", "serve: the same C++ programs again", programs)
            gb_all = Row("GB", "GB1+GB2", len(programs))
            gb_all.seconds = cpp_base["GB1"].seconds + cpp_base["GB2"].seconds
            gb_all.id = "GB1+GB2"
            c3.baseline = gb_all

            # compile error reported exactly
            d = os.path.join(work, "gxx", "broken")
            os.makedirs(d)
            with open(os.path.join(d, "solution.cpp"), "w") as f:
                f.write(CPP_BROKEN)
            gxx_err = subprocess.run(GXX + ["-o", "solution", "solution.cpp"], cwd=d,
                                     capture_output=True, text=True).stderr
            with ProctorClient(port=port) as c:
                res = c.grade(programs[0]["task_id"], [{"code": CPP_BROKEN}], pack="cppbench")
            rep = res["results"][0]
            quotes = str.maketrans("‘’“”", "''\"\"")  # locale-dependent quotes
            want = [line.split("error:", 1)[1].strip().translate(quotes)
                    for line in gxx_err.splitlines() if "error:" in line]
            msg = rep.get("compile_message", "").translate(quotes)
            self.compile_error_ok = (rep.get("compiled") is False and rep.get("reward") == 0.0
                                     and bool(want) and all(w in msg for w in want))
            self.compile_error_detail = (f"g++ says {want!r}; proctor compiled={rep.get('compiled')}, "
                                         f"reward={rep.get('reward')}, message "
                                         f"{'contains' if self.compile_error_ok else 'LACKS'} it")
            if not self.compile_error_ok:
                self.compile_error_detail += f" ({describe(rep)})"
            self.check(self.compile_error_ok, f"compile error not reported exactly: {self.compile_error_detail}")

        except Exception as error:  # noqa: BLE001 - a dead server explains it better
            self.server_died(server, "the server rows", error)
            raise
        log("stopping the server")
        stop(server)

        # O1: oversubscription ---------------------------------------------------------------
        over = problems[:over_n] if over_n else problems
        k = len(over)
        mixed = ([{"task_id": p["task_id"], "completion": p["canonical_solution"]} for p in over]
                 + [{"task_id": p["task_id"], "completion": wrong[p["task_id"]]} for p in over])
        write_jsonl(os.path.join(work, "mixed.jsonl"), mixed)
        hogs_n = os.cpu_count() or 1
        log(f"O1 {k} canonical + {k} wrong through proctor grade beside {hogs_n} busy loops "
            f"(2x CPU oversubscription)")
        hogs = [start([PYTHON, "-I", "-S", "-c", "while True: pass"]) for _ in range(hogs_n)]
        time.sleep(0.5)
        try:
            results, seconds, cpu, _ = self.proctor_grade(he_pack, os.path.join(work, "mixed.jsonl"),
                                                          "o1")
        finally:
            for h in hogs:
                stop(h)
        o1 = Row("O1", f"proctor grade, canonical + wrong, beside {hogs_n} busy loops", 2 * k)
        o1.seconds, o1.baseline = seconds, b1
        o1.cores = cores  # the cores proctor grade may use; the hogs want them too
        o1.cpu = cpu  # the hogs are reaped after this measure
        o1.latencies = [x.get("wall_seconds", 0) for x in results]
        o1.tests = sum(len(x.get("tests", [])) for x in results)
        passed = sum(1 for x in results[:k] if x.get("reward") == 1.0)
        failed = sum(1 for x in results[k:] if x.get("reward") is not None and x["reward"] < 1.0)
        ung = sum(1 for x in results if x.get("reward") is None)
        tle = sum(1 for x in results[:k] for t in x.get("tests", []) if t["verdict"] == "time_limit")
        o1.rewards = f"canonical {passed}/{k} pass, wrong {failed}/{k} fail" + \
            (f", {ung} ungradeable" if ung else "") + (f", {tle} canonical time_limit" if tle else "")
        o1.extra.update(passed=passed, failed=failed, k=k)
        o1_bad = ([describe(x) for x in results[:k] if x.get("reward") != 1.0]
                  + [describe(x) for x in results[k:] if x.get("reward") is None or x["reward"] >= 1.0])
        for b in o1_bad[:5]:
            self.notes.append(f"O1 got wrong: {b}")
        self.rows.append(o1)

        # I1: idle sessions (bench/idle_sessions.py, when it is there) -------------------
        self.idle = None
        script = os.path.join(ROOT, "bench", "idle_sessions.py")
        if a.skip_idle_sessions:
            self.notes.append("idle sessions: skipped (--skip-idle-sessions)")
        elif os.path.exists(script):
            log(f"I1 {idle_sessions} idle env sessions (bench/idle_sessions.py)")
            p = subprocess.run([sys.executable, script, "--binary", self.proctor, "--pack", he_pack,
                                "--sessions", str(idle_sessions)], capture_output=True, text=True,
                               env=self.env, timeout=1800)
            try:
                self.idle = json.loads(p.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                self.notes.append(f"idle sessions: bench/idle_sessions.py gave no result "
                                  f"(exit {p.returncode}): {p.stderr.strip()[-300:]}")
        else:
            self.notes.append("idle sessions: bench/idle_sessions.py not present; not measured")

        self.g1, self.s1, self.l1, self.r1 = g1, s1, l1, r1
        self.c1, self.c2, self.c3, self.o1 = c1, c2, c3, o1
        self.cpp_base = cpp_base

    # ---- the floor and the sandbox's own cost ------------------------------------------------

    def floor_rows(self, he_src, n, b1):
        """F1, F2: ../shared/floor/cell.py in modes plain and cell-pid-mnt, one instance per
        core used (each runs the n canonical programs forked from its warm interpreter, no
        sandbox). What a fork-per-run grader can reach here: the floor a missed target is
        shown against. Returns {id: Row}; {} with a note when cell.py is not there."""
        script = os.path.join(self.args.floor, "cell.py")
        modes = (("F1", "plain", "fork of a warm python3 per run, no namespaces"),
                 ("F2", "cell-pid-mnt", "plus pid, ipc, mount ns and a tmpfs per run (user, net, "
                                        "uts once)"))
        if not os.path.exists(script):
            self.notes.append(f"F1/F2 (floor): not measured, {script} not present "
                              f"(`--floor DIR` or $PROCTOR_SHARED_DIR)")
            modes = ()
        instances = min(self.jobs, os.cpu_count() or 1)
        out = {}
        for rid, mode, what in modes:
            log(f"{rid} floor: cell.py {mode}, {n} runs x {instances} at a time")
            cpu0 = children_cpu()
            procs = [start([PYTHON, "-I", "-S", script, he_src, mode, str(n)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(instances)]
            runs = []
            for p in procs:
                try:
                    text, err = p.communicate(timeout=600)
                except subprocess.TimeoutExpired:
                    p.kill()
                    text, err = p.communicate()
                _started.remove(p)
                m = re.search(r"p50 ([\d.]+) ms\s+p99 ([\d.]+) ms\s+(\d+)/s", text)
                if p.returncode != 0 or not m:
                    runs = None
                    self.notes.append(f"{rid} (floor, cell.py {mode}): failed (exit "
                                      f"{p.returncode}): {(err or text).strip()[-300:]}")
                    break
                runs.append(tuple(float(x) for x in m.groups()))
            if runs is None:
                continue
            r = Row(rid, f"floor: cell.py {mode}: {what}", n * len(runs))
            rate = sum(x[2] for x in runs)  # each instance's own loop, start-up excluded
            r.seconds = r.n / rate
            r.fixed_pct = (max(x[0] for x in runs) / 1000, max(x[1] for x in runs) / 1000)
            r.cpu = children_cpu() - cpu0
            r.tests, r.cores, r.baseline = r.n, len(runs), b1
            r.rewards = f"{r.n}/{r.n} pass (not graded: exit 0)"
            self.rows.append(r)
            out[rid] = r
        # F3: Proctor's own two runner processes per grading, no sandbox (bench/runner_floor.py,
        # always present): the floor of this grading design, which G1 and L1 are bounded by.
        script3 = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runner_floor.py")
        log(f"F3 floor: runner_floor.py, {n} gradings x {instances} at a time")
        cpu0 = children_cpu()
        procs = [start([PYTHON, "-I", "-S", script3, he_src, str(n)], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True) for _ in range(instances)]
        runs3 = []
        for p in procs:
            text, _ = p.communicate(timeout=600)
            _started.remove(p)
            m = re.search(r"p50 ([\d.]+) ms\s+p99 ([\d.]+) ms\s+(\d+)/s sequential\s+passed "
                          r"(\d+)/", text)
            if p.returncode != 0 or not m:
                runs3 = None
                self.notes.append(f"F3 (floor, runner_floor.py): failed (exit {p.returncode}): "
                                  f"{text.strip()[-300:]}")
                break
            runs3.append(tuple(float(x) for x in m.groups()))
        if runs3:
            r = Row("F3", "floor: Proctor's two runners per grading (unit_runner + call_runner, "
                          "pipes), forked from a warm python3, no sandbox", n * len(runs3))
            r.seconds = r.n / sum(x[2] for x in runs3)
            r.fixed_pct = (max(x[0] for x in runs3) / 1000, max(x[1] for x in runs3) / 1000)
            r.cpu = children_cpu() - cpu0
            r.tests, r.cores, r.baseline = r.n, len(runs3), b1
            passed3 = int(sum(x[3] for x in runs3))
            r.rewards = f"{passed3}/{r.n} pass"
            self.rows.append(r)
            out["F3"] = r
            self.notes.append("F3: bench/runner_floor.py: each canonical HumanEval program graded "
                              "by Proctor's own runner scripts (the harness with the tests, the "
                              "solution serving calls over two pipes), both forked from one warm "
                              "python3 with the runners' modules imported, as in the fork server; "
                              "no namespaces, cgroup, seccomp or root. The unsandboxed cost of "
                              "this grading design: what G1 and L1 can at best reach.")
        if "F1" in out or "F2" in out:
            self.notes.append("F1/F2: the floor from ../shared/floor/cell.py (no sandbox: no "
                              "cgroup, seccomp, credentials or minimal root); subs/s is the sum "
                              "of the instances' own loop rates, p50/p99 the worst instance's.")
        return out

    def overhead_rows(self, runs):
        """SB1, SO1: bench_sandbox_overhead (sandbox_overhead.cc): a trivial Python program
        through Sandbox::Run (SO1) against an unsandboxed fork of an equally warm python3
        (SB1), interleaved in one process, sequential. (None, None) with a note when the tool
        is not built or fails."""
        probe = os.path.join(self.build, "bench_sandbox_overhead")
        if not os.access(probe, os.X_OK):
            self.notes.append(f"SB1/SO1: not measured, {probe} not built "
                              f"(`cmake --build {self.build} --target bench_sandbox_overhead`)")
            return None, None
        if os.path.getmtime(probe) < os.path.getmtime(self.proctor):
            # It links the sandbox library itself: an old build measures old code.
            self.notes.append("SO1: **bench_sandbox_overhead is older than proctor**: it may "
                              "measure an older sandbox library; rebuild it "
                              "(`--target bench_sandbox_overhead`)")
        log(f"SB1/SO1 sandbox overhead: a trivial Python program, {runs} runs each way, "
            f"interleaved (bench_sandbox_overhead)")
        p = subprocess.run([probe, "--runs", str(runs), "--json"], capture_output=True, text=True,
                           env=self.env, timeout=1800)
        try:
            d = json.loads(p.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            d = None
        if p.returncode != 0 or d is None:
            self.notes.append(f"SB1/SO1: bench_sandbox_overhead failed (exit {p.returncode}): "
                              f"{p.stderr.strip()[-400:]}")
            return None, None
        sb1 = Row("SB1", f"baseline: a trivial program, {d['bare']}", d["runs"])
        so1 = Row("SO1", "Sandbox::Run, the same program, interleaved with SB1", d["runs"])
        for r, key in ((sb1, "bare_ms"), (so1, "boxed_ms")):
            r.latencies = [x / 1000 for x in d[key]]
            r.seconds = sum(r.latencies)  # the runs alone, one at a time
            r.tests, r.cores = None, 1
        sb1.baseline, so1.baseline = sb1, sb1
        sb1.rewards = f"{d['runs']}/{d['runs']} exit 0"
        so1.rewards = (f"{d['runs']}/{d['runs']} ok, {d['warm_slot_runs']} in a warm slot")
        so1.extra.update(d)
        self.rows += [sb1, so1]
        self.notes.append(
            f"SO1: the sandbox adds {d['overhead_p50_ms']:.2f} ms at p50 (p50 {d['boxed_p50_ms']:.2f}"
            f" vs {d['bare_p50_ms']:.2f} ms; the p50 of the paired differences "
            f"{d['paired_overhead_p50_ms']:.2f} ms); {d['warm_slot_runs']} of {d['runs']} runs in a "
            f"warm slot (a slot's most runs: {d['max_warm_slot_run']}); launcher: {d['launcher']}. "
            f"Seconds of SB1/SO1 are the sum of their runs' times.")
        return sb1, so1

    # ---- targets -----------------------------------------------------------------------------

    def evaluate_targets(self):
        """self.targets: (issue, target, measured, floor, verdict) rows; issue 11's first."""
        t = self.targets
        b1, g1, s1, l1, r1 = self.b1, self.g1, self.s1, self.l1, self.r1
        c1, c3, o1, gb1, gb2 = self.c1, self.c3, self.o1, self.cpp_base["GB1"], self.cpp_base["GB2"]
        f1, f2, f3 = self.floor.get("F1"), self.floor.get("F2"), self.floor.get("F3")

        def add(issue, target, measured, ok, short="", floor="—"):
            verdict = "met" if ok else "**missed**" + (f" ({short})" if short else "")
            t.append((issue, target, measured, floor, verdict))

        def rate_floor():
            parts = [f"{f.id} {f.rate:.0f}/s = {f.rate / b1.rate:.1f}x B1" for f in (f1, f2, f3)
                     if f]
            return "; ".join(parts) or "not measured"

        def lat_floor():
            parts = [f"{f.id} p50 {f.pct(.5) * 1000:.2f} ms, p99 {f.pct(.99) * 1000:.2f} ms"
                     for f in (f1, f2, f3) if f]
            return "; ".join(parts) or "not measured"

        def times(row, base, need, label):
            ratio = row.rate / base.rate
            add("11", f"{label} >= {need:g}x {base.id} subs/s",
                f"{ratio:.2f}x ({row.id} {row.rate:.1f}/s vs {base.id} {base.rate:.1f}/s)",
                ratio >= need, f"needs {need * base.rate:.1f}/s, {need / ratio:.1f}x faster",
                rate_floor() if base is b1 else "—")

        # issue 11: the headline
        times(g1, b1, 3, f"`proctor grade` HumanEval canonical ({g1.id})")
        p50, p99 = l1.pct(.5) * 1000, l1.pct(.99) * 1000
        over = [f"p50 {p50 - 5:.1f} ms over"] * (p50 > 5) + [f"p99 {p99 - 20:.1f} ms over"] * (p99 > 20)
        add("11", "HumanEval/0 on an idle server, at the client (L1): p50 <= 5 ms, p99 <= 20 ms",
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms", p50 <= 5 and p99 <= 20, ", ".join(over),
            lat_floor())
        so1 = self.so1
        if so1 is not None:
            d = so1.extra
            added = d["overhead_p50_ms"]
            floor = (f"F2 - F1 p50: {(f2.pct(.5) - f1.pct(.5)) * 1000:.2f} ms (namespaces + tmpfs "
                     f"per run, HumanEval programs)" if f1 and f2 else "not measured")
            add("11", "sandbox overhead per run (SO1 vs SB1): at most 1 ms added at p50",
                f"+{added:.2f} ms (SO1 p50 {d['boxed_p50_ms']:.2f} ms vs SB1 {d['bare_p50_ms']:.2f}"
                f" ms; paired {d['paired_overhead_p50_ms']:+.2f} ms; {d['warm_slot_runs']}/"
                f"{d['runs']} warm-slot runs)", added <= 1.0, f"{added - 1:.2f} ms over", floor)
        else:
            t.append(("11", "sandbox overhead per run (SO1 vs SB1): at most 1 ms added at p50",
                      "not measured (see notes)", "—", "—"))
        times(r1, b1, 3, f"GRPO {r1.n // 16} tasks x 16 ({r1.id})")
        ratio = s1.rate / g1.rate
        add("11", f"socket, {self.args.connections} connections (S1) >= 0.9x `proctor grade` (G1)",
            f"{ratio:.2f}x ({s1.rate:.1f}/s vs {g1.rate:.1f}/s)", ratio >= 0.9,
            f"needs {0.9 * g1.rate:.1f}/s")
        k = o1.extra["k"]
        ok = o1.extra["passed"] == k and o1.extra["failed"] == k
        add("11", f"2x CPU oversubscription (O1): all {k} canonical pass, all {k} wrong fail",
            f"{o1.extra['passed']}/{k} pass, {o1.extra['failed']}/{k} fail, {o1.rate:.1f} subs/s",
            ok, f"{k - o1.extra['passed']} canonical not 1.0, {k - o1.extra['failed']} wrong not < 1.0")
        # issue 11: the C++ rows no worse (issue 5's C++ targets, unchanged)
        cold = gb2.extra["compile_p50"]
        again = c3.extra["wall_p50"]
        add("11 (C++, from 5)", "a C++ source graded once is not compiled again (C3)",
            f"C3 grading p50 {again * 1000:.0f} ms vs a plain g++ <iostream> compile p50 "
            f"{cold * 1000:.0f} ms (met when below half of it)", again < cold / 2,
            f"{(again - cold / 2) * 1000:.0f} ms over half")
        ratio = c1.rate / gb1.rate
        add("11 (C++, from 5)", "distinct <bits/stdc++.h> sources (C1) >= 3x plain g++ (GB1)",
            f"{ratio:.2f}x (C1 {c1.rate:.2f}/s vs GB1 {gb1.rate:.2f}/s; plain g++ compile p50 "
            f"{gb1.extra['compile_p50']:.2f} s)", ratio >= 3, f"needs {3 * gb1.rate:.2f}/s")
        add("11 (C++, from 5)", "a compile error is still reported exactly",
            self.compile_error_detail, self.compile_error_ok)
        # kept from issue 5
        u, g = r1.extra["unique"], r1.extra["graded"]
        add("5", "identical completions in a request graded once, reported per completion (R1)",
            f"{r1.n} completions, {u} distinct, server `stats.gradings` +{g}; "
            f"16 results per group", g == u, f"{g - u:+d} gradings")
        if self.idle:
            cost = self.idle.get("cost_bytes", 0) / MB
            hwm = self.idle.get("hwm_after_bytes", 0) / MB
            add("5", f"{self.idle.get('sessions')} idle env sessions cost < 200 MB (I1)",
                f"{cost:.1f} MB more RSS (server VmHWM {hwm:.1f} MB)", cost < 200,
                f"{cost - 200:.1f} MB over")
        else:
            t.append(("5", "10,000 idle env sessions cost < 200 MB (I1)", "not measured (see notes)",
                      "—", "—"))

    # ---- report ------------------------------------------------------------------------------

    def report(self):
        m = self.machine_info
        rows = [r.cells() for r in self.rows]
        table = markdown_table(HEADER, rows)
        targets = markdown_table(["issue", "target", "measured", "floor (same run)", "verdict"],
                                 self.targets)
        layers = ("all on" if self.layers and all(self.layers.values()) else
                  ", ".join(f"{k}={'on' if v else 'OFF'}" for k, v in (self.layers or {}).items()))
        extra = []
        for r in self.rows:
            if "grading_seconds" in r.extra and r.extra["grading_seconds"]:
                extra.append(f"- {r.id}: the grading loop alone (`proctor grade`'s own figure, "
                             f"without start-up and pack loading) took "
                             f"{r.extra['grading_seconds']:.2f} s = "
                             f"{r.n / r.extra['grading_seconds']:.1f}/s.")

        helpers = [r.extra["helper_rss_mb"] for r in self.rows if "helper_rss_mb" in r.extra]
        if helpers:
            names = {}
            for r in self.rows:
                for k, v in r.extra.get("helpers", {}).items():
                    names[k] = max(names.get(k, 0), v)
            named = ", ".join(f"{k} x{v}" for k, v in sorted(names.items()))
            extra.append(f"- Server rows: the server's live helper processes ({named}) held up "
                         f"to {max(helpers):.1f} MB RSS at the end of a row (not in the "
                         f"server's VmHWM).")
        if self.jrows:
            j1 = self.jrows[0]
            nproc = os.cpu_count() or 1
            scaling = ", ".join(
                f"{r.id} {r.rate:.1f} subs/s = {r.rate / j1.rate:.2f}x J1 on {r.cores} "
                f"core{'s' * (r.cores > 1)} ({r.tests / r.seconds / r.cores:.1f} tests/s/core)"
                for r in self.jrows)
            extra.append(f"- `--jobs` scaling on {nproc} cores: {scaling}. tests/s/core is "
                         f"tests/s divided by the cores a row may use, min(jobs, nproc).")
        for key in ("GB1", "GB2"):
            b = self.cpp_base[key]
            extra.append(f"- {key}: plain g++ compile p50 {b.extra['compile_p50']:.2f} s.")
        if self.idle:
            extra.append(f"- I1: {self.idle.get('sessions')} idle sessions opened in "
                         f"{self.idle.get('open_seconds')} s; RSS {self.idle['rss_before_bytes'] / MB:.1f}"
                         f" -> {self.idle['rss_after_bytes'] / MB:.1f} MB.")
        extra += [f"- {n}" for n in self.notes]
        text = f"""## Machine

| | |
|---|---|
| date | {m['date']} |
| CPU | {m['cpu']}, {m['cores']} cores |
| memory | {m['memory']} |
| kernel / OS | {m['kernel']} / {m['os']} |
| load average at start | {m['load']} |
| git commit | {m['commit']} |
| toolchain | {m['gxx']}; Python {m['python']} (driver) |
| page costs (`bench_page_costs`) | {m['page_costs']} |
| isolation layers (server `health`) | {layers} |
| runs launched by | {self.launcher} |
| parallelism | baselines {self.jobs} at a time; `proctor grade --jobs {self.jobs}` (J rows: 1, 2, 4); `proctor serve --workers {self.jobs}`; F rows {min(self.jobs, os.cpu_count() or 1)} instances; SB1/SO1 one run at a time |

## Rows

{table}

## Targets

{targets}

## Notes

{chr(10).join(extra)}
"""
        return text

    def main(self):
        self.run()
        self.evaluate_targets()
        text = self.report()
        print(text)
        out = self.args.out
        if out is None and not self.args.quick:
            out = os.path.join(ROOT, "bench", "RESULTS.md")
        if self.failures:
            print("\nBENCHMARK FAILED: rewards wrong:\n  " + "\n  ".join(self.failures),
                  file=sys.stderr)
            if out:
                # Never over a good results file: beside it, marked invalid.
                out = re.sub(r"(\.md)?$", ".failed.md", out, count=1)
                banner = ("**INVALID RUN: rewards wrong; the figures below do not count.**\n\n"
                          + "".join(f"- {f}\n" for f in self.failures) + "\n")
                with open(out, "w") as f:
                    f.write(RESULTS_HEAD + banner + text + RESULTS_TAIL)
                print(f"(written to {os.path.relpath(out)}, not to the results file)",
                      file=sys.stderr)
            return 1
        if out:
            # Hand-written notes below the marker survive a re-run.
            kept = KEEP_MARKER + "\n"
            try:
                old = open(out).read()
                if KEEP_MARKER in old:
                    kept = old[old.index(KEEP_MARKER):]
            except OSError:
                pass
            with open(out, "w") as f:
                f.write(RESULTS_HEAD + text + RESULTS_TAIL + "\n" + kept)
            log(f"wrote {out}")
        return 0


RESULTS_HEAD = """# Benchmark results

Written by `bash bench/run.sh` (bench/bench.py); every row was measured in the same run on the
machine below. What each row and column means: [README.md](README.md).

"""

KEEP_MARKER = ("<!-- bench/run.sh rewrites everything above this line and keeps everything "
               "below it (notes written by hand). -->")

RESULTS_TAIL = """
Columns: `subs/s` submissions (completions) per second over the row's wall time; `tests/s`
tests graded per second (HumanEval has one unit test per task; the C++ tasks three stdio
tests); `tests/s/core` tests/s divided by the cores the row may use (min(jobs, nproc); L1:
1); `p50/p99 ms` per submission (baselines: one program; `proctor grade`: the result's
`wall_seconds`; server rows: the client's round trip, including the queue behind the other
requests in flight; R1: per group of 16); `CPU s/sub` all CPU of the row (user + system, every
process) per submission; `server VmHWM MB` the server process' peak RSS during the row;
`vs baseline` subs/s as a multiple of the named baseline row.
"""


def main():
    ap = argparse.ArgumentParser(description="Proctor's throughput benchmark (bench/README.md)")
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"),
                    help="where proctor and proctor-keeper are (default build/)")
    ap.add_argument("--quick", action="store_true",
                    help="a smoke run: fewer items everywhere, writes no results file unless --out")
    ap.add_argument("--out", help="results file (default bench/RESULTS.md; none with --quick)")
    ap.add_argument("--data", default=os.path.join(
        os.environ.get("PROCTOR_SHARED_DIR", os.path.join(ROOT, "..", "shared")), "data", "humaneval"),
        help="folder of HumanEval.jsonl and wrong_solutions.jsonl")
    ap.add_argument("--floor", default=os.path.join(
        os.environ.get("PROCTOR_SHARED_DIR", os.path.join(ROOT, "..", "shared")), "floor"),
        help="folder of cell.py (rows F1, F2; skipped with a note when absent)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="baseline parallelism, grade --jobs and serve --workers (default: cores)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--skip-idle-sessions", action="store_true",
                    help="do not run bench/idle_sessions.py")
    ap.add_argument("--commit", help="the commit --build-dir was built from, when its sources "
                    "are not a git checkout (e.g. a `git archive` snapshot)")
    ap.add_argument("--keep-work", action="store_true", help="keep the temporary work folder")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        return Bench(args).main()
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(main())
