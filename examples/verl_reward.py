"""Proctor as veRL's custom reward function, with veRL's calls imitated (veRL is not needed).

This file is itself a `custom_reward_function` (it re-exports proctor_client.verl's)::

    custom_reward_function:
      path: examples/verl_reward.py
      name: compute_score           # reward_model.reward_manager=naive: one call per response
      # name: compute_score_batch   # reward_model.reward_manager=batch: one call per batch,
    #                                 one `grade` request per task group
    # and in the trainer's environment: PROCTOR_ENDPOINT=127.0.0.1:7070 (HOST:PORT or unix:PATH)

veRL calls `compute_score(data_source=..., solution_str=..., ground_truth=..., extra_info=...)`
(naive) or `compute_score_batch(data_sources=[...], solution_strs=[...], ground_truths=[...],
extra_infos=[...])` (batch), where `ground_truth` is the row's `reward_model.ground_truth` that
data preprocessing wrote, here::

    {"data_source": "proctor/basics", "prompt": [{"role": "user", "content": ...}],
     "reward_model": {"style": "rule",
                      "ground_truth": json.dumps({"task_id": "gcd", "pack": "basics"})},
     "extra_info": {"index": 0}}        # or extra_info={"task_id": "gcd", "pack": "basics"}

Scores are floats. veRL has no "no score", so a response Proctor cannot grade (after the
server's and the client's retries) raises `Ungradeable` and the step fails loudly, rather than
scoring correct code 0.0; an unknown task id raises `InvalidParams` at once.

Run as a script it scores a small batch both ways against the server of the README's main
command (`bash scripts/start.sh`; `--endpoint` or PROCTOR_ENDPOINT names another) and prints
the scores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "python"))  # veRL loads this file by path: find the client

from proctor_client.verl import close, compute_score, compute_score_batch  # noqa: E402,F401

GCD = ("def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
       "    return a\n")
LEAP = ("import sys\nfor word in sys.stdin.read().split():\n    y = int(word)\n"
        "    print('yes' if y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else 'no')\n")


def preprocess(task_id: str, pack: str, index: int) -> dict:
    """A row as a veRL data-preprocessing script would write it (to parquet)."""
    return {"data_source": f"proctor/{pack}",
            "prompt": [{"role": "user", "content": f"Solve task {task_id}."}],
            "reward_model": {"style": "rule",
                             "ground_truth": json.dumps({"task_id": task_id, "pack": pack})},
            "extra_info": {"index": index}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", help="HOST:PORT or unix:PATH (sets PROCTOR_ENDPOINT)")
    args = parser.parse_args()
    if args.endpoint:
        os.environ["PROCTOR_ENDPOINT"] = args.endpoint

    rows = [preprocess("gcd", "basics", i) for i in range(3)] + \
        [preprocess("leap-year", "basics", i) for i in range(3, 5)]
    responses = [f"```python\n{GCD}```",                       # a fenced answer
                 "def gcd(a, b):\n    return a * b\n",          # wrong
                 GCD,
                 LEAP,
                 LEAP.replace(" and (y % 100 != 0 or y % 400 == 0)", "")]  # wrong for 1900
    try:
        # The naive reward manager: one call per response.
        naive = [compute_score(data_source=row["data_source"], solution_str=response,
                               ground_truth=row["reward_model"]["ground_truth"],
                               extra_info=row["extra_info"])
                 for row, response in zip(rows, responses)]
        print(f"scores (naive, compute_score): {naive}")
        # The batch reward manager: one call, one grade request per task group.
        batch = compute_score_batch(data_sources=[r["data_source"] for r in rows],
                                    solution_strs=responses,
                                    ground_truths=[r["reward_model"]["ground_truth"] for r in rows],
                                    extra_infos=[r["extra_info"] for r in rows])
        print(f"scores (batch, compute_score_batch): {batch}")
        # The task may come from extra_info instead of ground_truth.
        other = compute_score("proctor/basics", GCD, ground_truth="",
                              extra_info={"task_id": "gcd", "pack": "basics"})
        print(f"score (task in extra_info): {other}")
    finally:
        close()
    return 0 if naive == batch and other == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
