#!/usr/bin/env bash
# The one command that installs what is missing, builds, and runs the whole test suite,
# the container test included (ctest test `container`, tests/container/: builds the image with
# podman and drives the server in it; as root, about 15 min on a fresh machine). Arguments go to
# ctest: `-LE container` leaves the container test out, `-L container` runs only it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j 2 "$@"
