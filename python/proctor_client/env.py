"""A Gymnasium-style env over one Proctor env session.

Gymnasium is optional: when it is importable `ProctorEnv` is a real `gymnasium.Env` (so
wrappers and vector envs accept it), otherwise a plain class with the same methods and
attributes, so code written against it runs on machines without gymnasium (and numpy).

Observations are text, the server's plain-text rendering meant for a language model
(`observation["text"]`), kept inside the declared `Text` space: a character outside its
charset is written as a `\\uXXXX` escape, and text longer than `max_length` is cut. The
structured observation (task_id, prompt, public tests, turn, feedback; unchanged) is in
`info["observation"]` and `env.observation`.

Rewards are always floats. An action Proctor could not grade (after the server's own retry)
raises `Ungradeable` with the reason (`on_ungradeable="raise"`, the default), or is rewarded
NaN with `info["ungradeable"]` true and `info["ungradeable_reason"]` set (`"nan"`): NaN
propagates into any sum or mean, so it cannot pass as a 0.0, and it is a float wrappers accept.

`register()` registers `proctor/codegen-v0` and `proctor/repair-v0` with gymnasium (done on
import when gymnasium is importable, and by the `gymnasium.envs` entry point in pyproject.toml),
so `gymnasium.make("proctor/codegen-v0", options={"pack": "humaneval"}, port=7070)` works.
"""

from __future__ import annotations

import enum
import logging
import random
import string
import warnings
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from . import protocol as p
from .client import ProctorClient
from .errors import ConnectionClosed, SetupError, Ungradeable, UnknownSession

log = logging.getLogger("proctor_client")

try:  # optional dependency
    import gymnasium as _gymnasium
    from gymnasium import spaces as _spaces
except ImportError:  # pragma: no cover - depends on the machine
    _gymnasium = None
    _spaces = None

_Base: Any = _gymnasium.Env if _gymnasium is not None else object

# Source code needs whitespace and punctuation, which gymnasium's default Text charset
# (alphanumerics) lacks. Pass `charset=` with the characters of non-ASCII tasks to see them
# as they are instead of escaped.
DEFAULT_CHARSET = string.printable
DEFAULT_MAX_LENGTH = 1 << 20

# The gymnasium ids `register()` adds, and the entry point each one names.
ENV_IDS = ("proctor/codegen-v0", "proctor/repair-v0")
ENTRY_POINT = "proctor_client.env:ProctorEnv"

# The repair env's feedback says this after an attempt that failed no public test, which reads
# as a claim when the task has no public test at all (envs/observation.cc).
_ALL_PUBLIC_PASSED = "Every public test passed.\n"
_NO_PUBLIC_TESTS = "This task has no public tests; the hidden tests decide the reward.\n"


class StepOnUngradeable(enum.Enum):
    """What `step` does when Proctor could not grade the action (never a None reward)."""

    RAISE = "raise"  # raise `Ungradeable` with the server's reason (the default)
    NAN = "nan"      # reward float("nan"), info["ungradeable"] and info["ungradeable_reason"]


class TextSpace:
    """The declared space when gymnasium is not installed: the same `max_length`,
    `min_length`, `charset` and `contains` as `gymnasium.spaces.Text`."""

    def __init__(self, max_length: int, *, min_length: int = 0, charset: str = DEFAULT_CHARSET):
        self.max_length, self.min_length, self.charset = max_length, min_length, charset
        self.character_set: FrozenSet[str] = frozenset(charset)

    def contains(self, x: Any) -> bool:
        return (isinstance(x, str) and self.min_length <= len(x) <= self.max_length
                and all(c in self.character_set for c in x))

    __contains__ = contains


def conform_text(text: str, charset: FrozenSet[str], max_length: int) -> str:
    """`text` inside a Text space: characters outside `charset` as `\\uXXXX`/`\\UXXXXXXXX`
    escapes (or `?`, or dropped, when the charset cannot spell an escape), cut to
    `max_length`."""
    if all(c in charset for c in text) and len(text) <= max_length:
        return text
    escapable = all(c in charset for c in "\\uU0123456789abcdef")
    out = []
    for c in text:
        if c in charset:
            out.append(c)
        elif escapable:
            out.append(f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        elif "?" in charset:
            out.append("?")
    return "".join(out)[:max_length]


def register() -> bool:
    """Registers `ENV_IDS` with gymnasium (idempotent); False, with a warning saying so, when
    gymnasium is not installed."""
    if _gymnasium is None:
        warnings.warn("gymnasium is not installed, so proctor/codegen-v0 and proctor/repair-v0 "
                      "are not registered (install gymnasium, or use ProctorEnv directly)",
                      RuntimeWarning, stacklevel=2)
        return False
    registration = _registration()
    for env_id in ENV_IDS:
        if env_id not in registration.registry:
            registration.register(id=env_id, entry_point=ENTRY_POINT, kwargs={"env_id": env_id})
    return True


def _registration() -> Any:
    """gymnasium's `register` and `registry`, from `gymnasium.envs.registration`: when
    gymnasium loads its plugins (calling `register` through the entry point) it is still
    importing itself, and `gymnasium.register` does not exist yet."""
    try:
        from gymnasium.envs import registration
        return registration
    except ImportError:  # a gymnasium without that module (or a stand-in): its top level
        return _gymnasium


class ProctorEnv(_Base):
    """`reset(seed=None, options=None)` -> `(text, info)`;
    `step(action)` -> `(text, reward, terminated, truncated, info)`; `close()`.

    `env_id` is a server env (`proctor/codegen-v0`, `proctor/repair-v0`), `options` its
    `env.make` options (`pack`, `split`, `max_turns`, `reward_mode`, `language`, `extract`). Pass a
    `client` to share one connection between envs; otherwise the env opens (and closes) its
    own. An action is a str (sent as `{action_field: str}`, `"code"` by default), a list of
    chat messages (`{"messages": list}`: the last assistant message is graded) or a dict sent
    as it is (`{"completion": ..., "language": ...}`). `extract` ("auto", "fenced", "raw";
    docs/extraction.md) is sent with every action that does not name its own.
    `on_ungradeable` ("raise" or "nan") is the policy for actions Proctor could not grade
    (module docstring); the reward is always a float. `reset(seed=None)` draws the task from
    fresh OS entropy the first time and from the env's generator after that, as gymnasium
    does; `reset(seed=n)` gives the task seed n gives and makes the following unseeded
    resets deterministic.
    """

    metadata = {"render_modes": ["ansi"]}

    def __init__(self, env_id: str = "proctor/codegen-v0",
                 options: Optional[Mapping[str, Any]] = None, *,
                 client: Optional[ProctorClient] = None, host: str = p.DEFAULT_HOST,
                 port: int = p.DEFAULT_PORT, unix_path: Optional[str] = None,
                 timeout: Optional[float] = None, max_length: int = DEFAULT_MAX_LENGTH,
                 charset: str = DEFAULT_CHARSET, action_field: str = "code",
                 render_mode: Optional[str] = None, extract: Optional[str] = None,
                 on_ungradeable: Any = StepOnUngradeable.RAISE):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.env_id = env_id
        self.render_mode = render_mode
        self.action_field = action_field
        self.extract = p.check_extract(extract)
        try:
            self.on_ungradeable = StepOnUngradeable(on_ungradeable)
        except ValueError:
            raise SetupError(f"on_ungradeable must be 'raise' or 'nan', not {on_ungradeable!r}"
                             ) from None
        self._charset, self._max_length = frozenset(charset), max_length
        space = _spaces.Text if _spaces is not None else TextSpace
        self.observation_space = space(max_length=max_length, min_length=0, charset=charset)
        self.action_space = space(max_length=max_length, min_length=0, charset=charset)
        self._rng: Optional[random.Random] = None  # the task stream of unseeded resets
        self._last_text = ""
        self._owns_client = client is None
        self.client = client if client is not None else ProctorClient(
            host, port, unix_path, timeout, retry_overloaded=8)
        try:
            self.session_id: Optional[str] = self.client.make(env_id, options)
        except BaseException:
            if self._owns_client:
                self.client.close()
            raise
        self.observation: Optional[Dict[str, Any]] = None

    @property
    def task_id(self) -> Optional[str]:
        """The current episode's task (None before the first reset)."""
        return self.observation.get("task_id") if isinstance(self.observation, dict) else None

    def reset(self, seed: Optional[int] = None, options: Optional[Mapping[str, Any]] = None
              ) -> Tuple[str, Dict[str, Any]]:
        """Starts an episode; the same seed gives the same task, `options={"task_id": ...}`
        picks one."""
        if _gymnasium is not None:
            super().reset(seed=seed)  # seeds self.np_random as gymnasium expects
        if seed is not None:
            self._rng = random.Random(seed)
            server_seed = int(seed)
        else:
            if self._rng is None:
                self._rng = random.Random(random.SystemRandom().getrandbits(64))
            server_seed = self._rng.getrandbits(63)  # the server takes non-negative int64
        observation, info = self.client.reset(self._session(), seed=server_seed, options=options)
        return self._text(observation), self._info(observation, info)

    def step(self, action: p.Submission) -> Tuple[str, float, bool, bool, Dict[str, Any]]:
        """Submits code; raises `EnvError` before `reset` or after the episode ended, and
        `Ungradeable` for an action Proctor could not grade under the "raise" policy."""
        submission = p.as_submission(action, self.action_field, self.extract)
        observation, reward, terminated, truncated, info = self.client.step(self._session(),
                                                                            submission)
        text, info = self._text(observation), self._info(observation, info)
        report = info.get("report") if isinstance(info.get("report"), Mapping) else {}
        ungradeable = bool(info.get("ungradeable")) or reward is None or isinstance(reward, bool)
        if not ungradeable:
            return text, float(reward), terminated, truncated, info
        reason = str(report.get("ungradeable_reason") or
                     ("no reward in the step result" if reward is None else "malformed reward"))
        if self.on_ungradeable is StepOnUngradeable.RAISE:
            raise Ungradeable([(0, str(self.task_id), reason)])
        log.warning("proctor: step on %s ungradeable (%s): reward NaN", self.task_id, reason)
        info.update(ungradeable=True, ungradeable_reason=reason)
        return text, float("nan"), terminated, truncated, info

    def render(self) -> Optional[str]:
        if self.render_mode == "ansi" and isinstance(self.observation, dict):
            return self._last_text  # what the last reset or step returned
        return None

    def close(self) -> None:
        """Closes the session (and the connection, if the env opened it). Safe to repeat."""
        session_id, self.session_id = self.session_id, None
        if session_id is not None:
            try:
                self.client.close_env(session_id)
            except (UnknownSession, ConnectionClosed):
                pass  # already gone: reaped, or the connection dropped
        if self._owns_client and not self.client.closed:
            self.client.close()

    def __enter__(self) -> "ProctorEnv":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _session(self) -> str:
        if self.session_id is None:
            raise ConnectionClosed("the env is closed")
        return self.session_id

    def _text(self, observation: Any) -> str:
        self.observation = observation if isinstance(observation, dict) else None
        if isinstance(observation, dict):
            text = str(observation.get("text", ""))
            if not observation.get("public_tests") and observation.get("feedback"):
                text = text.replace(_ALL_PUBLIC_PASSED, _NO_PUBLIC_TESTS)
        else:
            text = "" if observation is None else str(observation)
        self._last_text = conform_text(text, self._charset, self._max_length)
        return self._last_text

    def _info(self, observation: Any, info: Dict[str, Any]) -> Dict[str, Any]:
        info = dict(info)
        info["observation"] = observation
        return info


if _gymnasium is not None:
    register()  # so gymnasium.make("proctor/codegen-v0") works once proctor_client is imported
