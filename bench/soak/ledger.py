"""What was sent and what came back: the soak's account of every request.

`CountingClient` is the repository's asyncio client (`proctor_client.aio`) with two hooks: it
notes every request line it sends (id and method) and every response line it receives (by
id), before the client itself matches them, so a response that arrives twice, or for an id
never sent, is seen even though the client would drop it silently. `Ledger` gathers those
counts over all connections, the requests sent on raw sockets, and every failed expectation.
"""

from __future__ import annotations

import collections
import time
from typing import Any, Dict, List, Optional

from proctor_client import protocol as p
from proctor_client.aio import AsyncProctorClient


KEY_LIMIT = 10000     # the server's idempotency cache: answers kept ...
KEY_SECONDS = 600.0   # ... each for 10 minutes after it was answered


class Ledger:
    def __init__(self) -> None:
        self.sent_by_method: collections.Counter = collections.Counter()  # full request lines
        self.awaited = 0          # requests whose answer a client waited for
        self.answered = 0         # ... and got exactly once
        self.missing: List[str] = []
        self.doubled: List[str] = []
        self.unknown: List[str] = []
        self.failures: List[str] = []  # wrong rewards, wrong errors, ungradeable samples
        self.kinds: collections.Counter = collections.Counter()  # units run, by kind
        self.gradings_by_kind: collections.Counter = collections.Counter()
        # The server's `stats.gradings` must grow by at least `gradings_exact` (every grading
        # an answered request reports, deduplicated) and at most that plus `gradings_maybe`
        # (gradings of cancelled, expired and abandoned requests, which may or may not run).
        self.gradings_exact = 0
        self.gradings_maybe = 0
        self.replays_expected = 0  # requests answered through an idempotency key
        self.deadline_expired = 0  # answered with -32001, as expected
        self.invalid_params = 0    # answered with -32602, as expected
        self.unknown_session = 0   # answered with -32002, as expected
        self.maybe_expired = 0     # cancelled or abandoned: may end as -32001 (nobody hears it)
        # Idempotency keys whose answer the server keeps (a result without ungradeable
        # samples; errors are not kept): key -> when it was first answered. The server keeps
        # the last 10000 for 10 minutes (docs/protocol.md), and that memory is not a leak.
        self.kept_keys: Dict[str, float] = {}

    def kept_now(self, now: float) -> int:
        """How many answers the server's idempotency cache holds now, by its rules."""
        recent = sum(1 for t in self.kept_keys.values() if t >= now - KEY_SECONDS)
        return min(KEY_LIMIT, recent)

    def fail(self, message: str) -> None:
        if len(self.failures) < 200:
            self.failures.append(message)
        elif len(self.failures) == 200:
            self.failures.append("... (more failures not listed)")


class CountingClient(AsyncProctorClient):
    """An `AsyncProctorClient` whose sent requests and received responses are counted."""

    def __init__(self, *args: Any, ledger: Ledger, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ledger = ledger
        self.name = name
        self.sent: Dict[Any, str] = {}
        self.keys: Dict[Any, str] = {}  # id -> idempotency key of a grade request
        self.answers: collections.Counter = collections.Counter()
        self.abandoned: set = set()  # ids sent on purpose without waiting (cancel tests)

    async def _send(self, message: Dict[str, Any]) -> None:
        await super()._send(message)
        self.ledger.sent_by_method[message.get("method")] += 1
        if message.get("id") is not None:
            self.sent[message["id"]] = message.get("method")
            key = (message.get("params") or {}).get("idempotency_key")
            if key is not None:
                self.keys[message["id"]] = key

    def _deliver(self, message: Dict[str, Any]) -> None:
        routed = p.route(message)
        if routed.is_response:
            rid = routed.request_id
            self.answers[rid] += 1
            if rid not in self.sent:
                self.ledger.unknown.append(f"{self.name}: a response for id {rid!r}, never sent")
            elif self.answers[rid] == 2:
                self.ledger.doubled.append(f"{self.name}: id {rid} ({self.sent[rid]}) answered "
                                           "twice")
            key = self.keys.get(rid)
            result = message.get("result")
            if (key is not None and isinstance(result, dict)
                    and not result.get("group", {}).get("ungradeable")):
                self.ledger.kept_keys.setdefault(key, time.monotonic())
        super()._deliver(message)

    def settle(self) -> None:
        """Adds this connection's counts to the ledger (once, when it is done)."""
        for rid, method in self.sent.items():
            if rid in self.abandoned:
                continue
            self.ledger.awaited += 1
            n = self.answers.get(rid, 0)
            if n == 1:
                self.ledger.answered += 1
            elif n == 0:
                self.ledger.missing.append(f"{self.name}: id {rid} ({method}) never answered")

    def last_id(self) -> Optional[int]:
        return max(self.sent) if self.sent else None
