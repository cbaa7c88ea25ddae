"""Python client for Proctor, the sandboxed code-grading server (docs/protocol.md).

- `ProctorClient`: blocking, thread-safe, one connection.
- `AsyncProctorClient` / `AsyncProctorPool`: asyncio, many requests in flight.
- `make_reward_fn` / `make_async_reward_fn`: TRL/veRL-style reward functions over `grade`.
- `ProctorEnv`: a Gymnasium-style env over an env session.
"""

from .aio import AsyncProctorClient, AsyncProctorPool
from .client import ProctorClient
from .env import ProctorEnv
from .errors import (ConnectionClosed, DeadlineExceeded, EnvError, InternalError, InvalidParams,
                     MessageTooLarge, MethodNotFound, Overloaded, ProctorError, ShuttingDown,
                     UnknownSession)
from .protocol import RetryPolicy
from .reward import AsyncRewardFn, RewardFn, make_async_reward_fn, make_reward_fn

__version__ = "0.1.0"

__all__ = [
    "AsyncProctorClient", "AsyncProctorPool", "AsyncRewardFn", "ConnectionClosed",
    "DeadlineExceeded", "EnvError", "InternalError", "InvalidParams", "MessageTooLarge",
    "MethodNotFound", "Overloaded", "ProctorClient", "ProctorEnv", "ProctorError",
    "RetryPolicy", "RewardFn", "ShuttingDown", "UnknownSession", "make_async_reward_fn",
    "make_reward_fn",
]
