"""Exceptions for Proctor's JSON-RPC error codes (docs/protocol.md, "Errors").

Every server error becomes a `ProctorError` carrying the wire `code`, `message` and `data`, so
callers that only care "did it fail" catch one class, while callers that must react differently
(back off on overload, drop a sample on a deadline, re-make a lost session) catch a subclass.
"""

from __future__ import annotations

from typing import Any, Optional

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
OVERLOADED = -32000
DEADLINE_EXCEEDED = -32001
UNKNOWN_SESSION = -32002
MESSAGE_TOO_LARGE = -32003
ENV_ERROR = -32004
SHUTTING_DOWN = -32005
UNGRADEABLE = -32006  # a sample the server could not grade where a reward was due (OpenRLHF)
INTERNAL_ERROR = -32603


class ProctorError(Exception):
    """A JSON-RPC error returned by the server.

    `code` is None only for `ConnectionClosed`, which the client raises itself.
    """

    def __init__(self, code: Optional[int], message: str, data: Any = None):
        super().__init__(f"[{code}] {message}" if code is not None else message)
        self.code = code
        self.message = message
        self.data = data


class ParseError(ProctorError):
    """-32700: the server could not parse a line we sent (a client bug)."""


class InvalidRequest(ProctorError):
    """-32600: not a JSON-RPC 2.0 object (a client bug)."""


class MethodNotFound(ProctorError):
    """-32601: the server does not know the method (`data.method`): an older server?"""


class InvalidParams(ProctorError):
    """-32602: bad params; `data.param` names which one (unknown task id, bad option, ...)."""


class Overloaded(ProctorError):
    """-32000: the server's queue is full; nothing was run, so retrying is always safe."""

    @property
    def retry_after_ms(self) -> Optional[int]:
        """The server's hint for how long to wait before retrying, if it gave one."""
        hint = self.data.get("retry_after_ms") if isinstance(self.data, dict) else None
        return int(hint) if isinstance(hint, (int, float)) else None


class DeadlineExceeded(ProctorError):
    """-32001: `deadline_ms` passed; the work was cancelled and its sandboxes killed."""


class UnknownSession(ProctorError):
    """-32002: the session is unknown, closed, or was reaped after the idle timeout."""

    @property
    def session_id(self) -> Optional[str]:
        return self.data.get("session_id") if isinstance(self.data, dict) else None


class MessageTooLarge(ProctorError):
    """-32003: our line exceeded the server's `max_message_bytes` (`data.max_bytes`)."""


class EnvError(ProctorError):
    """-32004: the env refused the call (`step` before `reset`, `step` after the episode ended)."""


class ShuttingDown(ProctorError):
    """-32005: the server is shutting down; reconnect to another one."""


class InternalError(ProctorError):
    """-32603: Proctor's own failure; the server keeps serving, the request may be retried."""


class ConnectionClosed(ProctorError, ConnectionError):
    """The connection dropped (or was never open) before the response arrived.

    Raised by the client, not the server, so `code` is None. Also a `ConnectionError` so that
    generic network handling catches it.
    """

    def __init__(self, message: str = "connection to the Proctor server closed"):
        super().__init__(None, message, None)


class Unreachable(ConnectionClosed):
    """No connection to the server could be made (nothing listens there, or it refused).

    A setup mistake, not a grading outcome: the reward functions raise it at once instead of
    scoring anything.
    """


class SetupError(ProctorError, ValueError):
    """A mistake in how a trainer calls Proctor, found before anything is sent: a sample
    without a task id, a completion that is not text or a chat, an unknown policy name.
    Raised at once (also a `ValueError`); it is never turned into a reward."""

    def __init__(self, message: str):
        super().__init__(None, message, None)


class Ungradeable(ProctorError):
    """Samples Proctor could not grade, after the server's retries and the client's.

    Raised by the reward functions and envs under the default policy (`on_ungradeable=
    "raise"`), because a trainer that turns a missing reward into 0.0 (TRL's NaN and `nansum`)
    would teach the model that its code is wrong when Proctor failed. `samples` lists
    `(batch index, task_id, reason)` for each such sample; `reason` is the server's
    `ungradeable_reason` or the last request failure.
    """

    def __init__(self, samples: "list[tuple[int, str, str]]", attempts: int = 1):
        shown = "; ".join(f"#{i} {task}: {why}" for i, task, why in samples[:5])
        more = f" (and {len(samples) - 5} more)" if len(samples) > 5 else ""
        super().__init__(None, f"{len(samples)} sample(s) ungradeable after {attempts} "
                         f"attempt(s): {shown}{more}", {"samples": list(samples)})
        self.samples = list(samples)
        self.attempts = attempts


_BY_CODE = {
    PARSE_ERROR: ParseError,
    INVALID_REQUEST: InvalidRequest,
    METHOD_NOT_FOUND: MethodNotFound,
    INVALID_PARAMS: InvalidParams,
    OVERLOADED: Overloaded,
    DEADLINE_EXCEEDED: DeadlineExceeded,
    UNKNOWN_SESSION: UnknownSession,
    MESSAGE_TOO_LARGE: MessageTooLarge,
    ENV_ERROR: EnvError,
    SHUTTING_DOWN: ShuttingDown,
    INTERNAL_ERROR: InternalError,
}


def error_from_wire(error: Any) -> ProctorError:
    """Builds the exception for a response's `error` member, tolerating malformed ones."""
    if not isinstance(error, dict):
        return ProctorError(INTERNAL_ERROR, f"malformed error object: {error!r}")
    code = error.get("code")
    message = str(error.get("message", ""))
    if code == UNGRADEABLE:
        data = error.get("data") if isinstance(error.get("data"), dict) else {}
        index = data.get("index") if isinstance(data.get("index"), int) else -1
        ungradeable = Ungradeable([(index, "", message)])
        ungradeable.code, ungradeable.data = code, error.get("data")
        return ungradeable
    cls = _BY_CODE.get(code, ProctorError) if isinstance(code, int) else ProctorError
    return cls(code if isinstance(code, int) else INTERNAL_ERROR, message, error.get("data"))
