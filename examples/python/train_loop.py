#!/usr/bin/env python3
"""A training loop without the training: Proctor's envs and reward function, end to end.

Against a running `proctor serve` with the HumanEval pack, this runs episodes of
proctor/codegen-v0 and proctor/repair-v0 with two table-lookup "policies" -- HumanEval's
canonical solutions (data/humaneval, bundled) and deliberately wrong completions (those of
../shared/data/humaneval/wrong_solutions.jsonl when it is there, else a body that raises) --
and then scores a GRPO-shaped batch (k completions per task) with `make_reward_fn`. The policies
are known-good and known-bad, so the numbers double as a smoke test of the whole path:
canonical must average 1.0 and wrong 0.0 (exit status 1 otherwise).

    python3 examples/python/train_loop.py --port 7070 --episodes 5
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
from collections import defaultdict
from typing import Any, Dict, List, Optional, Tuple

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "python"))  # run in place without installing the client

from proctor_client import ProctorClient, ProctorEnv, ProctorError, make_reward_fn  # noqa: E402

ENVS = ("proctor/codegen-v0", "proctor/repair-v0")


def load_completions(path: str, key: str) -> Dict[str, str]:
    """`task_id -> record[key]` from a JSONL file (gzip-compressed when it ends in .gz)."""
    table: Dict[str, str] = {}
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                table[record["task_id"]] = record[key]
    return table


class TablePolicy:
    """A stand-in for a model: answers each task with a fixed completion.

    It reads the task from the structured observation, as a real policy would read the prompt
    from `observation["text"]`; a completion continues the task's prompt (HumanEval style).
    """

    def __init__(self, name: str, completions: Dict[str, str]):
        self.name = name
        self.completions = completions

    def act(self, observation: Dict[str, Any]) -> Optional[Dict[str, str]]:
        completion = self.completions.get(observation["task_id"])
        return None if completion is None else {"completion": completion}


def run_episode(env: ProctorEnv, policy: TablePolicy, seed: int
                ) -> Tuple[str, int, Optional[float]]:
    """One episode: `(task_id, turns, final reward)`; reward None if it could not be graded."""
    _, info = env.reset(seed=seed)
    observation = info["observation"]
    turns, reward = 0, None
    while True:
        action = policy.act(observation)
        if action is None:
            return observation["task_id"], turns, None  # the policy has no answer
        _, reward, terminated, truncated, info = env.step(action)
        observation, turns = info["observation"], turns + 1
        if terminated or truncated:
            # The final attempt's reward is the episode's outcome (repair's reward_mode=final).
            return observation["task_id"], turns, reward


def run_episodes(client: ProctorClient, args: argparse.Namespace,
                 policies: List[TablePolicy]) -> Dict[Tuple[str, str], List[Optional[float]]]:
    outcomes: Dict[Tuple[str, str], List[Optional[float]]] = defaultdict(list)
    for env_id in ENVS:
        for policy in policies:
            # One session per (env, policy); the same seeds give both policies the same tasks.
            with ProctorEnv(env_id, {"pack": args.pack}, client=client) as env:
                for episode in range(args.episodes):
                    task_id, turns, reward = run_episode(env, policy, args.seed + episode)
                    outcomes[(env_id, policy.name)].append(reward)
                    shown = "ungradeable" if reward is None else f"{reward:.2f}"
                    print(f"{env_id:20} {policy.name:9} episode {episode:3}  {task_id:16} "
                          f"turns {turns}  reward {shown}")
    return outcomes


def summarize(outcomes: Dict[Tuple[str, str], List[Optional[float]]],
              expected: Dict[str, float]) -> bool:
    print("\nmean reward per env and policy (ungradeable episodes left out):")
    ok = True
    for (env_id, policy), rewards in sorted(outcomes.items()):
        graded = [r for r in rewards if r is not None]
        mean = statistics.fmean(graded) if graded else float("nan")
        good = bool(graded) and mean == expected[policy]
        ok = ok and good
        print(f"  {env_id:20} {policy:9} mean {mean:.3f} over {len(graded)}/{len(rewards)}"
              f"  (expected {expected[policy]:.1f}{'' if good else ', MISMATCH'})")
    return ok


def grpo_demo(args: argparse.Namespace, client: ProctorClient, canonical: Dict[str, str],
              wrong: Dict[str, str]) -> bool:
    """A GRPO step's reward computation: k completions per prompt, rewards, group advantages."""
    served = [t["task_id"] for t in client.list_tasks(pack=args.pack)]
    tasks = [t for t in served if t in canonical and t in wrong][:args.grpo_tasks]
    k = args.grpo_k
    prompts, completions, task_ids = [], [], []
    for task_id in tasks:
        for j in range(k):  # the first half of each group right, the rest wrong
            completions.append(canonical[task_id] if j < (k + 1) // 2 else wrong[task_id])
            prompts.append(f"<prompt of {task_id}>")
            task_ids.append(task_id)
    with make_reward_fn(args.host, args.port, pack=args.pack, connections=4,
                        unix_path=args.unix) as reward_fn:
        rewards = reward_fn(prompts=prompts, completions=completions, task_ids=task_ids)
        stats = reward_fn.last_stats
    print(f"\nGRPO batch: {len(tasks)} tasks x k={k} completions -> {stats}")
    ok = True
    for g, task_id in enumerate(tasks):
        group = rewards[g * k:(g + 1) * k]
        graded = [r for r in group if r is not None]
        mean = statistics.fmean(graded) if graded else 0.0
        std = statistics.pstdev(graded) if len(graded) > 1 else 0.0
        advantages = ["  -  " if r is None else f"{(r - mean) / (std + 1e-4):+.2f}" for r in group]
        expected = [1.0 if j < (k + 1) // 2 else 0.0 for j in range(k)]
        ok = ok and group == expected
        print(f"  {task_id:16} rewards {group}  advantages [{', '.join(advantages)}]")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7070)
    parser.add_argument("--unix", metavar="PATH", help="connect to this Unix socket instead")
    parser.add_argument("--humaneval", metavar="FILE",
                        default=os.path.join(REPO, "data", "humaneval", "HumanEval.jsonl.gz"),
                        help="HumanEval's JSONL (.gz or plain; a folder: its HumanEval.jsonl)")
    parser.add_argument("--wrong", metavar="FILE",
                        default=os.path.join(REPO, "..", "shared", "data", "humaneval",
                                             "wrong_solutions.jsonl"),
                        help="known-wrong completions (task_id, completion); when absent, "
                             "every task gets a body that raises")
    parser.add_argument("--pack", default="humaneval", help="the server's name for the pack")
    parser.add_argument("--episodes", type=int, default=3, help="episodes per env and policy")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first episode")
    parser.add_argument("--grpo-tasks", type=int, default=4)
    parser.add_argument("--grpo-k", type=int, default=4, help="completions per task")
    args = parser.parse_args()

    humaneval = args.humaneval
    if os.path.isdir(humaneval):  # the older form: a folder like ../shared/data/humaneval
        humaneval = os.path.join(humaneval, "HumanEval.jsonl")
    canonical = load_completions(humaneval, "canonical_solution")
    if os.path.exists(args.wrong):
        wrong = load_completions(args.wrong, "completion")
    else:
        print(f"({args.wrong} not found: the wrong policy answers with a body that raises)\n")
        wrong = {task_id: "    raise NotImplementedError\n" for task_id in canonical}
    policies = [TablePolicy("canonical", canonical), TablePolicy("wrong", wrong)]

    try:
        with ProctorClient(args.host, args.port, args.unix, timeout=300,
                           retry_overloaded=8) as client:
            health = client.health()
            print(f"proctor {health.get('version')} at "
                  f"{args.unix or f'{args.host}:{args.port}'}: {health.get('status')}\n")
            outcomes = run_episodes(client, args, policies)
            ok = summarize(outcomes, {"canonical": 1.0, "wrong": 0.0})
            ok = grpo_demo(args, client, canonical, wrong) and ok
    except ProctorError as error:
        print(f"train_loop: {error}", file=sys.stderr)
        return 2
    print("\nall as expected" if ok else "\nSOME REWARDS WERE NOT AS EXPECTED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
