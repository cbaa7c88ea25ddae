"""What TRL's GRPOTrainer does with reward functions, without torch (not installed here).

Mirrors `GRPOTrainer._calculate_rewards` (TRL 0.2x): the keyword arguments are every dataset
column except prompt/completion/completion_ids, as lists, plus `trainer_state`; a coroutine
function (`asyncio.iscoroutinefunction`) is awaited, anything else called; a None reward
becomes NaN; and the rewards of the functions are combined per sample with `nansum` over the
weighted values, which turns an all-NaN row into 0.0.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any, Callable, Dict, List, Optional, Sequence


def nansum(values: Sequence[float]) -> float:
    """torch.nansum over one row: NaNs count as zero (so an all-NaN row sums to 0.0)."""
    return sum(v for v in values if not math.isnan(v))


def reward_kwargs(inputs: Sequence[Dict[str, Any]], trainer_state: Any) -> Dict[str, Any]:
    keys = [key for key in inputs[0] if key not in ("prompt", "completion", "completion_ids")]
    kwargs: Dict[str, Any] = {key: [example[key] for example in inputs] for key in keys}
    kwargs["trainer_state"] = trainer_state
    return kwargs


def call_reward_func(func: Callable[..., Any], inputs: Sequence[Dict[str, Any]],
                     completions: List[Any], completion_ids: List[List[int]],
                     trainer_state: Any = None) -> List[float]:
    """One reward function's column of `rewards_per_func`, None turned into NaN."""
    prompts = [example["prompt"] for example in inputs]
    kwargs = reward_kwargs(inputs, trainer_state)
    if asyncio.iscoroutinefunction(func):
        out = asyncio.run(func(prompts=prompts, completions=completions,
                               completion_ids=completion_ids, **kwargs))
    else:
        out = func(prompts=prompts, completions=completions, completion_ids=completion_ids,
                   **kwargs)
    return [math.nan if r is None else float(r) for r in out]


def grpo_rewards(funcs: Sequence[Callable[..., Any]], inputs: Sequence[Dict[str, Any]],
                 completions: List[Any], weights: Optional[Sequence[float]] = None,
                 trainer_state: Any = None) -> List[float]:
    """The per-sample rewards GRPO computes its group advantages from."""
    weights = list(weights) if weights is not None else [1.0] * len(funcs)
    completion_ids = [[i] for i in range(len(completions))]
    columns = [call_reward_func(f, inputs, completions, completion_ids, trainer_state)
               for f in funcs]
    return [nansum([columns[j][i] * weights[j] for j in range(len(funcs))])
            for i in range(len(completions))]
