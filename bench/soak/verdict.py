"""The soak's bounds, its checks, and the table it prints.

Warm-up is the first 10% of the samples (at least 2). Each bounded metric's level is its
highest warm-up value; every later sample must stay within the bound stated in `BOUNDS`. At
quiesce (the load over, the server idle) the server must be back to its resting shape:
`QUIESCE` below. The answers are checked against the ledger and the server's own `stats`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple


@dataclass(frozen=True)
class Bound:
    metric: str
    what: str
    # Growth allowed above the warm-up level: max(abs_, rel * level); or a fixed ceiling
    # computed from the server's configuration (`ceiling(config)`).
    abs_: float = 0.0
    rel: float = 0.0
    ceiling: Optional[Callable[[Dict[str, int]], float]] = None
    text: str = ""
    # Extra room at a sample for what a bounded cache may legitimately hold by then, given
    # the sample and the last warm-up sample.
    allowance: Optional[Callable[[Dict[str, float], Dict[str, float]], float]] = None

    def limit(self, level: float, config: Dict[str, int]) -> float:
        if self.ceiling is not None:
            return self.ceiling(config)
        return level + max(self.abs_, self.rel * level)


# RSS the server's idempotency cache may hold per kept answer (measured: about 12 KiB for the
# soak's results as parsed JSON): it keeps the last 10000 answers for 10 minutes, so it fills
# during the first 10000 keyed requests (every client request carries a key) and then stays.
KEPT_ANSWER_MIB = 16 / 1024


def _kept_allowance(sample: Dict[str, float], warm: Dict[str, float]) -> float:
    return KEPT_ANSWER_MIB * max(0.0, sample.get("kept_keys", 0) - warm.get("kept_keys", 0))


BOUNDS: List[Bound] = [
    Bound("server_rss_mib", "server RSS (MiB)", abs_=32, rel=0.20, allowance=_kept_allowance,
          text="warm-up level + max(32 MiB, 20%) + 16 KiB per idempotency answer the server "
               "keeps beyond the warm-up's (at most 10000, for 10 minutes)"),
    Bound("zygote_rss_mib", "fork server RSS (MiB)", abs_=32, rel=0.20,
          text="warm-up level + max(32 MiB, 20%)"),
    Bound("server_fds", "server open descriptors", abs_=16, text="warm-up level + 16"),
    Bound("zygote_fds", "fork server open descriptors", abs_=24,
          text="warm-up level + 24 (runs in flight and slots being destroyed hold some)"),
    Bound("server_threads", "server threads", abs_=4, text="warm-up level + 4"),
    Bound("zygote_threads", "fork server threads", abs_=4, text="warm-up level + 4"),
    Bound("zygotes", "fork servers", ceiling=lambda c: 1, text="exactly one, never restarted"),
    Bound("slot_cgroups", "warm-slot cgroups",
          ceiling=lambda c: c["warm_slots"] + 4 * c["workers"],
          text="at most warm_slots + 4 x workers (a destroyed slot's cgroup goes once its "
               "processes are gone)"),
    Bound("run_cgroups", "run cgroups (live)", ceiling=lambda c: 4 * c["workers"],
          text="at most 4 x workers (runs in flight)"),
    Bound("cgroup_dirs_all", "cgroup directories, every controller",
          ceiling=lambda c: c["controllers"] * (c["warm_slots"] + 5 * c["workers"]),
          text="at most controllers x (warm_slots + 5 x workers)"),
    Bound("proctor_host_mounts", "host mounts naming proctor", abs_=0,
          text="no growth (sandbox mounts live in their own namespaces)"),
    Bound("slot_mounts_max", "largest warm slot's mount table", abs_=8,
          text="warm-up level + 8 (a slot's namespace outlives its runs)"),
    Bound("ns_mounts_max", "largest mount table of any sandbox", abs_=16,
          text="warm-up level + 16 (runs differ by root shape: a compile's binds)"),
    Bound("mount_namespaces", "mount namespaces below the server",
          ceiling=lambda c: c["warm_slots"] + 8 * c["workers"] + 1,
          text="at most warm_slots + 8 x workers + 1 (slots, runs in flight, slots being "
               "destroyed)"),
    Bound("cache_mib", "compile cache (MiB)", ceiling=lambda c: 1024 + 64,
          text="at most its 1 GiB cap + 64 MiB (eviction runs every 64 stores)"),
    Bound("tmpdir_entries", "build folders in the server's TMPDIR",
          ceiling=lambda c: 2 * c["workers"] + 2, text="at most 2 x workers + 2 (in flight)"),
]

# Latency is judged on its trend, not on single windows (a window with a corpus case that
# runs into its 5 s wall limit holds a worker for seconds): the median of the last quarter's
# window p50s against the median of the warm-up's.
LATENCY = ("honest_p50_ms", "p50 latency of a lone honest Python grading (ms), trend",
           "median of the last quarter's window p50s <= 3 x the warm-up's median + 50 ms")

# At quiesce: (metric, what, expected value as a function of the sample and the config).
QUIESCE: List[Tuple[str, str, Callable[[Dict[str, float], Dict[str, int]], float]]] = [
    ("run_cgroups", "no run cgroup left", lambda s, c: 0),
    ("run_cgroup_procs", "no process in a run cgroup", lambda s, c: 0),
    ("slot_cgroups", "at most warm_slots slot cgroups",
     lambda s, c: min(s["slot_cgroups"], c["warm_slots"])),
    ("zygote_children", "the fork server's children: one holder per slot cgroup",
     lambda s, c: s["slot_cgroups"]),
    ("cgroup_procs", "only the holders in Proctor's cgroups", lambda s, c: s["slot_cgroups"]),
    ("processes", "only the fork server and the holders below the server",
     lambda s, c: s["zygotes"] + s["slot_cgroups"]),
    ("cache_tmp", "no half-written compile-cache entry", lambda s, c: 0),
    ("tmpdir_entries", "no build folder left in the server's TMPDIR", lambda s, c: 0),
]

COLUMNS = [
    ("gradings", "gradings", "{:.0f}"), ("elapsed_s", "s", "{:.0f}"),
    ("server_rss_mib", "srv RSS MiB", "{:.1f}"), ("server_fds", "srv fds", "{:.0f}"),
    ("server_threads", "srv thr", "{:.0f}"), ("zygote_rss_mib", "zyg RSS MiB", "{:.1f}"),
    ("zygote_fds", "zyg fds", "{:.0f}"), ("processes", "procs", "{:.0f}"),
    ("zygote_children", "zyg kids", "{:.0f}"), ("run_cgroups", "run cg", "{:.0f}"),
    ("slot_cgroups", "slot cg", "{:.0f}"), ("cgroup_procs", "cg procs", "{:.0f}"),
    ("host_mounts", "host mnt", "{:.0f}"), ("slot_mounts_max", "slot mnt", "{:.0f}"),
    ("ns_mounts_max", "ns mnt", "{:.0f}"),
    ("mount_namespaces", "mnt ns", "{:.0f}"), ("cache_mib", "cache MiB", "{:.1f}"),
    ("cache_entries", "cache n", "{:.0f}"), ("tmpdir_entries", "tmp", "{:.0f}"),
    ("kept_keys", "kept keys", "{:.0f}"),
    ("honest_p50_ms", "p50 ms", "{:.1f}"), ("honest_p99_ms", "p99 ms", "{:.1f}"),
    ("all_p99_ms", "all p99 ms", "{:.0f}"), ("rate", "grad/s", "{:.1f}"),
]


def percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]


def warmup_count(samples: int) -> int:
    return max(2, math.ceil(samples * 0.10))


def table(samples: List[Dict[str, float]], warmup: int) -> str:
    head = "| " + " | ".join(h for _, h, _ in COLUMNS) + " |"
    rule = "|" + "|".join("---:" for _ in COLUMNS) + "|"
    lines = [head, rule]
    for i, s in enumerate(samples):
        cells = []
        for key, _, fmt in COLUMNS:
            v = s.get(key)
            cells.append("—" if v is None or (isinstance(v, float) and math.isnan(v))
                         else fmt.format(v))
        label = s.get("label")
        if label:
            cells[0] = f"{cells[0]} ({label})"
        elif i < warmup:
            cells[0] = f"{cells[0]} (w)"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def bound_checks(samples: List[Dict[str, float]], config: Dict[str, int]) -> List[Check]:
    warm = warmup_count(len(samples))
    out = []
    for b in BOUNDS:
        values = [s[b.metric] for s in samples if b.metric in s and not math.isnan(s[b.metric])]
        if not values:
            out.append(Check(b.what, True, "not measured"))
            continue
        level = max(values[:warm]) if values[:warm] else values[0]
        base = b.limit(level, config)
        first = warm if len(samples) > warm else 0
        last_warm = samples[max(0, min(warm, len(samples)) - 1)]
        worst_excess, worst_i, worst_value, worst_limit = None, first, 0.0, base
        for i in range(first, len(samples)):
            if b.metric not in samples[i] or math.isnan(samples[i][b.metric]):
                continue
            limit = base + (b.allowance(samples[i], last_warm) if b.allowance else 0.0)
            excess = samples[i][b.metric] - limit
            if worst_excess is None or excess > worst_excess:
                worst_excess, worst_i, worst_value, worst_limit = (excess, i,
                                                                   samples[i][b.metric], limit)
        ok = worst_excess is None or worst_excess <= 1e-9
        out.append(Check(b.what, ok, f"warm-up {level:.1f}; closest to its bound: "
                                     f"{worst_value:.1f} at sample {worst_i + 1} (bound there "
                                     f"{worst_limit:.1f}): {b.text}"))
    return out


def latency_check(samples: List[Dict[str, float]], judged: bool) -> Check:
    metric, what, text = LATENCY
    values = [s.get(metric, float("nan")) for s in samples]
    warm = [v for v in values[:warmup_count(len(values))] if not math.isnan(v)]
    tail = [v for v in values[-max(1, len(values) // 4):] if not math.isnan(v)]
    if not warm or not tail:
        return Check(what, True, "not measured")
    level, late = percentile(warm, 0.5), percentile(tail, 0.5)
    limit = 3 * level + 50
    detail = f"warm-up median {level:.1f} ms, last quarter's median {late:.1f} ms, bound " \
             f"{limit:.1f} ms: {text}"
    if not judged:
        return Check(what + " (reported, not judged: --ci)", True, detail)
    return Check(what, late <= limit, detail)


def quiesce_checks(sample: Dict[str, float], config: Dict[str, int]) -> List[Check]:
    out = []
    for metric, what, expected in QUIESCE:
        want = expected(sample, config)
        got = sample.get(metric)
        out.append(Check(f"at quiesce: {what}", got == want, f"{metric} {got}, expected {want}"))
    return out


def answer_checks(ledger, before: Dict, after: Dict) -> List[Check]:
    """The ledger against itself and against the server's stats (deltas over the run)."""
    out = [
        Check("every awaited request answered exactly once",
              not ledger.missing and not ledger.doubled and not ledger.unknown
              and ledger.answered == ledger.awaited,
              f"{ledger.answered}/{ledger.awaited} answered once; {len(ledger.missing)} missing,"
              f" {len(ledger.doubled)} doubled, {len(ledger.unknown)} for unknown ids"
              + "".join(f"\n    {m}" for m in (ledger.missing + ledger.doubled
                                               + ledger.unknown)[:20])),
        Check("every reward, verdict and error the expected one", not ledger.failures,
              f"{len(ledger.failures)} failures" + "".join(f"\n    {f}"
                                                           for f in ledger.failures[:40])),
    ]

    def delta(path: List[str]) -> int:
        def get(d):
            for k in path:
                d = d.get(k, {}) if isinstance(d, dict) else {}
            return d if isinstance(d, (int, float)) else 0
        return int(get(after) - get(before))

    for method in ("grade", "env.make", "env.reset", "env.step", "env.close"):
        sent = ledger.sent_by_method.get(method, 0)
        got = delta(["requests_by_method", method])
        out.append(Check(f"server counted every {method} request once", got == sent,
                         f"stats.requests_by_method[{method}] +{got}, sent {sent}"))
    replays = delta(["idempotent_replays"])
    out.append(Check("idempotent replays: exactly the retries sent", replays == ledger.replays_expected,
                     f"stats.idempotent_replays +{replays}, expected {ledger.replays_expected}"))
    g = delta(["gradings"])
    lo, hi = ledger.gradings_exact, ledger.gradings_exact + ledger.gradings_maybe
    out.append(Check("server gradings match the requests", lo <= g <= hi,
                     f"stats.gradings +{g}; answered requests report {lo} distinct gradings, "
                     f"cancelled/expired ones up to {ledger.gradings_maybe} more"))
    ungradeable = delta(["gradings_by_outcome", "ungradeable"])
    out.append(Check("no ungradeable grading but cancelled ones",
                     ungradeable <= ledger.gradings_maybe,
                     f"stats ungradeable +{ungradeable} (at most the {ledger.gradings_maybe} "
                     f"cancelled/expired gradings)"))
    expired = delta(["errors_by_code", "-32001"])
    out.append(Check("deadline errors: the expired requests, and cancelled ones at most",
                     ledger.deadline_expired <= expired
                     <= ledger.deadline_expired + ledger.maybe_expired,
                     f"stats -32001 +{expired}; expired {ledger.deadline_expired}, cancelled or "
                     f"abandoned {ledger.maybe_expired}"))
    for code, want, what in (("-32602", ledger.invalid_params, "invalid params"),
                             ("-32002", ledger.unknown_session, "unknown session"),
                             ("-32603", 0, "internal error"), ("-32000", 0, "overloaded")):
        got = delta(["errors_by_code", code])
        out.append(Check(f"{what} errors ({code}): exactly the ones provoked", got == want,
                         f"stats {code} +{got}, expected {want}"))
    known = {"-32001", "-32602", "-32002", "-32603", "-32000"}
    others = {k: v - before.get("errors_by_code", {}).get(k, 0)
              for k, v in after.get("errors_by_code", {}).items() if k not in known}
    others = {k: v for k, v in others.items() if v}
    out.append(Check("no other error code", not others, f"{others or 'none'}"))
    for key, want in (("sessions", 0), ("in_flight", 0), ("queue_depth", 0), ("connections", 1)):
        out.append(Check(f"at quiesce: stats.{key} == {want}", after.get(key) == want,
                         f"stats.{key} {after.get(key)}"))
    return out


def render(checks: List[Check]) -> str:
    lines = []
    for c in checks:
        lines.append(f"- {'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}")
    return "\n".join(lines)


def bounds_text() -> str:
    lines = ["| metric | bound after warm-up |", "|---|---|"]
    for b in BOUNDS:
        lines.append(f"| {b.what} | {b.text} |")
    lines.append(f"| {LATENCY[1]} | {LATENCY[2]} |")
    for _, what, _ in QUIESCE:
        lines.append(f"| at quiesce | {what} |")
    return "\n".join(lines)


def kinds_table(ledger, latencies: Dict[str, List[float]], order: List[str]) -> str:
    lines = ["| kind | units | gradings | p50 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|"]
    for kind in order:
        values = latencies.get(kind, [])
        if not values:
            continue
        lines.append(f"| {kind} | {ledger.kinds[kind]} | {ledger.gradings_by_kind[kind]} | "
                     f"{percentile(values, 0.5) * 1000:.0f} | {percentile(values, 0.99) * 1000:.0f}"
                     f" | {max(values) * 1000:.0f} |")
    return "\n".join(lines)
