#!/usr/bin/env bash
# The README's main command: installs what is missing, builds, checks the isolation layers and
# runs a sample program in the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./build/proctor doctor
echo
echo "== sample: proctor run --language python examples/hello.py --stdin examples/hello.in"
./build/proctor run --language python examples/hello.py --stdin examples/hello.in
