"""The wire protocol, shared by the blocking and the asyncio client.

Both clients do the same things around the transport: frame JSON lines, tell responses from
notifications, turn `error` members into exceptions, build each method's params and unpack its
result, and decide how long to wait before retrying an overloaded request. Keeping that here
means the two clients differ only in how they wait.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .errors import Overloaded, ProctorError, error_from_wire

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7070

# Where trainer integrations that cannot take arguments (veRL's `custom_reward_function`, the
# examples) find the server: "HOST:PORT", "[IPv6]:PORT" or "unix:PATH"; default 127.0.0.1:7070.
ENDPOINT_ENV = "PROCTOR_ENDPOINT"


@dataclass(frozen=True)
class Endpoint:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    unix_path: Optional[str] = None

    def __str__(self) -> str:
        return f"unix:{self.unix_path}" if self.unix_path else f"{self.host}:{self.port}"


def parse_endpoint(text: str) -> Endpoint:
    """"HOST:PORT", "[IPv6]:PORT", "tcp://HOST:PORT" or "unix:PATH"; ValueError otherwise."""
    text = text.strip()
    if text.startswith("unix:"):
        path = text[len("unix:"):]
        if not path:
            raise ValueError(f"{ENDPOINT_ENV}: 'unix:' needs a socket path: {text!r}")
        return Endpoint(unix_path=path)
    if text.startswith("tcp://"):
        text = text[len("tcp://"):]
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{ENDPOINT_ENV} must be HOST:PORT or unix:PATH, not {text!r}")
    return Endpoint(host=host[1:-1] if host.startswith("[") and host.endswith("]") else host,
                    port=int(port))


def endpoint_from_env(environ: Optional[Mapping[str, str]] = None) -> Endpoint:
    """The first endpoint `PROCTOR_ENDPOINT` names, or the default one when it is unset."""
    return endpoints_from_env(environ)[0]


def endpoints_from_env(environ: Optional[Mapping[str, str]] = None) -> List[Endpoint]:
    """The endpoints `PROCTOR_ENDPOINT` names (comma-separated), or `[Endpoint()]` when unset."""
    import os  # only here: the rest of the module is pure

    value = (os.environ if environ is None else environ).get(ENDPOINT_ENV, "")
    return parse_endpoints(value) if value.strip() else [Endpoint()]


def parse_endpoints(spec: Union[str, Endpoint, Sequence[Union[str, Endpoint]]]) -> List[Endpoint]:
    """A comma-separated string or a list of "HOST:PORT" / "unix:PATH" / `Endpoint`s, in
    order, duplicates dropped; ValueError when it names none or one is malformed."""
    items = spec.split(",") if isinstance(spec, str) else [spec] if isinstance(
        spec, Endpoint) else list(spec)
    out: List[Endpoint] = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        endpoint = item if isinstance(item, Endpoint) else parse_endpoint(str(item))
        if endpoint not in out:
            out.append(endpoint)
    if not out:
        raise ValueError(f"no endpoint in {spec!r} (expected HOST:PORT or unix:PATH, "
                         "comma-separated)")
    return out


def route_key(method: str, params: Optional[Mapping[str, Any]]) -> Optional[str]:
    """What picks the endpoint of a request: `pack`/`task_id` for `grade` (a task's compile
    cache and warm state live on one server), None for everything else."""
    if method != "grade" or not params:
        return None
    return f"{params.get('pack') or ''}\x00{params.get('task_id') or ''}"


def endpoint_order(endpoints: Sequence[Endpoint], key: Optional[str]) -> List[int]:
    """The indices of `endpoints` in the order to try them for `key`: rendezvous hashing
    (highest SHA-1 of endpoint and key first), so every client process maps a task to the same
    server, and a server that goes away moves only its own tasks (to the next in each one's
    order). `key=None` keeps the given order."""
    if key is None or len(endpoints) < 2:
        return list(range(len(endpoints)))

    def weight(i: int) -> bytes:
        return hashlib.sha1(f"{endpoints[i]}\x00{key}".encode("utf-8")).digest()

    return sorted(range(len(endpoints)), key=weight, reverse=True)


def once_per_index(on_result: Optional[ResultCallback]) -> Optional[ResultCallback]:
    """`on_result` that ignores an index it already heard: a `grade` retried on another
    server streams its results again, and each must reach the caller once."""
    if on_result is None:
        return None
    seen: set = set()

    def callback(index: int, result: Dict[str, Any]) -> Any:
        if index in seen:
            return None
        seen.add(index)
        return on_result(index, result)

    return callback


def new_idempotency_key() -> str:
    """A fresh key for one logical `grade` request; every retry of it carries the same one."""
    return str(uuid.uuid4())


# The server caps requests at 16 MiB by default, but responses (a big GRPO group with feedback
# per public test) can be larger; cap what we buffer well above that rather than at asyncio's
# 64 KiB default, which a single grade result can exceed.
MAX_LINE_BYTES = 256 * 1024 * 1024

GRADE_RESULT = "grade.result"

# A str (shorthand for `{"code": str}`, or the field the caller names), a list of chat
# messages (`{"messages": list}`), or a dict sent as it is.
Submission = Union[str, Sequence[Mapping[str, Any]], Mapping[str, Any]]

# How the server finds the code in a submission (docs/extraction.md): "auto" (the default: a
# markdown fence of the task's language if there is one, else the text), "fenced" (a fence is
# required, else the verdict no_code), "raw" (the text as it is).
EXTRACT_MODES = ("auto", "fenced", "raw")
ResultCallback = Callable[[int, Dict[str, Any]], Any]
NotificationCallback = Callable[[str, Any], Any]


# --- framing -----------------------------------------------------------------------------


def encode(message: Mapping[str, Any]) -> bytes:
    """One message as one UTF-8 line. Compact, and `ensure_ascii=False` keeps code readable."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


def request(request_id: Optional[int], method: str,
            params: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """A request object; `request_id=None` makes it a notification (no response)."""
    message: Dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = dict(params)
    if request_id is not None:
        message["id"] = request_id
    return message


def decode(line: bytes) -> Optional[Dict[str, Any]]:
    """Parses one line; None for blank lines and anything that is not a JSON object.

    A garbled line from the server cannot be matched to a request, so it is skipped rather than
    allowed to kill the connection that other requests are waiting on.
    """
    line = line.strip()
    if not line:
        return None
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # RecursionError: a line nested deeper than the interpreter's stack (found by
        # fuzz/python_wire_fuzz.py), which had ended the client's reader.
        return None
    return message if isinstance(message, dict) else None


@dataclass(frozen=True)
class Routed:
    """Where an incoming message belongs.

    `request_id` is the id of the request it answers (response) or reports on (a
    `grade.result` notification); None for notifications that belong to no request.
    """

    request_id: Any
    is_response: bool
    message: Dict[str, Any]


def route(message: Dict[str, Any]) -> Routed:
    if "method" not in message and ("result" in message or "error" in message):
        return Routed(message.get("id"), True, message)
    params = message.get("params")
    owner = params.get("request_id") if isinstance(params, dict) else None
    if message.get("method") != GRADE_RESULT:
        owner = None
    return Routed(owner, False, message)


def response_value(message: Mapping[str, Any]) -> Any:
    """The `result` of a response, or raises the `ProctorError` its `error` describes."""
    if "error" in message and message["error"] is not None:
        raise error_from_wire(message["error"])
    return message.get("result")


def dispatch_notification(message: Mapping[str, Any], on_result: Optional[ResultCallback],
                          on_notification: Optional[NotificationCallback]) -> None:
    """Delivers a notification: `grade.result` to the request's `on_result(index, result)`,
    anything else (or a `grade.result` nobody asked for) to the client's `on_notification`."""
    params = message.get("params")
    if message.get("method") == GRADE_RESULT and on_result is not None and isinstance(params, dict):
        on_result(params.get("index"), params.get("result"))
    elif on_notification is not None:
        on_notification(str(message.get("method")), params)


# --- retries ------------------------------------------------------------------------------


@dataclass
class RetryPolicy:
    """Bounded retry of `Overloaded` (-32000) only: the server ran nothing, so it is safe.

    `retries` extra attempts at most. The wait honours the server's `retry_after_ms`, falls back
    to exponential backoff from `base_delay` when it is absent, is capped at `max_delay`, and
    gets up to 20% jitter so that many trainer workers do not come back in lockstep.
    """

    retries: int = 0
    base_delay: float = 0.05
    max_delay: float = 10.0

    def delay(self, error: ProctorError, attempt: int) -> Optional[float]:
        """Seconds to sleep before retry number `attempt` (0-based), or None to give up."""
        if not isinstance(error, Overloaded) or attempt >= self.retries:
            return None
        hint = error.retry_after_ms
        wait = hint / 1000.0 if hint is not None else self.base_delay * (2 ** attempt)
        return min(self.max_delay, max(0.0, wait)) * (1.0 + 0.2 * random.random())


def retry_policy(retry_overloaded: Union[int, RetryPolicy, None]) -> RetryPolicy:
    if isinstance(retry_overloaded, RetryPolicy):
        return retry_overloaded
    return RetryPolicy(retries=int(retry_overloaded or 0))


# --- methods: params in, values out ----------------------------------------------------------


def with_deadline(params: Dict[str, Any], deadline_ms: Optional[int]) -> Dict[str, Any]:
    if deadline_ms is not None:
        params["deadline_ms"] = int(deadline_ms)
    return params


def as_submission(submission: Submission, key: str = "code",
                  extract: Optional[str] = None) -> Dict[str, Any]:
    """A str is shorthand for `{key: str}`; a list of `{"role", "content"}` messages for
    `{"messages": list}`; a mapping is sent as it is. `extract` is added unless the mapping
    names its own."""
    if isinstance(submission, str):
        out: Dict[str, Any] = {key: submission}
    elif isinstance(submission, Mapping):
        out = dict(submission)
    elif isinstance(submission, Sequence) and all(isinstance(m, Mapping) for m in submission):
        out = {"messages": [dict(m) for m in submission]}
    else:
        raise TypeError("a submission is a str, a list of chat messages or a dict, not "
                        f"{type(submission).__name__}")
    if extract is not None:
        out.setdefault("extract", check_extract(extract))
    return out


def check_extract(extract: Optional[str]) -> Optional[str]:
    """Checks an extract mode on the client side, so a typo fails before a round trip."""
    if extract is not None and extract not in EXTRACT_MODES:
        raise ValueError(f"extract must be one of {', '.join(EXTRACT_MODES)}, not {extract!r}")
    return extract


def list_tasks_params(pack: Optional[str]) -> Dict[str, Any]:
    return {} if pack is None else {"pack": pack}


def make_params(env_id: str, options: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    params: Dict[str, Any] = {"env_id": env_id}
    if options:
        params["options"] = dict(options)
    return params


def reset_params(session_id: str, seed: Optional[int], options: Optional[Mapping[str, Any]],
                 deadline_ms: Optional[int]) -> Dict[str, Any]:
    params: Dict[str, Any] = {"session_id": session_id}
    if seed is not None:
        params["seed"] = int(seed)
    if options:
        params["options"] = dict(options)
    return with_deadline(params, deadline_ms)


def step_params(session_id: str, action: Submission, deadline_ms: Optional[int],
                extract: Optional[str] = None) -> Dict[str, Any]:
    return with_deadline({"session_id": session_id,
                          "action": as_submission(action, extract=extract)}, deadline_ms)


def grade_params(task_id: str, submissions: Iterable[Submission], pack: Optional[str],
                 deadline_ms: Optional[int], stream: bool,
                 extract: Optional[str] = None,
                 idempotency_key: Optional[str] = None) -> Dict[str, Any]:
    params: Dict[str, Any] = {"task_id": task_id,
                              "submissions": [as_submission(s) for s in submissions]}
    if idempotency_key is not None:
        params["idempotency_key"] = idempotency_key
    if pack is not None:
        params["pack"] = pack
    if stream:
        params["stream"] = True
    if extract is not None:
        params["extract"] = check_extract(extract)
    return with_deadline(params, deadline_ms)


def session_of(result: Mapping[str, Any]) -> str:
    return result["session_id"]


def reset_value(result: Mapping[str, Any]) -> Tuple[Any, Dict[str, Any]]:
    return result.get("observation"), result.get("info") or {}


def step_value(result: Mapping[str, Any]
               ) -> Tuple[Any, Optional[float], bool, bool, Dict[str, Any]]:
    return (result.get("observation"), result.get("reward"), bool(result.get("terminated")),
            bool(result.get("truncated")), result.get("info") or {})


def envs_value(result: Mapping[str, Any]) -> List[Dict[str, Any]]:
    return list(result.get("envs", []))


def tasks_value(result: Mapping[str, Any]) -> List[Dict[str, Any]]:
    return list(result.get("tasks", []))
