"""Throughput and latency of a running `proctor serve` over its JSON-RPC socket.

  python3 bench/server_bench.py --port P --submissions FILE.jsonl --pack humaneval
      [--connections 16] [--latency-task HumanEval/0] [--latency-runs 50]

Sends every submission of FILE.jsonl (task_id + completion/code) as its own `grade` request,
spread over --connections connections with many requests in flight, and reports
submissions/s; then grades one task alone, one request at a time, and reports p50/p99.
Prints one JSON object. Standard library only (uses python/proctor_client).
"""
import argparse
import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from proctor_client import AsyncProctorClient, ProctorClient  # noqa: E402


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * (len(values) - 1) + 0.5))]


async def throughput(port, pack, rows, connections):
    clients = [AsyncProctorClient(port=port) for _ in range(connections)]
    for c in clients:
        await c.connect()
    start = time.monotonic()

    async def one(i, row):
        sub = {k: row[k] for k in ("code", "completion", "language") if k in row}
        result = await clients[i % connections].grade(row["task_id"], [sub], pack=pack)
        return result["group"]["rewards"][0]

    rewards = await asyncio.gather(*(one(i, r) for i, r in enumerate(rows)))
    seconds = time.monotonic() - start
    for c in clients:
        await c.close()
    return seconds, rewards


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pack", default="humaneval")
    ap.add_argument("--submissions", required=True)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--latency-task", default="HumanEval/0")
    ap.add_argument("--latency-runs", type=int, default=50)
    args = ap.parse_args()
    rows = [json.loads(line) for line in open(args.submissions) if line.strip()]
    seconds, rewards = asyncio.run(throughput(args.port, args.pack, rows, args.connections))
    latency_row = next(r for r in rows if r["task_id"] == args.latency_task)
    sub = {k: latency_row[k] for k in ("code", "completion") if k in latency_row}
    times = []
    with ProctorClient(port=args.port) as client:
        for _ in range(args.latency_runs):
            t0 = time.monotonic()
            client.grade(args.latency_task, [sub], pack=args.pack)
            times.append((time.monotonic() - t0) * 1000)
    print(json.dumps({
        "submissions": len(rows), "connections": args.connections, "seconds": seconds,
        "submissions_per_second": len(rows) / seconds,
        "full_reward": sum(1 for r in rewards if r == 1.0),
        "latency_task": args.latency_task, "latency_p50_ms": percentile(times, 0.5),
        "latency_p99_ms": percentile(times, 0.99),
    }))


if __name__ == "__main__":
    main()
