"""Proctor as a TRL GRPO reward function, with TRL's call imitated (TRL is not needed).

With TRL installed the reward function goes straight into the trainer::

    from proctor_client import make_reward_fn          # or make_async_reward_fn (async def)
    reward = make_reward_fn("127.0.0.1", 7070)          # on_ungradeable="raise" (the default)
    trainer = GRPOTrainer(model=..., reward_funcs=[reward], train_dataset=dataset, ...)

The dataset has a `prompt` column and a `task_id` column (and optionally `pack` and
`language`): TRL passes every column other than prompt/completion to the reward function by
name, as lists, so each completion is graded against its own task. TRL calls

    reward(prompts=[...], completions=[...], completion_ids=[...], task_id=[...], pack=[...],
           trainer_state=state)

with completions as strings, or as `[{"role": "assistant", "content": ...}]` for a
conversational dataset; it turns a None reward into NaN and sums the reward functions with
`nansum`, so a None would become 0.0. Proctor's function therefore never returns None by
default: a sample still ungradeable after the server's retries and the client's raises
`Ungradeable` with the reason, and a setup mistake (unknown task or pack, server down) raises
`InvalidParams` / `Unreachable` at once.

This script builds a small GRPO batch (2 prompts x 4 completions from tasks/basics), calls both
reward functions exactly as TRL does (`call_like_trl` below), and prints the rewards. It runs
against the server of the README's main command (`bash scripts/start.sh`); `--endpoint` or
PROCTOR_ENDPOINT (`HOST:PORT` or `unix:PATH`) names another.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import sys
from typing import Any, Callable, Dict, List, Sequence

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "python"))  # run in place without installing the client

from proctor_client import InvalidParams, make_async_reward_fn, make_reward_fn  # noqa: E402
from proctor_client.protocol import endpoint_from_env, parse_endpoint  # noqa: E402

GCD = ("def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
       "    return a\n")
GCD_WRONG = "def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n"  # no abs()
RUNNING_MAX_BODY = ("    result, best = [], None\n    for n in numbers:\n"
                    "        best = n if best is None else max(best, n)\n"
                    "        result.append(best)\n    return result\n")


def chat(text: str) -> List[Dict[str, str]]:
    return [{"role": "assistant", "content": text}]


# The dataset rows of the batch (GRPO repeats each prompt k times) and the model's answers.
ROWS = ([{"prompt": "Write gcd(a, b).", "task_id": "gcd", "pack": "basics"}] * 4
        + [{"prompt": "Complete running_max.", "task_id": "running-max", "pack": "basics"}] * 4)
COMPLETIONS: List[Any] = [
    chat(f"Here it is:\n\n```python\n{GCD}```\n"),   # a chat answer with a fenced program
    chat(f"```python\n{GCD_WRONG}```"),              # wrong for negative arguments
    GCD,                                             # plain text
    chat("I am not sure how to do this."),           # no code: reward 0, not ungradeable
    RUNNING_MAX_BODY,                                # continues the task's starter
    "    return numbers\n",                          # wrong
    RUNNING_MAX_BODY,
    "    return sorted(numbers)\n",                  # wrong
]


def call_like_trl(reward_func: Callable[..., Any], rows: Sequence[Dict[str, Any]],
                  completions: List[Any], loop: asyncio.AbstractEventLoop) -> List[float]:
    """GRPOTrainer's reward step for one reward function: the dataset columns as keyword
    lists, `trainer_state`, the async path when `asyncio.iscoroutinefunction` (TRL awaits it on
    an event loop it keeps for the whole run: `loop`), None -> NaN, and `nansum` over the
    (here single) reward functions."""
    keys = [k for k in rows[0] if k not in ("prompt", "completion", "completion_ids")]
    kwargs: Dict[str, Any] = {k: [row[k] for row in rows] for k in keys}
    kwargs["trainer_state"] = None
    args = dict(prompts=[row["prompt"] for row in rows], completions=completions,
                completion_ids=[[i] for i in range(len(completions))], **kwargs)
    if asyncio.iscoroutinefunction(reward_func):
        out = loop.run_until_complete(reward_func(**args))
    else:
        out = reward_func(**args)
    column = [math.nan if r is None else float(r) for r in out]
    return [0.0 if math.isnan(x) else x for x in column]  # nansum over one function


def advantages(rewards: List[float], k: int) -> List[float]:
    out = []
    for g in range(0, len(rewards), k):
        group = rewards[g:g + k]
        mean, std = statistics.fmean(group), statistics.pstdev(group)
        out += [round((r - mean) / (std + 1e-4), 2) for r in group]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", help="HOST:PORT or unix:PATH (default: PROCTOR_ENDPOINT "
                                           "or 127.0.0.1:7070)")
    args = parser.parse_args()
    endpoint = parse_endpoint(args.endpoint) if args.endpoint else endpoint_from_env()

    loop = asyncio.new_event_loop()
    reward = make_reward_fn(endpoint.host, endpoint.port, unix_path=endpoint.unix_path)
    try:
        rewards = call_like_trl(reward, ROWS, COMPLETIONS, loop)
        print(f"rewards (sync): {rewards}")
        print(f"advantages: {advantages(rewards, 4)}")
        print(f"stats: {reward.last_stats}")
        try:
            call_like_trl(reward, [{"prompt": "?", "task_id": "no-such-task", "pack": "basics"}],
                          [GCD], loop)
            print("setup mistake: NOT raised")
            return 1
        except InvalidParams as error:
            print(f"setup mistake raised {type(error).__name__}: {error.message}")
    finally:
        reward.close()

    async_reward = make_async_reward_fn(endpoint.host, endpoint.port,
                                        unix_path=endpoint.unix_path)
    print(f"async reward is a coroutine function: {asyncio.iscoroutinefunction(async_reward)}")
    try:
        async_rewards = call_like_trl(async_reward, ROWS, COMPLETIONS, loop)
    finally:
        loop.run_until_complete(async_reward.aclose())
        loop.close()
    print(f"rewards (async): {async_rewards}")
    return 0 if async_rewards == rewards else 1


if __name__ == "__main__":
    sys.exit(main())
