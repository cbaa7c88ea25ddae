#!/usr/bin/env bash
# HumanEval, side by side in one run on this machine:
#   baseline  each canonical program (prompt + solution + test + check()) run by a fresh
#             /usr/bin/python3 -I -S with no sandbox, 2 at a time;
#   proctor   `proctor grade` of the same 164 canonical completions, every isolation layer on
#             (then the 164 known-wrong ones).
# Usage: bash bench/humaneval_grade.sh   (needs a built tree: bash scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${PROCTOR_SHARED_DIR:-../shared}
DATA=$SHARED/data/humaneval
WORK=$(mktemp -d /tmp/proctor-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

python3 - "$DATA" "$WORK" <<'PY'
import json, os, sys
data, work = sys.argv[1], sys.argv[2]
os.makedirs(f"{work}/progs")
canon, wrong = [], []
for line in open(f"{data}/HumanEval.jsonl"):
    p = json.loads(line)
    n = p["task_id"].split("/")[1]
    with open(f"{work}/progs/{n}.py", "w") as f:
        f.write(p["prompt"] + p["canonical_solution"] + "\n" + p["test"] + "\n" +
                f"check({p['entry_point']})\n")
    canon.append({"task_id": p["task_id"], "completion": p["canonical_solution"]})
for line in open(f"{data}/wrong_solutions.jsonl"):
    w = json.loads(line)
    wrong.append({"task_id": w["task_id"], "completion": w["completion"]})
for name, rows in (("canonical", canon), ("wrong", wrong)):
    with open(f"{work}/{name}.jsonl", "w") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
PY

./build/proctor pack import humaneval "$DATA/HumanEval.jsonl" --out "$WORK/pack" >/dev/null

now() { date +%s.%N; }
t0=$(now)
ls "$WORK"/progs/*.py | xargs -P 2 -n 1 timeout 10 /usr/bin/python3 -I -S >/dev/null 2>&1 || true
t1=$(now)
./build/proctor grade --pack "$WORK/pack" --submissions "$WORK/canonical.jsonl" --jobs 2 \
  --no-progress --out "$WORK/canonical.out" --summary-json "$WORK/canonical.summary" 2>/dev/null
t2=$(now)
./build/proctor grade --pack "$WORK/pack" --submissions "$WORK/wrong.jsonl" --jobs 2 \
  --no-progress --out "$WORK/wrong.out" --summary-json "$WORK/wrong.summary" 2>/dev/null
t3=$(now)

python3 - "$WORK" "$t0" "$t1" "$t2" "$t3" <<'PY'
import json, sys
work, t0, t1, t2, t3 = sys.argv[1], *map(float, sys.argv[2:])
def full(name):
    return json.load(open(f"{work}/{name}.summary"))["full_reward"]
base, canon, wrong = t1 - t0, t2 - t1, t3 - t2
print(f"{'run (164 programs, 2 at a time)':42} {'seconds':>8} {'subs/s':>8} {'vs baseline':>12}")
print(f"{'baseline: fresh python3 -I -S, no sandbox':42} {base:8.2f} {164/base:8.1f} {'1.00x':>12}")
print(f"{'proctor grade, canonical (reward 1.0: %d)' % full('canonical'):42} {canon:8.2f} {164/canon:8.1f} {base/canon:11.2f}x")
print(f"{'proctor grade, wrong (reward 1.0: %d)' % full('wrong'):42} {wrong:8.2f} {164/wrong:8.1f} {base/wrong:11.2f}x")
PY
