#!/usr/bin/env bash
# HumanEval canonical solutions, side by side in one run: `proctor grade` in-process versus
# `proctor serve` through its socket with 16 connections; then the latency of one grading of
# HumanEval/0 on the idle server (p50/p99 of 50 sequential requests).
# Usage: bash bench/server_vs_grade.sh   (needs a built tree: bash scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${PROCTOR_SHARED_DIR:-../shared}
DATA=$SHARED/data/humaneval
WORK=$(mktemp -d /tmp/proctor-bench-XXXXXX)
SERVER=""
cleanup() { [[ -n "$SERVER" ]] && kill -TERM "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

./build/proctor pack import humaneval "$DATA/HumanEval.jsonl" --out "$WORK/pack" >/dev/null
python3 -c "
import json, sys
with open('$WORK/canonical.jsonl', 'w') as out:
    for line in open('$DATA/HumanEval.jsonl'):
        p = json.loads(line)
        out.write(json.dumps({'task_id': p['task_id'], 'completion': p['canonical_solution']}) + '\n')
"
t0=$(date +%s.%N)
./build/proctor grade --pack "$WORK/pack" --submissions "$WORK/canonical.jsonl" --no-progress \
  --out /dev/null 2>/dev/null
t1=$(date +%s.%N)

./build/proctor serve --pack "$WORK/pack" --port 0 --http-port -1 > "$WORK/serve.out" 2>/dev/null &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(awk '/listening/ {print $2}' "$WORK/serve.out")
python3 bench/server_bench.py --port "$PORT" --submissions "$WORK/canonical.jsonl" \
  --connections 16 > "$WORK/server.json"

python3 - "$t0" "$t1" "$WORK/server.json" <<'PY'
import json, sys
t0, t1 = float(sys.argv[1]), float(sys.argv[2])
s = json.load(open(sys.argv[3]))
grade = 164 / (t1 - t0)
print(f"{'HumanEval canonical, 164 submissions':44} {'subs/s':>8} {'ratio':>7}")
print(f"{'proctor grade (in-process, 2 jobs)':44} {grade:8.1f} {1.0:7.2f}")
print(f"{'proctor serve, 16 connections':44} {s['submissions_per_second']:8.1f} {s['submissions_per_second']/grade:7.2f}")
print(f"full reward through the socket: {s['full_reward']}/164")
print(f"single grading of {s['latency_task']} on an idle server: "
      f"p50 {s['latency_p50_ms']:.1f} ms, p99 {s['latency_p99_ms']:.1f} ms")
PY
