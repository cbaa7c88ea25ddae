#!/usr/bin/env python3
"""Soak: `proctor serve` under a long mixed load, sampled for leaks, every answer checked.

Starts its own `proctor serve` (free ports; its own TMPDIR and compile cache in a temporary
work folder) on the soak pack (bench/soak/pack), tasks/basics and tasks/adversarial, and
drives `--gradings N` gradings through the repository's asyncio client from `--lanes`
connections: honest and wrong programs, GRPO groups, C++ compile-cache hits and misses,
hostile programs (bench/soak/hostile, and the shared corpus ../shared/adversarial when it is
there), env episodes, deadline-expired, cancelled and abandoned requests, raw sockets that
disconnect mid-request, idempotent retries, invalid requests (load.py says how often).

Every `--sample-every` gradings it samples the server's and fork server's RSS, descriptors and
threads, the processes and cgroups under Proctor's parent cgroup, mount tables, the compile
cache and the latency of the window (samplers.py). At the end it waits for the server to go
idle and prints the samples as a table, the bounds, and the verdict (verdict.py): nothing grew
beyond its bound after warm-up, the server is back to its resting shape, every awaited request
was answered exactly once, every reward was the expected one, and the server's own stats agree
with what was sent. Exit status 0 when every check holds, 1 when one fails, 2 on a usage or
start-up error. Progress goes to stderr, the table and verdict to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SOURCE, "python"))

from proctor_client.aio import AsyncProctorClient  # noqa: E402
from proctor_client.errors import ProctorError  # noqa: E402

import hostile  # noqa: E402
import load as load_mod  # noqa: E402
import samplers  # noqa: E402
import verdict  # noqa: E402
from ledger import CountingClient, Ledger  # noqa: E402

PACKS = [os.path.join(HERE, "pack"), os.path.join(SOURCE, "tasks", "basics"),
         os.path.join(SOURCE, "tasks", "adversarial")]


def log(message: str) -> None:
    print(f"soak: {message}", file=sys.stderr, flush=True)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        prog="bench/soak/soak.py",
        description="Runs `proctor serve` under a long mixed load and checks that nothing "
                    "leaks and every answer is right (see the module docstring and "
                    "bench/README.md, \"Soak\").")
    ap.add_argument("--gradings", type=int, default=100_000,
                    help="gradings to run (default 100000; the CI-sized run is 5000)")
    ap.add_argument("--sample-every", type=int, default=0, metavar="N",
                    help="sample every N gradings (default: gradings / 40, at least 100)")
    ap.add_argument("--build-dir", default=os.path.join(SOURCE, "build"),
                    help="where proctor, proctor-zygote and proctor-keeper are "
                         "(default: build/)")
    ap.add_argument("--workers", type=int, default=2, help="the server's --workers (default 2)")
    ap.add_argument("--lanes", type=int, default=6,
                    help="client connections, one unit in flight each (default 6)")
    ap.add_argument("--no-corpus", action="store_true",
                    help="leave out the shared corpus even when ../shared/adversarial exists")
    ap.add_argument("--ci", action="store_true",
                    help="as the test suite runs it (CTest soak_ci): latency is reported, not "
                         "judged, since the suite's other tests share the cores")
    ap.add_argument("--json", metavar="FILE", help="also write the samples and checks as JSON")
    ap.add_argument("--keep-work", action="store_true",
                    help="keep the temporary work folder (server stderr, caches)")
    args = ap.parse_args(argv)
    if args.gradings <= 0 or args.lanes <= 0 or args.workers <= 0:
        ap.error("--gradings, --lanes and --workers must be positive")
    if args.sample_every <= 0:
        args.sample_every = max(100, args.gradings // 40)
    return args


# --- the server ---------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    _libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG


class Server:
    def __init__(self, args: argparse.Namespace, work: str):
        self.binary = os.path.join(args.build_dir, "proctor")
        if not os.access(self.binary, os.X_OK):
            raise SystemExit(f"soak: {self.binary} is not built (--build-dir names the folder "
                             "holding proctor)")
        self.work = work
        self.tmpdir = os.path.join(work, "tmp")
        self.cache = os.path.join(work, "compile-cache")
        os.makedirs(self.tmpdir)
        # Like /tmp: the sandbox's own user must reach a compiled program's build folder.
        os.chmod(work, 0o755)
        os.chmod(self.tmpdir, 0o1777)
        self.stderr_path = os.path.join(work, "serve.err")
        env = dict(os.environ, TMPDIR=self.tmpdir, PROCTOR_COMPILE_CACHE=self.cache)
        argv = [self.binary, "serve", "--port", "0", "--http-port", "0",
                "--workers", str(args.workers)]
        for pack in PACKS:
            argv += ["--pack", pack]
        self.stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.stderr, env=env,
                                     preexec_fn=_die_with_parent)
        line = self.proc.stdout.readline().decode().split()  # until it listens or exits
        if not line or line[0] != "listening":
            self.proc.kill()
            self.proc.wait()
            raise SystemExit(f"soak: proctor serve did not start:\n{self.tail()}")
        self.port, self.http_port = int(line[1]), int(line[2])
        self.pid = self.proc.pid

    def tail(self, n: int = 3000) -> str:
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, errors="replace") as f:
            return f.read()[-n:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> Optional[int]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        self.stderr.close()
        return self.proc.returncode


# --- the run ------------------------------------------------------------------------------

class Soak:
    def __init__(self, args: argparse.Namespace, server: Server, work: str):
        self.args = args
        self.server = server
        self.work = work
        self.ledger = Ledger()
        self.token = uuid.uuid4().hex[:8]
        self.mark = f"PROCTOR-SOAK-{self.token}"
        self.canary = os.path.join(work, "canary")
        self.secret = uuid.uuid4().hex
        with open(self.canary, "w") as f:
            f.write(self.secret)
        templates = hostile.Templates({
            "SERVER_PORT": str(server.port), "HTTP_PORT": str(server.http_port),
            "CANARY": self.canary, "SECRET": self.secret, "MARK": self.mark})
        use_corpus = not args.no_corpus and os.path.isdir(
            os.path.join(hostile.corpus_dir(), "cases"))
        self.load = load_mod.Load(server.port, self.ledger, templates, self.token, use_corpus)
        self.corpus_cases = len(self.load.corpus_fast) + len(self.load.corpus_slow)
        self.sampler = samplers.Sampler(server.pid, server.cache, server.tmpdir)
        self.samples: List[Dict[str, float]] = []
        self.done = 0
        self.next_sample = args.sample_every
        self.started = time.monotonic()
        self.last_sample_at = (0, self.started)
        self.stats_client: Optional[AsyncProctorClient] = None
        self.config: Dict[str, int] = {}
        self.aborted: Optional[str] = None

    async def stats(self) -> Dict:
        """The server's stats, or {} when it cannot answer (it died: reported, not raised)."""
        try:
            return await self.stats_client.stats()
        except (ProctorError, OSError) as error:
            if self.aborted is None:
                self.aborted = f"stats failed: {error}; proctor serve " + (
                    "alive" if self.server.alive()
                    else f"died (exit {self.server.proc.returncode})")
            return {}

    async def take_sample(self, label: str = "") -> Dict[str, float]:
        s = self.sampler.sample()
        stats = await self.stats()
        now = time.monotonic()
        window = self.load.window
        self.load.window = {}
        honest = window.get("python_honest", [])
        everything = [x for values in window.values() for x in values]
        done0, t0 = self.last_sample_at
        s.update({
            "gradings": self.done, "elapsed_s": now - self.started,
            "honest_p50_ms": verdict.percentile(honest, 0.50) * 1000,
            "honest_p99_ms": verdict.percentile(honest, 0.99) * 1000,
            "all_p99_ms": verdict.percentile(everything, 0.99) * 1000,
            "rate": (self.done - done0) / (now - t0) if now > t0 and label != "start" else 0.0,
            "kept_keys": self.ledger.kept_now(now),
            "sessions": stats.get("sessions", 0), "connections": stats.get("connections", 0),
            "in_flight": stats.get("in_flight", 0), "queue_depth": stats.get("queue_depth", 0),
        })
        if label:
            s["label"] = label
        self.last_sample_at = (self.done, now)
        return s

    async def lane(self, i: int, schedule: load_mod.Schedule) -> CountingClient:
        client = CountingClient(port=self.server.port, timeout=load_mod.REQUEST_TIMEOUT,
                                ledger=self.ledger, name=f"lane-{i}")
        await client.connect()
        while self.aborted is None:
            unit = schedule.next()
            if unit is None:
                break
            await self.load.run(unit, client)
            if client.closed and self.aborted is None:
                self.aborted = f"lane {i}'s connection was lost ({client._failure})"
            if not self.server.alive():
                self.aborted = f"proctor serve died (exit {self.server.proc.returncode})"
            self.done += unit.gradings
            if self.done >= self.next_sample and self.aborted is None:
                self.next_sample += self.args.sample_every
                s = await self.take_sample()
                self.samples.append(s)
                log(f"{self.done}/{self.args.gradings} gradings, {s['elapsed_s']:.0f} s, "
                    f"{s['rate']:.1f}/s; server {s['server_rss_mib']:.1f} MiB "
                    f"{s['server_fds']:.0f} fds {s['server_threads']:.0f} threads; zygote "
                    f"{s['zygote_rss_mib']:.1f} MiB; procs {s['processes']:.0f}, run cgroups "
                    f"{s['run_cgroups']:.0f}, slots {s['slot_cgroups']:.0f}; cache "
                    f"{s['cache_mib']:.1f} MiB; honest p50 {s['honest_p50_ms']:.1f} ms; "
                    f"{len(self.ledger.failures)} failures")
        return client

    async def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.server.alive():
            st = await self.stats()
            if st.get("in_flight") == 0 and st.get("queue_depth") == 0:
                return True
            await asyncio.sleep(0.1)
        return False

    async def wait_sample(self, condition, timeout: float) -> Dict[str, float]:
        """Samples until `condition(sample)` holds (cleanup after the last run is
        asynchronous) or `timeout` passes; returns the last sample."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.sampler.sample()
            if condition(s) or time.monotonic() > deadline:
                return s
            await asyncio.sleep(0.1)

    async def run(self) -> Dict:
        self.stats_client = AsyncProctorClient(port=self.server.port, timeout=60)
        await self.stats_client.connect()
        health = await self.stats_client.health()
        before = await self.stats_client.stats()
        self.config = {"workers": before.get("workers", self.args.workers),
                       "warm_slots": before.get("warm_slots", 0),
                       "controllers": len(self.sampler.cgroup_parents)}
        await self.wait_sample(lambda s: s["slot_cgroups"] >= min(1, self.config["warm_slots"]),
                               10)
        start = await self.take_sample("start")
        schedule = load_mod.Schedule(self.args.gradings)
        log(f"server pid {self.server.pid} on 127.0.0.1:{self.server.port}, "
            f"{self.config['workers']} workers, {self.config['warm_slots']} warm slots; "
            f"{self.args.gradings} gradings from {self.args.lanes} lanes, a sample every "
            f"{self.args.sample_every}; shared corpus: "
            f"{self.corpus_cases or 'absent (the soak’s own hostile set stands in)'}")
        lanes = await asyncio.gather(*(self.lane(i, schedule)
                                       for i in range(self.args.lanes)))
        elapsed = time.monotonic() - self.started
        idle = self.server.alive() and await self.wait_idle(120)
        # Answers to abandoned ("late") requests are written before the health answer that
        # follows them on the same connection: after it, every answer has arrived.
        for client in lanes:
            if not client.closed:
                try:
                    await client.health()
                except Exception as error:  # recorded: a lane that cannot answer is a failure
                    self.ledger.fail(f"{client.name}: final health failed: {error}")
            client.settle()
            await client.close()
        end = await self.wait_sample(
            lambda s: s["run_cgroups"] == 0 and s["tmpdir_entries"] == 0
            and s["processes"] == s["zygotes"] + s["slot_cgroups"], 30)
        deadline = time.monotonic() + 10
        after = await self.stats()
        while after and after.get("connections") != 1 and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            after = await self.stats()
        end.update({"gradings": self.done, "elapsed_s": time.monotonic() - self.started,
                    "label": "end"})
        await self.stats_client.close()
        return {"health": health, "before": before, "after": after, "start": start,
                "end": end, "elapsed": elapsed, "idle": idle}

    def host_checks(self) -> List[verdict.Check]:
        leftovers = [p for p in (self.canary + ".written", os.path.join("/tmp", self.mark),
                                 os.path.join("/etc", self.mark),
                                 os.path.join(self.server.tmpdir, self.mark))
                     if os.path.exists(p)]
        return [verdict.Check("no file of an escape attempt on the host", not leftovers,
                              f"{leftovers or 'none'}")]


def shutdown_checks(server: Server, pid_cgroups: samplers.Sampler,
                    zygotes: List[int]) -> List[verdict.Check]:
    code = server.stop()
    out = [verdict.Check("the server exits 0 on SIGTERM", code == 0, f"exit {code}")]
    deadline = time.monotonic() + 10
    while True:
        left = pid_cgroups.cgroups(zygotes)
        if left["cgroup_dirs_all"] == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    out.append(verdict.Check("after exit: none of its cgroups left", left["cgroup_dirs_all"] == 0,
                             f"{left['cgroup_dirs_all']} directories"))
    return out


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    work = tempfile.mkdtemp(prefix="proctor-soak-")
    server = None
    try:
        server = Server(args, work)
        soak = Soak(args, server, work)
        result = asyncio.run(soak.run())
        zygotes = soak.sampler.zygotes(samplers.process_table())
        samples = soak.samples
        checks: List[verdict.Check] = []
        if soak.aborted:
            checks.append(verdict.Check("the load ran to the end", False, soak.aborted))
        checks.append(verdict.Check("server idle after the load", bool(result["idle"]),
                                    "in_flight and queue_depth 0" if result["idle"]
                                    else "still busy after 120 s" if server.alive()
                                    else "the server is dead"))
        checks += verdict.bound_checks(samples, soak.config)
        checks.append(verdict.latency_check(samples, judged=not args.ci))
        checks += verdict.quiesce_checks(result["end"], soak.config)
        checks += verdict.answer_checks(soak.ledger, result["before"], result["after"])
        checks += soak.host_checks()
        checks += shutdown_checks(server, soak.sampler, zygotes)
        failed = [c for c in checks if not c.ok]
        warm = verdict.warmup_count(len(samples))
        rows = [result["start"]] + samples + [result["end"]]
        print(report(args, soak, result, rows, warm, checks, failed))
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"samples": rows, "checks": [c.__dict__ for c in checks],
                           "kinds": dict(soak.ledger.kinds),
                           "gradings_by_kind": dict(soak.ledger.gradings_by_kind)}, f, indent=1)
        if failed:
            log(f"FAIL: {len(failed)} of {len(checks)} checks failed; server stderr tail:\n"
                + server.tail(1500))
        return 1 if failed else 0
    except SystemExit as error:
        if isinstance(error.code, str):
            print(error.code, file=sys.stderr)
            return 2
        raise
    finally:
        if server is not None and server.alive():
            server.stop()
        if args.keep_work:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(args, soak: Soak, result: Dict, rows, warm: int, checks, failed) -> str:
    ledger = soak.ledger
    lines = [
        f"## Soak: {soak.done} gradings in {result['elapsed']:.0f} s "
        f"({soak.done / max(result['elapsed'], 1e-9):.1f}/s)",
        "",
        f"- date {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"`proctor serve --workers {soak.config['workers']}` ({soak.config['warm_slots']} warm "
        f"slots), {args.lanes} client connections; a sample every {args.sample_every} "
        f"gradings, the first {warm} samples are warm-up (w)",
        f"- shared corpus: {soak.corpus_cases} cases" if soak.corpus_cases else
        "- shared corpus: absent (its picks graded the soak's own hostile set)",
        f"- requests sent: {dict(sorted(ledger.sent_by_method.items(), key=str))}; awaited "
        f"{ledger.awaited}, answered once {ledger.answered}",
        "",
        verdict.table(rows, warm + 1),
        "",
        "Units by kind (latency: the unit's whole exchange at the client, queueing included):",
        "",
        verdict.kinds_table(ledger, soak.load.latencies, [k for k, _ in load_mod.WEIGHTS]),
        "",
        "Bounds:",
        "",
        verdict.bounds_text(),
        "",
        "Checks:",
        "",
        verdict.render(checks),
        "",
        f"**Verdict: {'PASS' if not failed else 'FAIL'}** ({len(checks) - len(failed)} of "
        f"{len(checks)} checks hold)",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
