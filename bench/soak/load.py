"""The soak's mixed load: which kinds of request, how often, and what each must get back.

Kinds are interleaved by smooth weighted round-robin (deterministic, evenly spread: a kind of
weight w appears every ~1000/w units), and each kind cycles through its programs, so a run of
any size has every kind in the same proportions. A unit is one request, an env episode or a
small exchange (an idempotent retry: three requests, one grading). Its `gradings` is the
number of submissions it has graded; `--gradings N` runs units until N are planned.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from proctor_client import errors as e
from proctor_client import protocol as p

import hostile as hostile_mod
import programs as progs
from ledger import CountingClient, Ledger

# Per 1000 units. The expensive kinds (hostile programs run into their limits: ~1 s each;
# corpus cases up to 15 s; C++ compile-cache misses ~0.3 s) are rare on purpose.
WEIGHTS: List[Tuple[str, int]] = [
    ("python_honest", 300),  # a reference solution of basics/adversarial/soak, alone: 1.0
    ("python_wrong", 190),   # a wrong solution, alone: 0.0
    ("group", 14),           # a GRPO group of 8: 4 distinct (honest, wrong, a variant of each)
    ("cpp_hit", 90),         # a C++ program graded before: compile-cache hit
    ("cpp_miss", 4),         # a C++ program never seen (a comment with a counter): a miss
    ("hostile", 12),         # the soak's own hostile set (bench/soak/hostile), tight limits
    ("corpus", 4),           # a shared-corpus case, when ../shared/adversarial is present
    ("env_codegen", 40),     # make, reset, one step, close: the step's reward
    ("env_repair", 15),      # make, reset, a wrong step (0.0), an honest step (1.0), close
    ("deadline", 8),         # a spinning program with deadline_ms 100: -32001
    ("cancel", 8),           # a request, then its connection closed before the answer
    ("disconnect", 8),       # a raw socket: a request line (or half of one), then closed
    ("late", 3),             # the client gives up after 50 ms; the answer comes later, once
    ("idempotent", 5),       # one key sent twice at once and once more: graded once
    ("invalid", 5),          # an unknown task (-32602) or an unknown session (-32002)
]

REQUEST_TIMEOUT = 600.0  # seconds a client waits for an answer before calling it missing
DEADLINE_MS = 100


@dataclass
class Unit:
    kind: str
    n: int  # the kind's own counter
    gradings: int


def planned_gradings(kind: str, n: int) -> int:
    return {"group": 8, "env_repair": 2, "idempotent": 1, "invalid": 0,
            "cancel": 1 + 2 * (n % 2)}.get(kind, 1)


class Schedule:
    """Smooth weighted round-robin over WEIGHTS until `target` gradings are planned."""

    def __init__(self, target: int, kinds: Optional[List[str]] = None):
        self.target = target
        self.weights = [(k, w) for k, w in WEIGHTS if kinds is None or k in kinds]
        self.current = {k: 0 for k, _ in self.weights}
        self.counters = {k: 0 for k, _ in self.weights}
        self.total = sum(w for _, w in self.weights)
        self.planned = 0

    def next(self) -> Optional[Unit]:
        if self.planned >= self.target:
            return None
        for k, w in self.weights:
            self.current[k] += w
        kind = max(self.weights, key=lambda kw: self.current[kw[0]])[0]
        self.current[kind] -= self.total
        n = self.counters[kind]
        self.counters[kind] += 1
        unit = Unit(kind, n, planned_gradings(kind, n))
        self.planned += unit.gradings
        return unit


class Load:
    """Runs units and checks their answers into the ledger."""

    def __init__(self, port: int, ledger: Ledger, templates: hostile_mod.Templates,
                 run_token: str, use_corpus: bool):
        self.port = port
        self.ledger = ledger
        self.run_token = run_token
        self.python = progs.python_programs()
        self.honest = [x for x in self.python if x.reward == 1.0]
        self.wrong = [x for x in self.python if x.reward == 0.0]
        self.cpp = progs.cpp_programs()
        self.env_tasks = progs.env_tasks()
        self.own_hostile = hostile_mod.own_set(templates)
        corpus = hostile_mod.corpus() if use_corpus else []
        self.corpus_fast = [c for c in corpus if not c.slow]
        self.corpus_slow = [c for c in corpus if c.slow]
        self.extra_clients = itertools.count(1)
        # Per kind: latencies (s) of the units finished since the last sample.
        self.window: Dict[str, List[float]] = {}
        self.latencies: Dict[str, List[float]] = {}  # per kind, the whole run

    # --- helpers ----------------------------------------------------------------------------

    def _check_result(self, result: Dict[str, Any], reward: float, label: str,
                      verdicts=None, compiled: Optional[bool] = None) -> None:
        if result.get("ungradeable"):
            why = {k: v for k, v in result.items() if k not in ("extraction", "limits", "pack")}
            self.ledger.fail(f"{label}: ungradeable: {str(why)[:300]}")
            return
        if result.get("reward") != reward:
            got = [t.get("verdict") for t in result.get("tests", [])]
            self.ledger.fail(f"{label}: reward {result.get('reward')}, expected {reward} "
                             f"(verdicts {got})")
        if verdicts is not None:
            failing = [t.get("verdict") for t in result.get("tests", [])
                       if t.get("verdict") not in ("passed", "skipped")]
            if not failing or failing[0] not in verdicts:
                self.ledger.fail(f"{label}: first failing verdict "
                                 f"{failing[0] if failing else None}, expected one of "
                                 f"{sorted(verdicts)}")
        if compiled is not None and result.get("compiled") is not compiled:
            self.ledger.fail(f"{label}: compiled {result.get('compiled')}, expected {compiled}")

    async def _grade_one(self, client, prog, verdicts=None, compiled=None) -> None:
        out = await client.grade(prog.task_id, [prog.submission()], pack=prog.pack)
        results = out.get("results", [])
        if len(results) != 1:
            self.ledger.fail(f"{prog.label}: {len(results)} results for 1 submission")
            return
        self._check_result(results[0], prog.reward, prog.label, verdicts, compiled)
        if out.get("group", {}).get("rewards") != [results[0].get("reward")]:
            self.ledger.fail(f"{prog.label}: group rewards {out.get('group', {}).get('rewards')}"
                             f" do not match the result")
        self.ledger.gradings_exact += 1

    def _client(self, kind: str) -> CountingClient:
        return CountingClient(port=self.port, timeout=REQUEST_TIMEOUT, ledger=self.ledger,
                              name=f"{kind}-{next(self.extra_clients)}")

    # --- the kinds --------------------------------------------------------------------------

    async def run(self, unit: Unit, client: CountingClient) -> None:
        self.ledger.kinds[unit.kind] += 1
        self.ledger.gradings_by_kind[unit.kind] += unit.gradings
        t0 = time.monotonic()
        try:
            await getattr(self, "k_" + unit.kind)(unit.n, client)
        except e.ProctorError as error:
            self.ledger.fail(f"{unit.kind} #{unit.n}: unexpected {type(error).__name__}: {error}")
        except (TimeoutError, asyncio.TimeoutError) as error:
            self.ledger.fail(f"{unit.kind} #{unit.n}: no answer in {REQUEST_TIMEOUT:.0f} s: "
                             f"{error}")
        seconds = time.monotonic() - t0
        self.window.setdefault(unit.kind, []).append(seconds)
        self.latencies.setdefault(unit.kind, []).append(seconds)

    async def k_python_honest(self, n, client):
        await self._grade_one(client, self.honest[n % len(self.honest)])

    async def k_python_wrong(self, n, client):
        await self._grade_one(client, self.wrong[n % len(self.wrong)])

    async def k_group(self, n, client):
        pairs = list(zip(self.honest, self.wrong))
        honest, wrong = pairs[n % len(pairs)]
        tag = f"{self.run_token}-g{n}"
        members = [honest, honest, honest, honest.variant(tag), wrong, wrong, wrong,
                   wrong.variant(tag)]
        order = [(i * 5 + n) % 8 for i in range(8)]  # a permutation of 0..7 that varies
        members = [members[i] for i in order]
        out = await client.grade(honest.task_id, [m.submission() for m in members],
                                 pack=honest.pack)
        results = out.get("results", [])
        if len(results) != 8:
            self.ledger.fail(f"group {honest.label}: {len(results)} results for 8")
            return
        for m, r in zip(members, results):
            self._check_result(r, m.reward, f"group {m.label}")
        if out.get("group", {}).get("rewards") != [m.reward for m in members]:
            self.ledger.fail(f"group {honest.label}: rewards {out.get('group', {}).get('rewards')}"
                             f", expected {[m.reward for m in members]}")
        self.ledger.gradings_exact += 4  # identical submissions are graded once

    async def k_cpp_hit(self, n, client):
        await self._grade_one(client, self.cpp[n % len(self.cpp)], compiled=True)

    async def k_cpp_miss(self, n, client):
        prog = progs.cpp_miss_base().variant(f"{self.run_token}-{n}")
        await self._grade_one(client, prog, compiled=True)

    async def k_hostile(self, n, client):
        h = self.own_hostile[n % len(self.own_hostile)]
        await self._grade_one(client, h, verdicts=h.verdicts)

    async def k_corpus(self, n, client):
        if not (self.corpus_fast or self.corpus_slow):
            # No shared corpus here: the soak's own set stands in for it.
            return await self.k_hostile(n + 7, client)
        # Cases that run into the corpus' time limits (5 s wall, re-run) are 1 pick in 8.
        if self.corpus_slow and (n % 8 == 7 or not self.corpus_fast):
            h = self.corpus_slow[(n // 8) % len(self.corpus_slow)]
        else:
            h = self.corpus_fast[(n - n // 8) % len(self.corpus_fast)]
        await self._grade_one(client, h)

    async def k_env_codegen(self, n, client):
        task, honest, wrong = self.env_tasks[n % len(self.env_tasks)]
        prog = honest if n % 3 else wrong
        sid = await client.make("proctor/codegen-v0", {"pack": "basics"})
        try:
            obs, info = await client.reset(sid, options={"task_id": task})
            if (info or {}).get("task_id", task) != task:
                self.ledger.fail(f"codegen {task}: reset gave task {info.get('task_id')}")
            _, reward, terminated, _, info = await client.step(
                sid, {"code": prog.code, "language": "python"})
            self.ledger.gradings_exact += 1
            if info.get("ungradeable") or reward != prog.reward or not terminated:
                self.ledger.fail(f"codegen {prog.label}: reward {reward} terminated "
                                 f"{terminated} ungradeable {info.get('ungradeable')}, expected "
                                 f"{prog.reward}, terminated")
        finally:
            await client.close_env(sid)

    async def k_env_repair(self, n, client):
        task, honest, wrong = self.env_tasks[n % len(self.env_tasks)]
        sid = await client.make("proctor/repair-v0", {"pack": "basics", "max_turns": 3})
        try:
            await client.reset(sid, options={"task_id": task})
            for prog, ends in ((wrong, False), (honest, True)):
                _, reward, terminated, truncated, info = await client.step(
                    sid, {"code": prog.code, "language": "python"})
                self.ledger.gradings_exact += 1
                if (info.get("ungradeable") or reward != prog.reward or terminated != ends
                        or truncated):
                    self.ledger.fail(f"repair {prog.label}: reward {reward} terminated "
                                     f"{terminated} truncated {truncated}, expected "
                                     f"{prog.reward} terminated {ends}")
        finally:
            await client.close_env(sid)

    async def k_deadline(self, n, client):
        try:
            await client.grade("sum", [{"code": progs.SPIN, "language": "python"}], pack="soak",
                               deadline_ms=DEADLINE_MS)
            self.ledger.fail(f"deadline #{n}: a spinning program with deadline_ms "
                             f"{DEADLINE_MS} was answered with a result")
        except e.DeadlineExceeded:
            self.ledger.deadline_expired += 1
        self.ledger.gradings_maybe += 1

    async def k_cancel(self, n, client):
        """A fresh connection sends a grading (one spinner, or three distinct ones: some queued,
        some running) and closes before the answer: the server cancels that work."""
        c = self._client("cancel")
        await c.connect()
        count = 1 + 2 * (n % 2)
        subs = [{"code": progs.SPIN + f"# {self.run_token} cancel {n} {i}\n",
                 "language": "python"} for i in range(count)]
        task = asyncio.ensure_future(c.grade("sum", subs, pack="soak"))
        while c.last_id() is None and not task.done():  # the request line is out
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.03 + 0.01 * (n % 5))  # queued or running by now, usually
        rid = c.last_id()
        if rid is not None:
            c.abandoned.add(rid)
        await c.close()
        try:
            await task
            # Answered before the close: it is then an answered request like any other.
            if rid is not None:
                c.abandoned.discard(rid)
            self.ledger.fail(f"cancel #{n}: a spinner was answered with a result in 40 ms")
        except e.ConnectionClosed:
            pass
        c.settle()
        self.ledger.maybe_expired += 1
        self.ledger.gradings_maybe += count

    async def k_disconnect(self, n, client):
        """A raw socket sends a grade request (a spinner or an honest program) and closes at
        once; every third time only half of the line, which is no request at all."""
        prog = self.honest[n % len(self.honest)]
        code = progs.SPIN if n % 2 else prog.code
        params = p.grade_params(prog.task_id if not n % 2 else "sum",
                                [{"code": code, "language": "python"}],
                                prog.pack if not n % 2 else "soak", None, False, None,
                                p.new_idempotency_key())
        line = p.encode(p.request(1, "grade", params))
        half = n % 3 == 2
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, _send_and_close, self.port,
                                   line[:len(line) // 2] if half else line)
        if not half:
            self.ledger.sent_by_method["grade"] += 1
            self.ledger.maybe_expired += 1
            self.ledger.gradings_maybe += 1

    async def k_late(self, n, client):
        """The client stops waiting after 50 ms; the server still answers (once) later, on the
        same connection, and the answer is counted there."""
        try:
            await client.call("grade", p.grade_params(
                "sum", [{"code": progs.SPIN + f"# {self.run_token} late {n}\n",
                         "language": "python"}], "soak", None, False, None,
                p.new_idempotency_key()), timeout=0.05)
            self.ledger.fail(f"late #{n}: a spinner was answered in 50 ms")
        except TimeoutError:
            pass
        self.ledger.gradings_exact += 1

    async def k_idempotent(self, n, client):
        prog = self.honest[n % len(self.honest)]
        key = f"soak-{self.run_token}-{n}-{uuid.uuid4()}"
        first, joined = await asyncio.gather(
            client.grade(prog.task_id, [prog.submission()], pack=prog.pack, idempotency_key=key),
            client.grade(prog.task_id, [prog.submission()], pack=prog.pack, idempotency_key=key))
        replay = await client.grade(prog.task_id, [prog.submission()], pack=prog.pack,
                                    idempotency_key=key)
        for name, out in (("first", first), ("joined", joined), ("replayed", replay)):
            results = out.get("results", [])
            if len(results) != 1:
                self.ledger.fail(f"idempotent {prog.label} ({name}): {len(results)} results")
                continue
            self._check_result(results[0], prog.reward, f"idempotent {prog.label} ({name})")
        if not (first == joined == replay):
            self.ledger.fail(f"idempotent {prog.label}: the three answers of one key differ")
        self.ledger.gradings_exact += 1
        self.ledger.replays_expected += 2

    async def k_invalid(self, n, client):
        if n % 2 == 0:
            try:
                await client.grade("no-such-task", [{"code": "pass", "language": "python"}],
                                   pack="soak")
                self.ledger.fail(f"invalid #{n}: an unknown task was graded")
            except e.InvalidParams:
                self.ledger.invalid_params += 1
        else:
            try:
                await client.step("s-no-such-session", "pass")
                self.ledger.fail(f"invalid #{n}: a step in an unknown session was answered")
            except e.UnknownSession:
                self.ledger.unknown_session += 1


def _send_and_close(port: int, data: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
