"""Reward functions for TRL/veRL-style trainers.

A trainer hands over a flat batch of completions, usually k per prompt (a GRPO group). Proctor
grades a group of one task in a single `grade` request (identical submissions graded once), so
the batch is regrouped by task, the groups are sent concurrently over a small connection pool,
and the rewards are put back in batch order.

What happens when a sample cannot be graded is a policy (`on_ungradeable`), because trainers
disagree about missing rewards: TRL turns a None into NaN and then `nansum`s over its reward
functions, so with one function a None becomes 0.0 and teaches the model that its code was
wrong when Proctor failed. Therefore:

- The server retries a submission whose grading failed (docs/results.md); the reward function
  then re-sends the samples that are still ungradeable, or whose request failed in a way that
  says nothing about the code (deadline, dropped connection, overload after the client's own
  retries, internal error), `ungradeable_retries` more times, waiting a little in between.
- Samples still ungradeable after that raise `Ungradeable` naming each sample and its reason
  (`on_ungradeable="raise"`, the default), or get None (`on_ungradeable="none"`, for loops
  that drop None themselves; under TRL with a single reward function that None still ends up
  0.0, which is why it is not the default).
- A setup mistake raises at once, before or instead of any reward: an unknown task id or pack
  (`InvalidParams`), a server nobody listens on (`Unreachable`), a sample without a task id or
  with a completion that is neither text nor a chat (`SetupError`).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from . import protocol as p
from .aio import AsyncMethods, AsyncProctorPool
from .errors import (InvalidParams, InvalidRequest, MessageTooLarge, MethodNotFound, ParseError,
                     ProctorError, SetupError, Ungradeable, Unreachable)

log = logging.getLogger("proctor_client")

GroupKey = Tuple[Optional[str], str]  # (pack, task_id)

# Dataset columns read from a trainer's keyword arguments (TRL passes every column by name).
TASK_ID_COLUMNS = ("task_ids", "task_id")
PACK_COLUMN = "pack"
LANGUAGE_COLUMN = "language"

# Request failures that are the caller's mistake: retrying cannot help and no sample may be
# scored; they propagate at once.
FATAL_ERRORS = (InvalidParams, MethodNotFound, ParseError, InvalidRequest, MessageTooLarge,
                Unreachable, SetupError)


class OnUngradeable(enum.Enum):
    """What a reward function does with samples still ungradeable after the retries."""

    RAISE = "raise"  # raise `Ungradeable` with each sample's reason (the default)
    NONE = "none"    # give those samples None (the trainer must drop them itself)

    @classmethod
    def parse(cls, value: Any) -> "OnUngradeable":
        if isinstance(value, cls):
            return value
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(repr(m.value) for m in cls)
            raise SetupError(f"on_ungradeable must be one of {names}, not {value!r}") from None


@dataclass
class Batch:
    """A batch regrouped by task: `groups[key]` lists `(batch index, submission)`."""

    size: int
    groups: Dict[GroupKey, List[Tuple[int, Dict[str, Any]]]] = field(default_factory=dict)


@dataclass
class Scored:
    """The outcome of grading a batch: a reward per sample (None where ungradeable), why each
    ungradeable sample is, and how many attempts the worst group took."""

    rewards: List[Optional[float]]
    reasons: Dict[int, Tuple[str, str]] = field(default_factory=dict)  # index -> (task, why)
    attempts: int = 1

    def ungradeable(self) -> List[Tuple[int, str, str]]:
        return [(i, task, why) for i, (task, why) in sorted(self.reasons.items())]


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
            raise SetupError(f"{name} has {len(value)} entries for {n} completions")
        return list(value)
    return [value] * n


def group_batch(completions: Sequence[Any], task_ids: Any, packs: Any = None,
                languages: Any = None, field_name: str = "completion",
                extract: Optional[str] = None) -> Batch:
    """Regroups a batch by (pack, task_id).

    A str completion is sent as `{field_name: str}`; a conversational one (messages, the
    model's with role "assistant") as `{"messages": [...]}`; `extract` goes with each. A
    sample without a task id, or whose completion is neither, is a `SetupError` naming it:
    the batch is the trainer's data, and a hole in it is a mistake, not a reward."""
    n = len(completions)
    task_ids = _per_sample(task_ids, n, "task_ids")
    packs = _per_sample(packs, n, "pack")
    languages = _per_sample(languages, n, "language")
    p.check_extract(extract)
    batch = Batch(n)
    for i, completion in enumerate(completions):
        if not isinstance(task_ids[i], str) or not task_ids[i]:
            raise SetupError(f"sample {i} has no task id (task_id column: {task_ids[i]!r})")
        messages = chat_messages(completion)
        text = None if messages is not None else completion_text(completion)
        if messages is None and text is None:
            raise SetupError(f"sample {i} ({task_ids[i]}): the completion is neither text nor "
                             f"a chat with an assistant message: {completion!r:.80}")
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


def ungradeable_reason(result: Any) -> str:
    """Why a result has no reward, in the server's words where it gave some."""
    if not isinstance(result, Mapping):
        return "no result for this sample in the response"
    if result.get("ungradeable"):
        return f"ungradeable: {result.get('ungradeable_reason') or 'no reason given'}"
    return f"malformed reward {result.get('reward')!r}"


async def _gather_or_cancel(coroutines: Sequence[Awaitable[Any]]) -> None:
    """Runs the coroutines concurrently; the first to raise cancels the others, then raises."""
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def score_batch(api: AsyncMethods, batch: Batch, *, deadline_ms: Optional[int] = None,
                      max_concurrency: Optional[int] = None, ungradeable_retries: int = 2,
                      retry_delay: float = 0.25) -> Scored:
    """Grades every group concurrently, re-sending still-ungradeable samples (and groups whose
    request failed transiently) up to `ungradeable_retries` more times. Fatal request errors
    (`FATAL_ERRORS`) propagate at once."""
    scored = Scored([None] * batch.size)
    limit = asyncio.Semaphore(max_concurrency) if max_concurrency else None

    async def grade(task_id: str, pack: Optional[str], submissions: List[Dict[str, Any]]) -> Any:
        if limit is None:
            return await api.grade(task_id, submissions, pack=pack, deadline_ms=deadline_ms)
        async with limit:
            return await api.grade(task_id, submissions, pack=pack, deadline_ms=deadline_ms)

    async def one(key: GroupKey, members: List[Tuple[int, Dict[str, Any]]]) -> None:
        pack, task_id = key
        pending = members
        for attempt in range(ungradeable_retries + 1):
            if attempt:
                await asyncio.sleep(retry_delay * (2 ** (attempt - 1)))
            scored.attempts = max(scored.attempts, attempt + 1)
            try:
                answer = await grade(task_id, pack, [s for _, s in pending])
            except FATAL_ERRORS:
                raise
            except (ProctorError, OSError, asyncio.TimeoutError) as error:
                log.warning("proctor: grading %s (%d samples, attempt %d) failed: %s", task_id,
                            len(pending), attempt + 1, error)
                for index, _ in pending:
                    scored.reasons[index] = (task_id, f"request failed: {error}")
                continue
            results = answer.get("results") if isinstance(answer, Mapping) else None
            results = results if isinstance(results, list) else []
            still = []
            for j, (index, submission) in enumerate(pending):
                result = results[j] if j < len(results) else None
                reward = reward_of(result)
                if reward is None:
                    scored.reasons[index] = (task_id, ungradeable_reason(result))
                    still.append((index, submission))
                else:
                    scored.rewards[index] = reward
                    scored.reasons.pop(index, None)
            pending = still
            if not pending:
                return

    await _gather_or_cancel([one(key, members) for key, members in batch.groups.items()])
    return scored


def task_ids_of(task_ids: Any, kwargs: Mapping[str, Any]) -> Any:
    """The task ids: the `task_ids` argument or a `task_id` column, else a `SetupError`."""
    if task_ids is not None:
        return task_ids
    for name in TASK_ID_COLUMNS:
        if kwargs.get(name) is not None:
            return kwargs[name]
    seen = ", ".join(sorted(k for k in kwargs if k != "trainer_state")) or "none"
    raise SetupError("no task ids: give the dataset a 'task_id' column (and optionally 'pack' "
                     f"and 'language'); columns passed: {seen}")


class AsyncRewardFn:
    """`await fn(prompts=None, completions=..., task_ids=..., **kwargs)` -> rewards.

    Uses a connection pool on the loop it is first awaited on. `task_id`, `pack` and `language`
    columns may come through `**kwargs` (TRL passes dataset columns by name; `prompts`,
    `completion_ids` and `trainer_state` are accepted and not used). See the module docstring
    for `on_ungradeable` and `ungradeable_retries`.
    """

    def __init__(self, host: str = p.DEFAULT_HOST, port: int = p.DEFAULT_PORT,
                 pack: Optional[str] = None, connections: int = 4, *,
                 unix_path: Optional[str] = None, field: str = "completion",
                 language: Optional[str] = None, extract: Optional[str] = None,
                 deadline_ms: Optional[int] = None,
                 retry_overloaded: Any = 8, timeout: Optional[float] = None,
                 max_concurrency: Optional[int] = None, name: str = "proctor_reward",
                 on_ungradeable: Any = OnUngradeable.RAISE, ungradeable_retries: int = 2,
                 retry_delay: float = 0.25, endpoints: Any = None, failovers: int = 2,
                 idempotency: bool = True):
        self.__name__ = name  # TRL logs reward functions by __name__
        self.pack, self.field, self.language = pack, field, language
        self.extract = p.check_extract(extract)
        self.on_ungradeable = OnUngradeable.parse(on_ungradeable)
        if ungradeable_retries < 0:
            raise SetupError("ungradeable_retries must be >= 0")
        self.ungradeable_retries, self.retry_delay = ungradeable_retries, retry_delay
        self.deadline_ms, self.max_concurrency = deadline_ms, max_concurrency
        self._pool_args = dict(host=host, port=port, unix_path=unix_path, size=connections,
                               retry_overloaded=retry_overloaded, timeout=timeout,
                               idempotency=idempotency)
        if endpoints is not None:  # several servers: spread by task, fail over (aio.py)
            self._pool_args.update(endpoints=p.parse_endpoints(endpoints), failovers=failovers)
        self._pool: Optional[AsyncProctorPool] = None
        self._pool_loop: Optional[asyncio.AbstractEventLoop] = None
        self.last_stats: Dict[str, int] = {}  # updated in place: aliases stay current

    async def __call__(self, prompts: Any = None, completions: Optional[Sequence[Any]] = None,
                       task_ids: Any = None, **kwargs: Any) -> List[Optional[float]]:
        if completions is None:
            raise SetupError("completions is required")
        task_ids = task_ids_of(task_ids, kwargs)
        batch = group_batch(completions, task_ids, kwargs.get(PACK_COLUMN, self.pack),
                            kwargs.get(LANGUAGE_COLUMN, self.language), self.field, self.extract)
        pool = await self._connected_pool()
        scored = await score_batch(pool, batch, deadline_ms=self.deadline_ms,
                                   max_concurrency=self.max_concurrency,
                                   ungradeable_retries=self.ungradeable_retries,
                                   retry_delay=self.retry_delay)
        self.last_stats.clear()
        self.last_stats.update(samples=batch.size, groups=len(batch.groups),
                               ungradeable=len(scored.reasons), attempts=scored.attempts)
        if scored.reasons:
            if self.on_ungradeable is OnUngradeable.RAISE:
                raise Ungradeable(scored.ungradeable(), scored.attempts)
            log.warning("proctor: %d sample(s) ungradeable, rewarded None: %s",
                        len(scored.reasons), Ungradeable(scored.ungradeable(), scored.attempts))
        return scored.rewards

    async def _connected_pool(self) -> AsyncProctorPool:
        loop = asyncio.get_running_loop()
        if self._pool is None or self._pool_loop is not loop:
            pool = AsyncProctorPool(**self._pool_args)
            await pool.connect()  # a server that is down at the start raises Unreachable
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
        """`{"samples", "groups", "ungradeable", "attempts"}` of the last call, for logging."""
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
    `timeout`, `max_concurrency` (groups in flight), `name`, `on_ungradeable` ("raise", the
    default, or "none"), `ungradeable_retries` (default 2), `retry_delay` (seconds, doubled
    per retry), `endpoints` (several servers, `["host:port", "unix:/path", ...]` or a
    comma-separated string: `connections` per endpoint, groups spread by task, failover;
    `host`/`port` are then ignored), `failovers`, `idempotency` (default True: each `grade`
    carries an idempotency key). Conversational completions (lists of messages) are sent as chats: the last
    assistant message is graded. Dataset columns read: `task_id` (or `task_ids`), `pack`,
    `language`.
    """
    return RewardFn(host, port, pack, connections, **options)


def make_async_reward_fn(host: str = p.DEFAULT_HOST, port: int = p.DEFAULT_PORT,
                         pack: Optional[str] = None, connections: int = 4,
                         **options: Any) -> Callable[..., Awaitable[List[Optional[float]]]]:
    """The same as `make_reward_fn`, as an `async def` function awaited on the caller's loop.

    A real coroutine function (TRL takes its async path only when
    `asyncio.iscoroutinefunction(f)` is true, which an object with `async __call__` is not).
    It carries `aclose()` (closes its connections), `last_stats` and `impl` (the
    `AsyncRewardFn`) as attributes, and `__name__` is `name` (default "proctor_reward").
    """
    impl = AsyncRewardFn(host, port, pack, connections, **options)

    async def proctor_reward(prompts: Any = None, completions: Optional[Sequence[Any]] = None,
                             task_ids: Any = None, **kwargs: Any) -> List[Optional[float]]:
        return await impl(prompts, completions, task_ids, **kwargs)

    proctor_reward.__name__ = proctor_reward.__qualname__ = impl.__name__
    setattr(proctor_reward, "impl", impl)
    setattr(proctor_reward, "aclose", impl.aclose)
    setattr(proctor_reward, "last_stats", impl.last_stats)
    return proctor_reward
