#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, checks the isolation layers,
# and starts the server on the bundled packs (plus HumanEval when ../shared has it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/proctor doctor
CONFIG=config/server.yaml
HUMANEVAL=${PROCTOR_HUMANEVAL:-../shared/data/humaneval}
if [[ -f "$HUMANEVAL/HumanEval.jsonl" ]]; then
  if [[ ! -f build/packs/humaneval/pack.yaml ]]; then
    rm -rf build/packs/humaneval
    ./build/proctor pack import humaneval "$HUMANEVAL/HumanEval.jsonl" --out build/packs/humaneval \
      --wrong "$HUMANEVAL/wrong_solutions.jsonl"
  fi
else
  echo "start: $HUMANEVAL not found; serving the bundled packs only" >&2
  CONFIG=""
fi
cat >&2 <<MSG

Proctor is starting: JSON-RPC on 127.0.0.1:7070, HTTP on 127.0.0.1:7071 (Ctrl-C stops it).
Try it from another shell:
  PYTHONPATH=python python3 examples/python/train_loop.py --episodes 3

MSG
if [[ -n "$CONFIG" ]]; then
  exec ./build/proctor serve --config "$CONFIG"
else
  exec ./build/proctor serve
fi
