"""The blocking client: one socket, usable from many threads, no background thread.

The server answers out of order and interleaves `grade.result` notifications with responses, so
even a blocking client cannot assume the next line is its answer. Rather than run a hidden
reader thread (awkward under fork, and it would run `on_result` callbacks on a thread the caller
never sees), the threads that are waiting take turns reading: whichever holds the "reader" role
reads lines and files each into the inbox of the request it belongs to, then wakes the others.
Each caller handles only its own inbox, so a request's `on_result` callback always runs on the
thread that called `grade`. Lines for requests nobody waits for any more (they timed out) are
dropped.
"""

from __future__ import annotations

import collections
import itertools
import logging
import selectors
import socket
import threading
import time
from typing import Any, Deque, Dict, Iterable, List, Mapping, Optional, Tuple

from . import protocol as p
from .errors import (MESSAGE_TOO_LARGE, ConnectionClosed, MessageTooLarge, Overloaded,
                     ProctorError, ShuttingDown, Unreachable)

log = logging.getLogger("proctor_client")

_UNSET: Any = object()


class ProctorClient:
    """A blocking JSON-RPC client for `proctor serve`.

    `timeout` (seconds, None = wait forever) bounds each attempt of each call on the client
    side; the server keeps working on a call that timed out here, so pass `deadline_ms` when
    the work itself should be cancelled. `retry_overloaded` is how many times to retry a call
    that got -32000 (waiting `retry_after_ms` each time), or a `protocol.RetryPolicy`.
    `on_notification(method, params)` receives notifications that belong to no pending call.
    """

    def __init__(self, host: str = p.DEFAULT_HOST, port: int = p.DEFAULT_PORT,
                 unix_path: Optional[str] = None, timeout: Optional[float] = None, *,
                 retry_overloaded: Any = 0, connect_timeout: Optional[float] = 10.0,
                 max_message_bytes: int = 16 * 1024 * 1024,
                 on_notification: Optional[p.NotificationCallback] = None,
                 endpoints: Any = None, failovers: int = 2, idempotency: bool = True):
        self.timeout = timeout
        self.retry = p.retry_policy(retry_overloaded)
        self.max_message_bytes = max_message_bytes
        self.on_notification = on_notification
        self.idempotency = idempotency
        self._router: Optional[Router] = None
        self._failure: Optional[str] = None
        if endpoints is not None:
            # Several servers (or one load balancer): a connection per endpoint, made on first
            # use; see `Router`.
            self._router = Router(p.parse_endpoints(endpoints), self.retry, failovers,
                                  dict(timeout=timeout, connect_timeout=connect_timeout,
                                       max_message_bytes=max_message_bytes,
                                       on_notification=on_notification))
            return
        self._sock = _connect(host, port, unix_path, connect_timeout)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._sock, selectors.EVENT_READ)
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._send_lock = threading.Lock()
        self._inbox: Dict[int, Deque[Dict[str, Any]]] = {}
        self._reading = False
        self._buffer = bytearray()

    # --- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the connection; the server cancels this connection's queued and running work."""
        if self._router is not None:
            self._failure = "client closed"
            self._router.close()
            return
        with self._cond:
            if self._failure is None:
                self._failure = "client closed"
            self._cond.notify_all()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._selector.close()

    @property
    def closed(self) -> bool:
        return self._failure is not None

    @property
    def endpoint_stats(self) -> Dict[str, int]:
        """With `endpoints=`: `{"requests", "attempts", "retried", "failed_over",
        "reconnects"}` so far (see `Router`); empty for a one-connection client."""
        return dict(self._router.stats) if self._router is not None else {}

    def __enter__(self) -> "ProctorClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- the generic call -------------------------------------------------------------------

    def call(self, method: str, params: Optional[Mapping[str, Any]] = None, *,
             on_result: Optional[p.ResultCallback] = None, timeout: Any = _UNSET) -> Any:
        """Sends one request and blocks for its result, retrying `Overloaded` per the policy.

        `on_result(index, result)` receives this request's `grade.result` notifications, on
        this thread, before `call` returns.
        """
        timeout = self.timeout if timeout is _UNSET else timeout
        if self._router is not None:
            if self._failure is not None:
                raise ConnectionClosed(f"client unusable: {self._failure}")
            return self._router.call(method, params, on_result, timeout)
        attempt = 0
        while True:
            try:
                return self._call_once(method, params, on_result, timeout)
            except ProctorError as error:
                wait = self.retry.delay(error, attempt)
                if wait is None:
                    raise
                attempt += 1
                time.sleep(wait)

    def notify(self, method: str, params: Optional[Mapping[str, Any]] = None) -> None:
        """Sends a notification (no id, no response); with `endpoints=`, to the first live one."""
        if self._router is not None:
            self._router.notify(method, params)
            return
        self._send(p.request(None, method, params))

    def _call_once(self, method: str, params: Optional[Mapping[str, Any]],
                   on_result: Optional[p.ResultCallback], timeout: Optional[float]) -> Any:
        request_id = next(self._ids)
        with self._cond:
            if self._failure is not None:
                raise ConnectionClosed(f"connection unusable: {self._failure}")
            self._inbox[request_id] = collections.deque()
        try:
            self._send(p.request(request_id, method, params))
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                message = self._next_message(request_id, deadline)
                if p.route(message).is_response:
                    return p.response_value(message)
                p.dispatch_notification(message, on_result, self.on_notification)
        finally:
            with self._cond:
                self._inbox.pop(request_id, None)

    def _send(self, message: Dict[str, Any]) -> None:
        line = p.encode(message)
        if len(line) > self.max_message_bytes:
            # The server would answer with an id-less -32003 we could not match to this call.
            raise MessageTooLarge(MESSAGE_TOO_LARGE, f"request is {len(line)} bytes",
                                  {"max_bytes": self.max_message_bytes})
        try:
            with self._send_lock:
                self._sock.sendall(line)
        except OSError as error:
            self._fail(f"send failed: {error}")
            raise ConnectionClosed(f"send failed: {error}") from error

    # --- taking turns at reading --------------------------------------------------------------

    def _next_message(self, request_id: int, deadline: Optional[float]) -> Dict[str, Any]:
        """The next message for `request_id`: from its inbox, or by becoming the reader."""
        with self._cond:
            while True:
                box = self._inbox[request_id]
                if box:
                    return box.popleft()
                if self._failure is not None:
                    raise ConnectionClosed(f"connection lost: {self._failure}")
                if not self._reading:
                    self._reading = True
                    break
                remaining = _remaining(deadline)
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(f"no response to request {request_id} in time")
                self._cond.wait(remaining)
        try:
            return self._read_until_mine(request_id, deadline)
        finally:
            with self._cond:
                self._reading = False
                self._cond.notify_all()

    def _read_until_mine(self, request_id: int, deadline: Optional[float]) -> Dict[str, Any]:
        while True:
            message = self._read_message(deadline)
            routed = p.route(message)
            if routed.request_id == request_id:
                return message
            with self._cond:
                box = self._inbox.get(routed.request_id) if routed.request_id is not None else None
                if box is not None:
                    box.append(message)
                    self._cond.notify_all()
                    continue
            if routed.request_id is None and not routed.is_response:
                p.dispatch_notification(message, None, self.on_notification)
            elif routed.request_id is None:
                log.warning("proctor: response without id: %s", message.get("error"))
            # else: a late answer to a call that already gave up; nobody wants it.

    def _read_message(self, deadline: Optional[float]) -> Dict[str, Any]:
        """Reads one JSON object. Partial lines stay buffered across timeouts."""
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[:newline])
                del self._buffer[:newline + 1]
                message = p.decode(line)
                if message is not None:
                    return message
                continue
            if len(self._buffer) > p.MAX_LINE_BYTES:
                self._fail("response line too long")
                raise ConnectionClosed("response line too long")
            remaining = _remaining(deadline)
            if remaining is not None and remaining <= 0:
                raise TimeoutError("no response in time")
            # select() rather than settimeout(): a timeout on the socket would also apply to a
            # sendall() running concurrently on another thread.
            try:
                if not self._selector.select(remaining):
                    continue
                chunk = self._sock.recv(1 << 16)
            except (OSError, ValueError) as error:  # ValueError: closed by close() meanwhile
                self._fail(f"receive failed: {error}")
                raise ConnectionClosed(f"receive failed: {error}") from error
            if not chunk:
                self._fail("server closed the connection")
                raise ConnectionClosed("server closed the connection")
            self._buffer += chunk

    def _fail(self, why: str) -> None:
        with self._cond:
            if self._failure is None:
                self._failure = why
            self._cond.notify_all()

    # --- methods ----------------------------------------------------------------------------

    def health(self) -> Dict[str, Any]:
        """`{"status": "ok", "version": ..., "layers": {...}}`."""
        return self.call("health")

    def stats(self) -> Dict[str, Any]:
        """Server counters: requests, gradings, verdicts, queue_depth, in_flight, sessions, ..."""
        return self.call("stats")

    def list_envs(self) -> List[Dict[str, Any]]:
        """The env descriptions (`id`, `description`, `options`)."""
        return p.envs_value(self.call("envs.list"))

    def list_tasks(self, pack: Optional[str] = None) -> List[Dict[str, Any]]:
        """The tasks (`pack`, `task_id`, `title`, `languages`) of one pack or of all."""
        return p.tasks_value(self.call("tasks.list", p.list_tasks_params(pack)))

    def make(self, env_id: str, options: Optional[Mapping[str, Any]] = None) -> str:
        """Creates an env session and returns its id."""
        return p.session_of(self.call("env.make", p.make_params(env_id, options)))

    def reset(self, session_id: str, seed: Optional[int] = None,
              options: Optional[Mapping[str, Any]] = None, *,
              deadline_ms: Optional[int] = None) -> Tuple[Any, Dict[str, Any]]:
        """Starts an episode: `(observation, info)`. `options={"task_id": ...}` picks the task."""
        return p.reset_value(self.call("env.reset", p.reset_params(session_id, seed, options,
                                                                   deadline_ms)))

    def step(self, session_id: str, action: p.Submission, *, deadline_ms: Optional[int] = None,
             extract: Optional[str] = None
             ) -> Tuple[Any, Optional[float], bool, bool, Dict[str, Any]]:
        """Submits an action (a str means `{"code": str}`, a list of messages a chat):
        `(observation, reward, terminated, truncated, info)`; reward is None when ungradeable.
        `extract` ("auto", "fenced", "raw") says how the code is found in it."""
        params = p.step_params(session_id, action, deadline_ms, extract)
        return p.step_value(self.call("env.step", params))

    def close_env(self, session_id: str) -> None:
        """Closes a session (the server also reaps idle ones)."""
        self.call("env.close", {"session_id": session_id})

    def grade(self, task_id: str, submissions: Iterable[p.Submission], pack: Optional[str] = None,
              deadline_ms: Optional[int] = None, stream: bool = False,
              on_result: Optional[p.ResultCallback] = None,
              extract: Optional[str] = None,
              idempotency_key: Optional[str] = None) -> Dict[str, Any]:
        """Grades a group of submissions of one task: `{"results": [...], "group": {...}}`.

        A str submission means `{"code": str}`, a list of `{"role", "content"}` messages a
        chat (its last assistant message is graded). `extract` ("auto" by default on the
        server, "fenced", "raw") says how the code is found in submissions that do not name
        their own; each result's `extraction` says what was graded. With `stream=True`,
        `on_result(index, result)` is called for each result as it finishes, before this
        returns.

        The request carries `idempotency_key` (a fresh uuid4 unless given; none when the client
        was made with `idempotency=False`), the same on every retry and failover of this call,
        so a server that already graded it answers from that grading instead of grading again.
        """
        key = idempotency_key or (p.new_idempotency_key() if self.idempotency else None)
        params = p.grade_params(task_id, submissions, pack, deadline_ms, stream, extract, key)
        return self.call("grade", params, on_result=on_result)


class Router:
    """Several endpoints behind one client: which server gets a request, and what to do when
    it cannot answer.

    - `grade` goes to the endpoint its `(pack, task_id)` hashes to (`protocol.endpoint_order`:
      rendezvous hashing, the same in every process), so a task's compile cache and warm
      sandboxes are reused; other methods go to the first endpoint; env calls stay on the
      endpoint that made their session (a session lives on one server: if it dies, the call
      raises `ConnectionClosed`).
    - A request fails over to the next endpoint in its order when the server is unreachable,
      drops the connection before answering (died mid-request), is shutting down, or answers
      overload (-32000). After a whole round of overloaded servers the client waits the
      servers' `retry_after_ms` (the `retry_overloaded` policy bounds the rounds); dropped and
      unreachable connections are retried `failovers` more times than there are endpoints
      (with one endpoint, a load balancer, that is reconnecting to it).
    - A connection that dropped is replaced on the next request that uses its endpoint; an
      endpoint that failed goes to the back of every order for `cooldown` seconds.

    A retried `grade` carries the same `idempotency_key`, and `on_result` hears each index once.
    `TimeoutError` (the client's own `timeout`) is not retried: that server may still be working.
    """

    cooldown = 1.0

    def __init__(self, endpoints: List[p.Endpoint], retry: p.RetryPolicy, failovers: int,
                 link_options: Dict[str, Any]):
        self.endpoints = endpoints
        self.retry = retry
        self.failovers = max(0, int(failovers))
        self._link_options = link_options
        self._links: List[Optional[ProctorClient]] = [None] * len(endpoints)
        self._down_until = [0.0] * len(endpoints)
        self._made = [False] * len(endpoints)
        self._sessions: Dict[str, int] = {}
        self._lock = threading.Lock()
        self.stats = {"requests": 0, "attempts": 0, "retried": 0, "failed_over": 0,
                      "reconnects": 0}

    def close(self) -> None:
        with self._lock:
            links, self._links = self._links, [None] * len(self.endpoints)
        for link in links:
            if link is not None:
                link.close()

    def notify(self, method: str, params: Optional[Mapping[str, Any]]) -> None:
        for i in self._order(None):
            try:
                self._link(i).notify(method, params)
                return
            except ConnectionClosed:
                self._drop(i)
        raise Unreachable(f"no reachable Proctor server among {self._names()}")

    def call(self, method: str, params: Optional[Mapping[str, Any]],
             on_result: Optional[p.ResultCallback], timeout: Optional[float]) -> Any:
        self._count("requests")
        session_id = params.get("session_id") if params else None
        with self._lock:
            pinned = self._sessions.get(session_id) if session_id is not None else None
        if pinned is not None:
            return self._call_pinned(pinned, method, params, on_result, timeout)
        callback = p.once_per_index(on_result)
        lost_budget = len(self.endpoints) + self.failovers
        overload_rounds, previous = 0, None
        last: Optional[ProctorError] = None
        while True:
            overloaded: Optional[ProctorError] = None
            for i in self._order(p.route_key(method, params)):
                if previous is not None:
                    self._count("retried")
                    if i != previous:
                        self._count("failed_over")
                previous = i
                self._count("attempts")
                try:
                    result = self._link(i)._call_once(method, params, callback, timeout)
                except (Overloaded, ShuttingDown) as error:
                    overloaded = overloaded or (error if isinstance(error, Overloaded) else None)
                    last = error
                    if isinstance(error, ShuttingDown):
                        self._drop(i)
                    continue
                except ConnectionClosed as error:  # unreachable, or dropped mid-request
                    last = error
                    self._drop(i)
                    lost_budget -= 1
                    if lost_budget < 0:
                        raise
                    continue
                self._remember_session(method, params, result, i)
                return result
            assert last is not None
            if overloaded is not None:
                wait = self.retry.delay(overloaded, overload_rounds)
                if wait is None:
                    raise overloaded
                overload_rounds += 1
                time.sleep(wait)
            elif lost_budget < 0 or isinstance(last, ShuttingDown):
                raise last
            else:
                time.sleep(0.05)  # every endpoint failed this round: give them a moment

    def _call_pinned(self, i: int, method: str, params: Optional[Mapping[str, Any]],
                     on_result: Optional[p.ResultCallback], timeout: Optional[float]) -> Any:
        self._count("attempts")
        try:
            link = self._link(i)
            attempt = 0
            while True:
                try:
                    result = link._call_once(method, params, on_result, timeout)
                    break
                except Overloaded as error:
                    wait = self.retry.delay(error, attempt)
                    if wait is None:
                        raise
                    attempt += 1
                    time.sleep(wait)
        except ConnectionClosed as error:
            self._drop(i)
            raise ConnectionClosed(f"env session {params.get('session_id')!r} lived on "
                                   f"{self.endpoints[i]}, which is gone: {error}") from error
        if method == "env.close":
            with self._lock:
                self._sessions.pop(params["session_id"], None)
        return result

    def _remember_session(self, method: str, params: Optional[Mapping[str, Any]], result: Any,
                          i: int) -> None:
        if method == "env.make" and isinstance(result, dict) and "session_id" in result:
            with self._lock:
                self._sessions[result["session_id"]] = i

    def _order(self, key: Optional[str]) -> List[int]:
        now = time.monotonic()
        order = p.endpoint_order(self.endpoints, key)
        return ([i for i in order if self._down_until[i] <= now]
                + [i for i in order if self._down_until[i] > now])

    def _link(self, i: int) -> ProctorClient:
        with self._lock:
            link = self._links[i]
            if link is not None and not link.closed:
                return link
            endpoint = self.endpoints[i]
            if self._made[i]:
                self.stats["reconnects"] += 1
            self._made[i] = True
            link = ProctorClient(endpoint.host, endpoint.port, endpoint.unix_path,
                                 **self._link_options)
            self._links[i] = link
            self._down_until[i] = 0.0
            return link

    def _drop(self, i: int) -> None:
        with self._lock:
            link, self._links[i] = self._links[i], None
            self._down_until[i] = time.monotonic() + self.cooldown
        if link is not None:
            link.close()

    def _count(self, name: str) -> None:
        with self._lock:
            self.stats[name] += 1

    def _names(self) -> str:
        return ", ".join(str(e) for e in self.endpoints)



def _connect(host: str, port: int, unix_path: Optional[str],
             connect_timeout: Optional[float]) -> socket.socket:
    try:
        if unix_path is not None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(connect_timeout)
            try:
                sock.connect(unix_path)
            except BaseException:
                sock.close()
                raise
        else:
            sock = socket.create_connection((host, port), timeout=connect_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError as error:
        where = unix_path if unix_path is not None else f"{host}:{port}"
        raise Unreachable(f"cannot connect to Proctor at {where}: {error}") from error
    sock.settimeout(None)
    return sock


def _remaining(deadline: Optional[float]) -> Optional[float]:
    return None if deadline is None else deadline - time.monotonic()
