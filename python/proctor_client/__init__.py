"""Python client for Proctor, the sandboxed code-grading server (docs/protocol.md).

- `ProctorClient`: blocking, thread-safe, one connection.
- `AsyncProctorClient` / `AsyncProctorPool`: asyncio, many requests in flight.
- `make_reward_fn` / `make_async_reward_fn`: TRL/veRL-style reward functions over `grade`.
- `ProctorEnv`: a Gymnasium-style env over an env session (`register()`: gymnasium ids).
- `proctor_client.verl`: veRL's `custom_reward_function` (`compute_score`, `compute_score_batch`).
"""

from .aio import AsyncProctorClient, AsyncProctorPool
from .client import ProctorClient
from .env import ProctorEnv
from .errors import (ConnectionClosed, DeadlineExceeded, EnvError, InternalError, InvalidParams,
                     MessageTooLarge, MethodNotFound, Overloaded, ProctorError, SetupError,
                     ShuttingDown, Ungradeable, UnknownSession, Unreachable)
from .protocol import RetryPolicy
from .reward import (AsyncRewardFn, OnUngradeable, RewardFn, make_async_reward_fn,
                     make_reward_fn)

__version__ = "0.1.0"

__all__ = [
    "AsyncProctorClient", "AsyncProctorPool", "AsyncRewardFn", "ConnectionClosed",
    "DeadlineExceeded", "EnvError", "InternalError", "InvalidParams", "MessageTooLarge",
    "MethodNotFound", "OnUngradeable", "Overloaded", "ProctorClient", "ProctorEnv",
    "ProctorError", "RetryPolicy", "RewardFn", "SetupError", "ShuttingDown", "Ungradeable",
    "UnknownSession", "Unreachable", "make_async_reward_fn", "make_reward_fn",
]
