"""Episodes of Proctor's envs through Gymnasium's API (Gymnasium itself is optional).

With gymnasium installed the envs are registered ids::

    import gymnasium, proctor_client          # importing registers proctor/codegen-v0, -repair-v0
    env = gymnasium.make("proctor/repair-v0", options={"pack": "basics", "max_turns": 3},
                         port=7070)

Without it `proctor_client.ProctorEnv` has the same API: `reset(seed=None, options=None)` ->
`(text, info)` and `step(action)` -> `(text, reward, terminated, truncated, info)`. An
unseeded reset draws its task from fresh entropy (a seeded one repeats); the reward is always
a float; an action Proctor could not grade raises `Ungradeable` (or, with
`on_ungradeable="nan"`, is rewarded NaN with `info["ungradeable"]`); the observation text
stays inside `env.observation_space`'s charset.

This script plays a codegen episode and a repair episode (a wrong attempt, then a right one)
against the server of the README's main command (`bash scripts/start.sh`; `--endpoint` or
PROCTOR_ENDPOINT names another) and prints the rewards.
"""

from __future__ import annotations

import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "python"))  # run in place without installing the client

from proctor_client import ProctorClient, ProctorEnv  # noqa: E402
from proctor_client.protocol import endpoint_from_env, parse_endpoint  # noqa: E402

GCD = ("def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
       "    return a\n")
GCD_WRONG = "def gcd(a, b):\n    return a * b\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", help="HOST:PORT or unix:PATH (default: PROCTOR_ENDPOINT "
                                           "or 127.0.0.1:7070)")
    args = parser.parse_args()
    endpoint = parse_endpoint(args.endpoint) if args.endpoint else endpoint_from_env()
    ok = True
    with ProctorClient(endpoint.host, endpoint.port, endpoint.unix_path, timeout=120,
                       retry_overloaded=8) as client:
        with ProctorEnv("proctor/codegen-v0", {"pack": "basics"}, client=client) as env:
            tasks = []
            for _ in range(3):  # unseeded: tasks from fresh entropy
                env.reset()
                tasks.append(env.task_id)
            print(f"codegen: unseeded resets drew {tasks}")
            text, info = env.reset(options={"task_id": "gcd"})
            in_space = env.observation_space.contains(text)
            text, reward, terminated, truncated, info = env.step(GCD)
            print(f"codegen gcd: reward {reward!r} terminated {terminated} "
                  f"observation in space {in_space}")
            ok = ok and reward == 1.0 and terminated and in_space

        with ProctorEnv("proctor/repair-v0", {"pack": "basics", "max_turns": 3},
                        client=client) as env:
            env.reset(seed=7, options={"task_id": "gcd"})
            rewards = []
            for action in (GCD_WRONG, GCD):
                text, reward, terminated, truncated, info = env.step(action)
                rewards.append(reward)
                if terminated or truncated:
                    break
            print(f"repair gcd: rewards {rewards} terminated {terminated}")
            ok = ok and rewards == [0.0, 1.0] and terminated
            ok = ok and all(type(r) is float for r in rewards)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
