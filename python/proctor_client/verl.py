"""veRL's `custom_reward_function` over Proctor.

veRL loads a reward function from a file path and a function name::

    custom_reward_function:
      path: /path/to/python/proctor_client/verl.py   # or examples/verl_reward.py
      name: compute_score          # with reward_model.reward_manager=naive (veRL's default)
      # name: compute_score_batch  # with reward_model.reward_manager=batch: one request per group

veRL imports the file by path, not as part of this package, so the imports below are absolute:
`proctor_client` must be importable (`pip install ./python`, or `PYTHONPATH=.../python`).

Where the task comes from (data preprocessing writes it into each row)::

    row["reward_model"] = {"style": "rule",
                           "ground_truth": json.dumps({"task_id": "HumanEval/0",
                                                       "pack": "humaneval"})}
    # or a bare task id:         "ground_truth": "HumanEval/0"
    # or in extra_info instead:  row["extra_info"] = {"task_id": "HumanEval/0", "pack": "humaneval"}

`extra_info`'s `task_id`/`pack` are used when present, else `ground_truth`'s (a dict, a JSON
object, or a bare task id); when both name a task they must agree. Without a pack the
`PROCTOR_PACK` environment variable's is used, else the server resolves the id.

The server is the one `PROCTOR_ENDPOINT` names (`HOST:PORT` or `unix:PATH`; default
127.0.0.1:7070); several, comma-separated, spread the groups by task and fail over
(docs/protocol.md, "Several servers"). `PROCTOR_FIELD` (`completion`, the default, or `code`) and `PROCTOR_EXTRACT`
(`auto`, `fenced`, `raw`) are the reward function's `field` and `extract`.

Ungradeable: veRL has no "no reward" value (a score is a float), so a sample Proctor cannot
grade after the server's retries and two more by the client raises `Ungradeable` (the step
fails loudly) instead of becoming a 0.0 that teaches the model its correct code is wrong. A
setup mistake (unknown task or pack, no task id, server down) raises at once.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from proctor_client.errors import SetupError
from proctor_client.protocol import endpoints_from_env
from proctor_client.reward import RewardFn

PACK_ENV = "PROCTOR_PACK"
FIELD_ENV = "PROCTOR_FIELD"
EXTRACT_ENV = "PROCTOR_EXTRACT"

_lock = threading.Lock()
_functions: Dict[Tuple[Any, ...], RewardFn] = {}


def task_of(ground_truth: Any, extra_info: Any = None) -> Tuple[str, Optional[str]]:
    """`(task_id, pack)` of one row, from `extra_info` or `ground_truth` (module docstring)."""
    from_extra = _task_fields(extra_info) if isinstance(extra_info, Mapping) else (None, None)
    from_truth = _ground_truth_fields(ground_truth)
    task_id = from_extra[0] or from_truth[0]
    pack = from_extra[1] or from_truth[1] or os.environ.get(PACK_ENV) or None
    if from_extra[0] and from_truth[0] and from_extra[0] != from_truth[0]:
        raise SetupError(f"extra_info names task {from_extra[0]!r} but ground_truth names "
                         f"{from_truth[0]!r}")
    if not task_id:
        raise SetupError("no task id: put {'task_id': ..., 'pack': ...} in extra_info, or "
                         f"json.dumps of it (or a bare task id) in ground_truth; got "
                         f"ground_truth={ground_truth!r:.80}, extra_info={extra_info!r:.80}")
    return task_id, pack


def _task_fields(value: Mapping[str, Any]) -> Tuple[Optional[str], Optional[str]]:
    task_id, pack = value.get("task_id"), value.get("pack")
    return (task_id if isinstance(task_id, str) and task_id else None,
            pack if isinstance(pack, str) and pack else None)


def _ground_truth_fields(ground_truth: Any) -> Tuple[Optional[str], Optional[str]]:
    if isinstance(ground_truth, Mapping):
        return _task_fields(ground_truth)
    if not isinstance(ground_truth, str) or not ground_truth.strip():
        return None, None
    text = ground_truth.strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError as error:
            raise SetupError(f"ground_truth looks like JSON but is not: {error}") from None
        if isinstance(parsed, Mapping):
            return _task_fields(parsed)
    return text, None  # a bare task id


def reward_function() -> RewardFn:
    """This process's reward function for the current environment (made on first use; a
    forked worker makes its own, since the parent's loop thread does not exist there)."""
    endpoints = endpoints_from_env()
    endpoint = endpoints[0]
    field = os.environ.get(FIELD_ENV) or "completion"
    extract = os.environ.get(EXTRACT_ENV) or None
    key = (os.getpid(), ",".join(map(str, endpoints)), field, extract)
    with _lock:
        fn = _functions.get(key)
        if fn is None:
            # Several comma-separated endpoints: groups spread by task, with failover.
            fn = RewardFn(endpoint.host, endpoint.port, None, 4, unix_path=endpoint.unix_path,
                          field=field, extract=extract, on_ungradeable="raise",
                          name="proctor_verl",
                          endpoints=endpoints if len(endpoints) > 1 else None)
            _functions[key] = fn
        return fn


def compute_score_batch(data_sources: Sequence[Any], solution_strs: Sequence[str],
                        ground_truths: Sequence[Any], extra_infos: Optional[Sequence[Any]] = None,
                        **kwargs: Any) -> List[float]:
    """veRL's batch reward manager entry point: one score per response, in order. Responses of
    one task (a GRPO group) go to the server in one `grade` request; groups run concurrently."""
    n = len(solution_strs)
    if len(ground_truths) != n or (extra_infos is not None and len(extra_infos) != n):
        raise SetupError(f"{n} responses but {len(ground_truths)} ground truths"
                         + ("" if extra_infos is None else f" and {len(extra_infos)} extra_infos"))
    extras = list(extra_infos) if extra_infos is not None else [None] * n
    tasks = [task_of(ground_truths[i], extras[i]) for i in range(n)]
    rewards = reward_function()(completions=list(solution_strs),
                                task_ids=[t for t, _ in tasks], pack=[pk for _, pk in tasks])
    return [float(r) for r in rewards]  # never None: the policy raised instead


def compute_score(data_source: Any, solution_str: str, ground_truth: Any,
                  extra_info: Any = None, **kwargs: Any) -> float:
    """veRL's per-sample entry point (the naive reward manager): the response's reward."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info])[0]


def close() -> None:
    """Closes this process's connections (veRL never calls it; for scripts and tests)."""
    with _lock:
        functions = list(_functions.values())
        _functions.clear()
    for fn in functions:
        fn.close()
