"""Reward functions for TRL/veRL-style trainers.

A trainer hands over a flat batch of completions, usually k per prompt (a GRPO group). Proctor
grades a group of one task in a single `grade` request (identical submissions graded once), so
the batch is regrouped by task, the groups are sent concurrently over a small connection pool,
and the rewards are put back in batch order.

A sample that could not be graded gets None, never 0.0: Proctor failing (ungradeable), a lost
connection, a missed deadline or a sample without a task id says nothing about the model, and a
0.0 would teach it that correct code is wrong. Trainers drop None (TRL treats it as NaN).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from . import protocol as p
from .aio import AsyncMethods, AsyncProctorPool
from .errors import ProctorError

log = logging.getLogger("proctor_client")

GroupKey = Tuple[Optional[str], str]  # (pack, task_id)


@dataclass
class Batch:
    """A batch regrouped by task: `groups[key]` lists `(batch index, submission)`."""

    size: int
    groups: Dict[GroupKey, List[Tuple[int, Dict[str, Any]]]] = field(default_factory=dict)


def completion_text(completion: Any) -> Optional[str]:
    """The code in a completion: a str, or TRL's conversational form (a list of messages, the
    last one the model's), or one message dict. None when there is no text to grade."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        content = completion.get("content")
        return content if isinstance(content, str) else None
    if isinstance(completion, Sequence) and completion:
        return completion_text(completion[-1])
    return None


def chat_messages(completion: Any) -> Optional[List[Dict[str, Any]]]:
    """A conversational completion (a list of `{"role", "content"}` messages with at least one
    from the assistant) as the messages to send, so the server grades the last assistant
    message and extracts its code; None for any other shape."""
    if isinstance(completion, (str, bytes)) or not isinstance(completion, Sequence):
        return None
    if not completion or not all(isinstance(m, Mapping) for m in completion):
        return None
    if not any(m.get("role") == "assistant" for m in completion):
        return None
    return [{"role": str(m.get("role")), "content": m.get("content")} for m in completion]


def _per_sample(value: Any, n: int, name: str) -> List[Any]:
    """A per-sample column (list) or one value for the whole batch."""
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{name} has {len(value)} entries for {n} completions")
        return list(value)
    return [value] * n


def group_batch(completions: Sequence[Any], task_ids: Any, packs: Any = None,
                languages: Any = None, field_name: str = "completion",
                extract: Optional[str] = None) -> Batch:
    """Regroups a batch by (pack, task_id), leaving out samples that cannot be graded.

    A str completion is sent as `{field_name: str}`; a conversational one (messages, the
    model's with role "assistant") as `{"messages": [...]}`; `extract` goes with each."""
    n = len(completions)
    task_ids = _per_sample(task_ids, n, "task_ids")
    packs = _per_sample(packs, n, "pack")
    languages = _per_sample(languages, n, "language")
    p.check_extract(extract)
    batch = Batch(n)
    for i, completion in enumerate(completions):
        if not isinstance(task_ids[i], str) or not task_ids[i]:
            continue
        messages = chat_messages(completion)
        text = None if messages is not None else completion_text(completion)
        if messages is None and text is None:
            continue
        submission: Dict[str, Any] = ({"messages": messages} if messages is not None
                                      else {field_name: text})
        if extract is not None:
            submission["extract"] = extract
        if languages[i]:
            submission["language"] = languages[i]
        batch.groups.setdefault((packs[i], task_ids[i]), []).append((i, submission))
    return batch


def reward_of(result: Any) -> Optional[float]:
    """A result's reward, or None when it is ungradeable or malformed."""
    if not isinstance(result, Mapping) or result.get("ungradeable"):
        return None
    reward = result.get("reward")
    if isinstance(reward, bool) or not isinstance(reward, (int, float)):
        return None
    return float(reward)


async def score_batch(api: AsyncMethods, batch: Batch, *, deadline_ms: Optional[int] = None,
                      max_concurrency: Optional[int] = None) -> List[Optional[float]]:
    """Grades every group concurrently; a group whose request fails scores None throughout."""
    rewards: List[Optional[float]] = [None] * batch.size
    limit = asyncio.Semaphore(max_concurrency) if max_concurrency else None

    async def one(key: GroupKey, members: List[Tuple[int, Dict[str, Any]]]) -> None:
        pack, task_id = key
        try:
            if limit is not None:
                async with limit:
                    answer = await api.grade(task_id, [s for _, s in members], pack=pack,
                                             deadline_ms=deadline_ms)
            else:
                answer = await api.grade(task_id, [s for _, s in members], pack=pack,
                                         deadline_ms=deadline_ms)
        except (ProctorError, OSError, asyncio.TimeoutError) as error:
            log.warning("proctor: grading %s (%d samples) failed: %s", task_id, len(members), error)
            return
        results = answer.get("results") if isinstance(answer, Mapping) else None
        results = results if isinstance(results, list) else []
        for j, (index, _) in enumerate(members):
            rewards[index] = reward_of(results[j]) if j < len(results) else None

    await asyncio.gather(*(one(key, members) for key, members in batch.groups.items()))
    return rewards


class AsyncRewardFn:
    """`await fn(prompts=None, completions=..., task_ids=..., **kwargs)` -> rewards (or None).

    Uses a connection pool on the loop it is first awaited on. `task_id`, `pack` and `language`
    columns may come through `**kwargs` (TRL passes dataset columns by name).
    """

    def __init__(self, host: str = p.DEFAULT_HOST, port: int = p.DEFAULT_PORT,
                 pack: Optional[str] = None, connections: int = 4, *,
                 unix_path: Optional[str] = None, field: str = "completion",
                 language: Optional[str] = None, extract: Optional[str] = None,
                 deadline_ms: Optional[int] = None,
                 retry_overloaded: Any = 8, timeout: Optional[float] = None,
                 max_concurrency: Optional[int] = None, name: str = "proctor_reward"):
        self.__name__ = name  # TRL logs reward functions by __name__
        self.pack, self.field, self.language = pack, field, language
        self.extract = p.check_extract(extract)
        self.deadline_ms, self.max_concurrency = deadline_ms, max_concurrency
        self._pool_args = dict(host=host, port=port, unix_path=unix_path, size=connections,
                               retry_overloaded=retry_overloaded, timeout=timeout)
        self._pool: Optional[AsyncProctorPool] = None
        self._pool_loop: Optional[asyncio.AbstractEventLoop] = None
        self.last_stats: Dict[str, int] = {}

    async def __call__(self, prompts: Any = None, completions: Optional[Sequence[Any]] = None,
                       task_ids: Any = None, **kwargs: Any) -> List[Optional[float]]:
        if completions is None:
            raise TypeError("completions is required")
        if task_ids is None:
            task_ids = kwargs.get("task_id")
        if task_ids is None:
            raise TypeError("task_ids (or a task_id column) is required")
        batch = group_batch(completions, task_ids, kwargs.get("pack", self.pack),
                            kwargs.get("language", self.language), self.field, self.extract)
        pool = await self._connected_pool()
        rewards = await score_batch(pool, batch, deadline_ms=self.deadline_ms,
                                    max_concurrency=self.max_concurrency)
        self.last_stats = {"samples": batch.size, "groups": len(batch.groups),
                           "ungradeable": sum(r is None for r in rewards)}
        return rewards

    async def _connected_pool(self) -> AsyncProctorPool:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool_loop is not loop:
            pool = AsyncProctorPool(**self._pool_args)
            await pool.connect()  # a server that is down at the start is an error, not None
            self._pool, self._pool_loop = pool, loop
        return self._pool

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


class RewardFn:
    """The blocking form: `fn(prompts=None, completions=..., task_ids=..., **kwargs)`.

    Runs the async function on a private event loop in a daemon thread, so it works the same
    whether or not the caller is inside a running loop (which `asyncio.run` would refuse), and
    keeps its connections open between training steps.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        self._async = AsyncRewardFn(*args, **kwargs)
        self.__name__ = self._async.__name__
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._start_lock = threading.Lock()

    @property
    def last_stats(self) -> Dict[str, int]:
        """`{"samples", "groups", "ungradeable"}` of the last call, for logging."""
        return self._async.last_stats

    def __call__(self, prompts: Any = None, completions: Optional[Sequence[Any]] = None,
                 task_ids: Any = None, **kwargs: Any) -> List[Optional[float]]:
        loop = self._private_loop()
        future = asyncio.run_coroutine_threadsafe(
            self._async(prompts, completions, task_ids, **kwargs), loop)
        return future.result()

    def close(self) -> None:
        """Closes the connections and stops the private loop."""
        with self._start_lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._async.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()

    def __enter__(self) -> "RewardFn":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _private_loop(self) -> asyncio.AbstractEventLoop:
        with self._start_lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever,
                                                name="proctor-reward-loop", daemon=True)
                self._thread.start()
            return self._loop


def make_reward_fn(host: str = p.DEFAULT_HOST, port: int = p.DEFAULT_PORT,
                   pack: Optional[str] = None, connections: int = 4, **options: Any) -> RewardFn:
    """A blocking reward function for TRL's `GRPOTrainer(reward_funcs=[...])` and the like.

    `options`: `unix_path`, `field` ("completion", the default: continues the task's starter,
    HumanEval-style, and is a whole program for a task without one; "code": a whole program),
    `language`, `extract` ("auto", the server's default: the code in a markdown fence if there
    is one, else the text; "fenced": a fence is required; "raw": the text as it is; see
    docs/extraction.md), `deadline_ms` (per group), `retry_overloaded` (default 8),
    `timeout`, `max_concurrency` (groups in flight), `name`. Conversational completions
    (lists of messages) are sent as chats: the last assistant message is graded.
    """
    return RewardFn(host, port, pack, connections, **options)


def make_async_reward_fn(host: str = p.DEFAULT_HOST, port: int = p.DEFAULT_PORT,
                         pack: Optional[str] = None, connections: int = 4,
                         **options: Any) -> AsyncRewardFn:
    """The same as `make_reward_fn`, awaited on the caller's event loop."""
    return AsyncRewardFn(host, port, pack, connections, **options)
