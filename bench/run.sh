#!/usr/bin/env bash
# Proctor's throughput benchmark (issues 11 and 5): every row side by side in one run on this
# machine, a table on stdout, bench/RESULTS.md written (full runs only).
#
#   bash bench/run.sh [--build-dir DIR] [--quick] [--out FILE] [--jobs N] [--floor DIR] [--keep-work]
#
# Needs a built tree (proctor, proctor-keeper, proctor-zygote, bench_sandbox_overhead in
# --build-dir, default build/) and HumanEval in ../shared/data/humaneval ($PROCTOR_SHARED_DIR
# or --data overrides); ../shared/floor/cell.py for the floor rows. Standard library Python
# and bash only. Rows, columns and targets: bench/README.md. All the work is in
# bench/bench.py; this wrapper only checks the tools and makes sure nothing it started
# outlives it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "bench/run.sh: python3 not found" >&2; exit 2; }
command -v g++ >/dev/null || { echo "bench/run.sh: g++ not found (bash scripts/setup.sh)" >&2; exit 2; }

child=""
cleanup() {
  # bench.py stops its servers and CPU hogs itself (and they die with it: PR_SET_PDEATHSIG);
  # this is the last resort when the wrapper is interrupted.
  if [[ -n "$child" ]] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

python3 bench/bench.py "$@" &
child=$!
wait "$child"
