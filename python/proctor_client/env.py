"""A Gymnasium-style env over one Proctor env session.

Gymnasium is optional: when it is importable `ProctorEnv` is a real `gymnasium.Env` (so
wrappers and vector envs accept it), otherwise a plain class with the same methods and
attributes, so code written against it runs on machines without gymnasium (and numpy).

Observations are text, matching the declared `Text` space: the server's plain-text rendering
meant for a language model (`observation["text"]`). The structured observation (task_id,
prompt, public tests, turn, feedback) is in `info["observation"]` and `env.observation`.
"""

from __future__ import annotations

import string
from typing import Any, Dict, Mapping, Optional, Tuple

from . import protocol as p
from .client import ProctorClient
from .errors import ConnectionClosed, UnknownSession

try:  # optional dependency
    import gymnasium as _gymnasium
    from gymnasium import spaces as _spaces
except ImportError:  # pragma: no cover - depends on the machine
    _gymnasium = None
    _spaces = None

_Base: Any = _gymnasium.Env if _gymnasium is not None else object

# Source code needs whitespace and punctuation, which gymnasium's default Text charset
# (alphanumerics) lacks. Pass `charset=` for non-ASCII tasks.
DEFAULT_CHARSET = string.printable
DEFAULT_MAX_LENGTH = 1 << 20


class ProctorEnv(_Base):
    """`reset(seed=None, options=None)` -> `(text, info)`;
    `step(action)` -> `(text, reward, terminated, truncated, info)`; `close()`.

    `env_id` is a server env (`proctor/codegen-v0`, `proctor/repair-v0`), `options` its
    `env.make` options (`pack`, `split`, `max_turns`, `reward_mode`, `language`, `extract`). Pass a
    `client` to share one connection between envs; otherwise the env opens (and closes) its
    own. An action is a str (sent as `{action_field: str}`, `"code"` by default), a list of
    chat messages (`{"messages": list}`: the last assistant message is graded) or a dict sent
    as it is (`{"completion": ..., "language": ...}`). `extract` ("auto", "fenced", "raw";
    docs/extraction.md) is sent with every action that does not name its own. The reward is
    None when Proctor could not grade the action (`info["ungradeable"]`): drop that sample,
    do not score it 0.
    """

    metadata = {"render_modes": ["ansi"]}

    def __init__(self, env_id: str = "proctor/codegen-v0",
                 options: Optional[Mapping[str, Any]] = None, *,
                 client: Optional[ProctorClient] = None, host: str = p.DEFAULT_HOST,
                 port: int = p.DEFAULT_PORT, unix_path: Optional[str] = None,
                 timeout: Optional[float] = None, max_length: int = DEFAULT_MAX_LENGTH,
                 charset: str = DEFAULT_CHARSET, action_field: str = "code",
                 render_mode: Optional[str] = None, extract: Optional[str] = None):
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.env_id = env_id
        self.render_mode = render_mode
        self.action_field = action_field
        self.extract = p.check_extract(extract)
        if _spaces is not None:
            self.observation_space = _spaces.Text(max_length=max_length, charset=charset)
            self.action_space = _spaces.Text(max_length=max_length, charset=charset)
        else:
            self.observation_space = None
            self.action_space = None
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
        observation, info = self.client.reset(self._session(), seed=seed, options=options)
        return self._text(observation), self._info(observation, info)

    def step(self, action: p.Submission) -> Tuple[str, Optional[float], bool, bool, Dict[str, Any]]:
        """Submits code; raises `EnvError` before `reset` or after the episode ended."""
        submission = p.as_submission(action, self.action_field, self.extract)
        observation, reward, terminated, truncated, info = self.client.step(self._session(),
                                                                            submission)
        return self._text(observation), reward, terminated, truncated, self._info(observation, info)

    def render(self) -> Optional[str]:
        if self.render_mode == "ansi" and isinstance(self.observation, dict):
            return str(self.observation.get("text", ""))
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
            return str(observation.get("text", ""))
        return "" if observation is None else str(observation)

    def _info(self, observation: Any, info: Dict[str, Any]) -> Dict[str, Any]:
        info = dict(info)
        info["observation"] = observation
        return info
