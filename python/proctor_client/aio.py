"""The asyncio client and a pool of them.

One connection carries many requests at once: a reader task reads every line and settles the
future of the request it answers (by `id`), or hands a `grade.result` notification to that
request's `on_result`. That is what lets one trainer process keep hundreds of GRPO groups in
flight without a thread per request. The pool spreads calls over a few connections so one
huge response does not hold up everything behind it on the same stream.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from . import protocol as p
from .errors import (MESSAGE_TOO_LARGE, ConnectionClosed, MessageTooLarge, Overloaded,
                     ProctorError, ShuttingDown, Unreachable)

log = logging.getLogger("proctor_client")

_UNSET: Any = object()


class AsyncMethods:
    """The protocol's methods over an abstract `call`, shared by the client and the pool."""

    idempotency = True  # `grade` sends an idempotency_key (ProctorClient.grade)

    async def call(self, method: str, params: Optional[Mapping[str, Any]] = None, *,
                   on_result: Optional[p.ResultCallback] = None, timeout: Any = _UNSET) -> Any:
        raise NotImplementedError

    async def health(self) -> Dict[str, Any]:
        return await self.call("health")

    async def stats(self) -> Dict[str, Any]:
        return await self.call("stats")

    async def list_envs(self) -> List[Dict[str, Any]]:
        return p.envs_value(await self.call("envs.list"))

    async def list_tasks(self, pack: Optional[str] = None) -> List[Dict[str, Any]]:
        return p.tasks_value(await self.call("tasks.list", p.list_tasks_params(pack)))

    async def make(self, env_id: str, options: Optional[Mapping[str, Any]] = None) -> str:
        return p.session_of(await self.call("env.make", p.make_params(env_id, options)))

    async def reset(self, session_id: str, seed: Optional[int] = None,
                    options: Optional[Mapping[str, Any]] = None, *,
                    deadline_ms: Optional[int] = None) -> Tuple[Any, Dict[str, Any]]:
        params = p.reset_params(session_id, seed, options, deadline_ms)
        return p.reset_value(await self.call("env.reset", params))

    async def step(self, session_id: str, action: p.Submission, *,
                   deadline_ms: Optional[int] = None, extract: Optional[str] = None
                   ) -> Tuple[Any, Optional[float], bool, bool, Dict[str, Any]]:
        params = p.step_params(session_id, action, deadline_ms, extract)
        return p.step_value(await self.call("env.step", params))

    async def close_env(self, session_id: str) -> None:
        await self.call("env.close", {"session_id": session_id})

    async def grade(self, task_id: str, submissions: Iterable[p.Submission],
                    pack: Optional[str] = None, deadline_ms: Optional[int] = None,
                    stream: bool = False, on_result: Optional[p.ResultCallback] = None,
                    extract: Optional[str] = None,
                    idempotency_key: Optional[str] = None) -> Dict[str, Any]:
        """See `ProctorClient.grade` (also for `idempotency_key`); `on_result` runs on the
        event loop, must not block."""
        key = idempotency_key or (p.new_idempotency_key() if self.idempotency else None)
        params = p.grade_params(task_id, submissions, pack, deadline_ms, stream, extract, key)
        return await self.call("grade", params, on_result=on_result)


@dataclass
class _Pending:
    future: "asyncio.Future[Any]"
    on_result: Optional[p.ResultCallback]


class AsyncProctorClient(AsyncMethods):
    """An asyncio JSON-RPC client on one connection; `await connect()` (or `async with`) first.

    Arguments mean what they mean for `ProctorClient`. Calls may be issued concurrently from
    any number of tasks of the loop that connected it.
    """

    def __init__(self, host: str = p.DEFAULT_HOST, port: int = p.DEFAULT_PORT,
                 unix_path: Optional[str] = None, timeout: Optional[float] = None, *,
                 retry_overloaded: Any = 0, max_message_bytes: int = 16 * 1024 * 1024,
                 on_notification: Optional[p.NotificationCallback] = None,
                 idempotency: bool = True):
        self.host, self.port, self.unix_path = host, port, unix_path
        self.idempotency = idempotency
        self.timeout = timeout
        self.retry = p.retry_policy(retry_overloaded)
        self.max_message_bytes = max_message_bytes
        self.on_notification = on_notification
        self._reader: Optional[asyncio.StreamReader] = None
        self._writer: Optional[asyncio.StreamWriter] = None
        self._read_task: Optional["asyncio.Task[None]"] = None
        self._write_lock: Optional[asyncio.Lock] = None
        self._ids = itertools.count(1)
        self._pending: Dict[int, _Pending] = {}
        self._failure: Optional[str] = "not connected"

    # --- lifecycle ----------------------------------------------------------------------------

    async def connect(self) -> "AsyncProctorClient":
        try:
            if self.unix_path is not None:
                self._reader, self._writer = await asyncio.open_unix_connection(
                    self.unix_path, limit=p.MAX_LINE_BYTES)
            else:
                self._reader, self._writer = await asyncio.open_connection(
                    self.host, self.port, limit=p.MAX_LINE_BYTES)
        except OSError as error:
            where = self.unix_path if self.unix_path is not None else f"{self.host}:{self.port}"
            raise Unreachable(f"cannot connect to Proctor at {where}: {error}") from error
        self._failure = None
        self._write_lock = asyncio.Lock()
        self._read_task = asyncio.get_running_loop().create_task(self._read_loop())
        return self

    async def close(self) -> None:
        """Closes the connection; pending calls fail with `ConnectionClosed`."""
        self._fail("client closed")
        if self._read_task is not None:
            self._read_task.cancel()
            try:
                await self._read_task
            except (asyncio.CancelledError, Exception):
                pass
            self._read_task = None
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass
            self._writer = None

    @property
    def closed(self) -> bool:
        return self._failure is not None

    @property
    def in_flight(self) -> int:
        """Calls sent and not yet answered (the pool balances on this)."""
        return len(self._pending)

    async def __aenter__(self) -> "AsyncProctorClient":
        if self._writer is None:
            await self.connect()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    # --- calls --------------------------------------------------------------------------------

    async def call(self, method: str, params: Optional[Mapping[str, Any]] = None, *,
                   on_result: Optional[p.ResultCallback] = None, timeout: Any = _UNSET) -> Any:
        """Sends one request and awaits its result, retrying `Overloaded` per the policy."""
        timeout = self.timeout if timeout is _UNSET else timeout
        attempt = 0
        while True:
            try:
                return await self._call_once(method, params, on_result, timeout)
            except ProctorError as error:
                wait = self.retry.delay(error, attempt)
                if wait is None:
                    raise
                attempt += 1
                await asyncio.sleep(wait)

    async def notify(self, method: str, params: Optional[Mapping[str, Any]] = None) -> None:
        await self._send(p.request(None, method, params))

    async def _call_once(self, method: str, params: Optional[Mapping[str, Any]],
                         on_result: Optional[p.ResultCallback], timeout: Optional[float]) -> Any:
        if self._failure is not None:
            raise ConnectionClosed(f"connection unusable: {self._failure}")
        request_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._pending[request_id] = _Pending(future, on_result)
        try:
            await self._send(p.request(request_id, method, params))
            if timeout is None:
                return await future
            try:
                return await asyncio.wait_for(future, timeout)
            except asyncio.TimeoutError:  # the builtin only from 3.11 on; raise it everywhere
                raise TimeoutError(f"no response to request {request_id} in time") from None
        finally:
            self._pending.pop(request_id, None)

    async def _send(self, message: Dict[str, Any]) -> None:
        line = p.encode(message)
        if len(line) > self.max_message_bytes:
            raise MessageTooLarge(MESSAGE_TOO_LARGE, f"request is {len(line)} bytes",
                                  {"max_bytes": self.max_message_bytes})
        if self._writer is None or self._write_lock is None:
            raise ConnectionClosed("not connected")
        try:
            async with self._write_lock:
                self._writer.write(line)
                await self._writer.drain()
        except OSError as error:
            self._fail(f"send failed: {error}")
            raise ConnectionClosed(f"send failed: {error}") from error

    # --- the reader task ----------------------------------------------------------------------

    async def _read_loop(self) -> None:
        assert self._reader is not None
        why = "server closed the connection"
        try:
            while True:
                line = await self._reader.readline()
                if not line:
                    break
                message = p.decode(line)
                if message is not None:
                    self._deliver(message)
        except asyncio.CancelledError:
            why = "client closed"
            raise
        except ValueError:  # a line over MAX_LINE_BYTES
            why = "response line too long"
        except OSError as error:
            why = f"receive failed: {error}"
        finally:
            self._fail(why)

    def _deliver(self, message: Dict[str, Any]) -> None:
        routed = p.route(message)
        pending = self._pending.get(routed.request_id) if routed.request_id is not None else None
        if routed.is_response:
            if pending is None:
                if routed.request_id is None:
                    log.warning("proctor: response without id: %s", message.get("error"))
                return  # else: a late answer to a call that timed out
            if pending.future.done():
                return
            try:
                pending.future.set_result(p.response_value(message))
            except ProctorError as error:
                pending.future.set_exception(error)
            return
        if routed.request_id is not None and pending is None:
            return  # a stream result of a call that gave up
        try:
            p.dispatch_notification(message, pending.on_result if pending else None,
                                    self.on_notification)
        except Exception as error:  # a callback's failure is its caller's, not the reader's
            if pending is not None and not pending.future.done():
                pending.future.set_exception(error)
            else:
                log.exception("proctor: on_notification raised")

    def _fail(self, why: str) -> None:
        if self._failure is None:
            self._failure = why
        if self._writer is not None:
            self._writer.close()  # a dead connection is never reused: release the socket now
        for pending in list(self._pending.values()):
            if not pending.future.done():
                pending.future.set_exception(ConnectionClosed(f"connection lost: {why}"))


class AsyncProctorPool(AsyncMethods):
    """`size` connections per endpoint behind the same methods.

    One endpoint (`host`/`port`/`unix_path`): each call goes to its least busy connection, and
    a call whose connection drops raises `ConnectionClosed` (the next call reconnects).

    Several (`endpoints=["host:port", "unix:/path", ...]`, or one load balancer as a list of
    one): as `client.Router` does for the blocking client, `grade` goes to the endpoint its
    `(pack, task_id)` hashes to (rendezvous hashing, `protocol.endpoint_order`), other methods
    to the first live one; a call fails over to the next endpoint in its order when a server
    is unreachable, drops the connection mid-request, is shutting down or answers overload;
    after a round of overloaded servers it waits their `retry_after_ms` (`retry_overloaded`
    bounds the rounds), and connection losses are retried `failovers` more times than there
    are endpoints. A retried `grade` carries the same `idempotency_key`. `stats` counts
    requests, attempts, retried, failed_over and reconnects.

    Env sessions stay on the connection that made them (the server may tie a session's work
    to its connection), unless that connection died. Dead connections are replaced on the next
    call that would use them.
    """

    cooldown = 1.0

    def __init__(self, host: str = p.DEFAULT_HOST, port: int = p.DEFAULT_PORT,
                 unix_path: Optional[str] = None, size: int = 4, *, endpoints: Any = None,
                 failovers: int = 2, **client_kwargs: Any):
        if size < 1:
            raise ValueError("a pool needs at least one connection")
        self.routed = endpoints is not None
        self.endpoints = (p.parse_endpoints(endpoints) if self.routed
                          else [p.Endpoint(host, port, unix_path)])
        self.failovers = max(0, int(failovers))
        self.idempotency = client_kwargs.get("idempotency", True)
        if self.routed:  # the pool retries overload itself, across endpoints
            self.retry = p.retry_policy(client_kwargs.pop("retry_overloaded", 0))
        self._kwargs = client_kwargs
        self.groups: List[List[AsyncProctorClient]] = [
            [self._new(e) for _ in range(size)] for e in self.endpoints]
        self._down_until = [0.0] * len(self.endpoints)
        self._sessions: Dict[str, AsyncProctorClient] = {}
        self._lock: Optional[asyncio.Lock] = None
        self.stats = {"requests": 0, "attempts": 0, "retried": 0, "failed_over": 0,
                      "reconnects": 0}

    def _new(self, endpoint: p.Endpoint) -> AsyncProctorClient:
        return AsyncProctorClient(endpoint.host, endpoint.port, endpoint.unix_path,
                                  **self._kwargs)

    @property
    def clients(self) -> List[AsyncProctorClient]:
        return [c for group in self.groups for c in group]

    async def connect(self) -> "AsyncProctorPool":
        """Connects every connection. Raises the first failure when no endpoint could be
        reached (with one endpoint: when any connection failed); with several, the
        unreachable ones are retried on later calls."""
        outcomes = await asyncio.gather(*(c.connect() for c in self.clients),
                                        return_exceptions=True)
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        if failures and (not self.routed or all(c.closed for c in self.clients)):
            await self.close()
            raise failures[0]
        self._lock = asyncio.Lock()
        return self

    async def close(self) -> None:
        self._lock = None  # no reconnecting after this
        await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)
        self._sessions.clear()

    async def __aenter__(self) -> "AsyncProctorPool":
        return await self.connect()

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def call(self, method: str, params: Optional[Mapping[str, Any]] = None, *,
                   on_result: Optional[p.ResultCallback] = None, timeout: Any = _UNSET) -> Any:
        self.stats["requests"] += 1
        session_id = params.get("session_id") if params else None
        client = self._sessions.get(session_id) if session_id is not None else None
        kwargs: Dict[str, Any] = {}
        if timeout is not _UNSET:
            kwargs["timeout"] = timeout
        if client is not None and not client.closed:
            self.stats["attempts"] += 1
            result = await client.call(method, params, on_result=on_result, **kwargs)
        elif self.routed:
            result, client = await self._routed_call(method, params, on_result, kwargs)
        else:
            client = await self._least_busy(0)
            self.stats["attempts"] += 1
            result = await client.call(method, params, on_result=on_result, **kwargs)
        if method == "env.make" and isinstance(result, dict) and "session_id" in result:
            self._sessions[result["session_id"]] = client
        elif session_id is not None:
            if method == "env.close":
                self._sessions.pop(session_id, None)
            else:
                self._sessions[session_id] = client
        return result

    async def _routed_call(self, method: str, params: Optional[Mapping[str, Any]],
                           on_result: Optional[p.ResultCallback],
                           kwargs: Dict[str, Any]) -> Tuple[Any, AsyncProctorClient]:
        callback = p.once_per_index(on_result)
        lost_budget = len(self.endpoints) + self.failovers
        overload_rounds, previous = 0, None
        last: Optional[ProctorError] = None
        while True:
            overloaded: Optional[Overloaded] = None
            for i in self._order(p.route_key(method, params)):
                if previous is not None:
                    self.stats["retried"] += 1
                    if i != previous:
                        self.stats["failed_over"] += 1
                previous = i
                self.stats["attempts"] += 1
                try:
                    client = await self._least_busy(i)
                    return await client._call_once(method, params, callback,
                                                   kwargs.get("timeout", client.timeout)), client
                except Overloaded as error:
                    overloaded, last = overloaded or error, error
                except ShuttingDown as error:
                    last = error
                    self._down_until[i] = time.monotonic() + self.cooldown
                except ConnectionClosed as error:  # unreachable, or dropped mid-request
                    last = error
                    self._down_until[i] = time.monotonic() + self.cooldown
                    lost_budget -= 1
                    if lost_budget < 0:
                        raise
            assert last is not None
            if overloaded is not None:
                wait = self.retry.delay(overloaded, overload_rounds)
                if wait is None:
                    raise overloaded
                overload_rounds += 1
                await asyncio.sleep(wait)
            elif isinstance(last, ShuttingDown):
                raise last
            else:
                await asyncio.sleep(0.05)  # every endpoint failed this round

    def _order(self, key: Optional[str]) -> List[int]:
        now = time.monotonic()
        order = p.endpoint_order(self.endpoints, key)
        return ([i for i in order if self._down_until[i] <= now]
                + [i for i in order if self._down_until[i] > now])

    async def _least_busy(self, index: int) -> AsyncProctorClient:
        """The least busy live connection to endpoint `index`, replacing dead ones first."""
        if self._lock is None:
            raise ConnectionClosed("pool not connected")
        group = self.groups[index]
        async with self._lock:
            failure: Optional[BaseException] = None
            for i, client in enumerate(group):
                if client.closed:
                    replacement = self._new(self.endpoints[index])
                    try:
                        await replacement.connect()
                    except ConnectionClosed as error:
                        failure = error
                        continue
                    self.stats["reconnects"] += 1
                    group[i] = replacement
            live = [c for c in group if not c.closed]
            if not live:
                raise Unreachable(f"no live connection to the Proctor server at "
                                  f"{self.endpoints[index]}: {failure}")
            self._down_until[index] = 0.0
            return min(live, key=lambda c: c.in_flight)
