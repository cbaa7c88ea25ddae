#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, checks the isolation layers,
# and starts the server on the bundled packs plus HumanEval, which ships in data/humaneval
# (imported into build/packs/humaneval; with the known-wrong completions of
# ../shared/data/humaneval when that folder is there).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/proctor doctor
HUMANEVAL=data/humaneval/HumanEval.jsonl.gz
WRONG=${PROCTOR_HUMANEVAL_WRONG:-../shared/data/humaneval/wrong_solutions.jsonl}
import=(pack import humaneval "$HUMANEVAL" --out build/packs/humaneval)
# The pack is rebuilt when its inputs or the importer change.
stamp="$(sha256sum "$HUMANEVAL" build/proctor | cut -c1-64 | tr '\n' ' ')"
if [[ -f "$WRONG" ]]; then
  import+=(--wrong "$WRONG")
  stamp+="$(sha256sum "$WRONG" | cut -c1-64)"
else
  echo "start: $WRONG not found; HumanEval is served without known-wrong solutions" >&2
fi
if [[ "$(cat build/packs/humaneval.stamp 2>/dev/null)" != "$stamp" ]]; then
  rm -rf build/packs/humaneval
  mkdir -p build/packs
  ./build/proctor "${import[@]}"
  echo "$stamp" > build/packs/humaneval.stamp
fi
cat >&2 <<MSG

Proctor is starting: JSON-RPC on 127.0.0.1:7070, HTTP on 127.0.0.1:7071 (Ctrl-C stops it).
Try it from another shell:
  PYTHONPATH=python python3 examples/python/train_loop.py --episodes 3

MSG
exec ./build/proctor serve --config config/server.yaml
