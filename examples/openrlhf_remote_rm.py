"""Proctor as OpenRLHF's remote reward model, with OpenRLHF's request imitated (no OpenRLHF).

OpenRLHF needs no client code: point it at the server's endpoint::

    --remote_rm_url http://127.0.0.1:7071/v1/openrlhf/reward --label_key task

and give the dataset a label column (`--label_key`) naming each prompt's task, in one of the
forms the server reads (docs/protocol.md): `"TASK_ID"` (unique across the loaded packs),
`"PACK:TASK_ID"`, or a JSON object string `{"pack": ..., "task_id": ...}`.

For each batch OpenRLHF POSTs `{"query": [prompt + response, ...], "prompts": [prompt, ...],
"labels": [label, ...]}` and reads `{"rewards": [...], "scores": [...], "extra_logs": {...}}`.
The server grades `query[i]` without its leading `prompts[i]` (the model's response). A batch
holding a sample Proctor cannot grade fails as a whole (HTTP error, JSON-RPC -32006 naming
the sample) so that OpenRLHF retries it, instead of a 0.0 reward.

This script POSTs one such batch to the server of the README's main command
(`bash scripts/start.sh`; `--url` or PROCTOR_OPENRLHF_URL names another) and prints the rewards.
Exit status: 0 on rewards, 1 on a wrong answer, 3 when the server has no OpenRLHF endpoint (404).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:7071/v1/openrlhf/reward"
NOT_SERVED = 3

GCD = ("def gcd(a, b):\n    a, b = abs(a), abs(b)\n    while b:\n        a, b = b, a % b\n"
       "    return a\n")
PROMPT = "<|user|>Write gcd(a, b) in Python.<|assistant|>"


def post(url: str, body: dict, timeout: float = 120) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("PROCTOR_OPENRLHF_URL", DEFAULT_URL))
    args = parser.parse_args()

    responses = [f"```python\n{GCD}```", "def gcd(a, b):\n    return a * b\n", GCD]
    labels = ["basics:gcd", json.dumps({"pack": "basics", "task_id": "gcd"}), "basics:gcd"]
    body = {"query": [PROMPT + r for r in responses], "prompts": [PROMPT] * len(responses),
            "labels": labels}
    try:
        answer = post(args.url, body)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            print(f"{args.url}: 404, this server has no OpenRLHF endpoint")
            return NOT_SERVED
        print(f"{args.url}: HTTP {error.code}: {error.read().decode(errors='replace')}")
        return 1
    print(f"rewards: {answer['rewards']}")
    print(f"scores: {answer['scores']}")
    print(f"extra_logs: {json.dumps(answer.get('extra_logs', {}), sort_keys=True)}")
    return 0 if answer["rewards"] == [1.0, 0.2, 1.0] else 1


if __name__ == "__main__":
    sys.exit(main())
