#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (build/fuzz-build, -DPROCTOR_FUZZ=ON) and runs
# each for a bounded time on its corpus (docs/fuzzing.md):
#
#   scripts/fuzz.sh [--seconds N] [--no-build | --build-only] [--regressions] [target ...]
#
#   --seconds N     fuzz each target N seconds (default 45); a long run: --seconds 3600
#   --regressions   no fuzzing: run every target once over its seeds and fuzz/regressions/
#   --build-only    configure and build, run nothing (the ctest fixture fuzz_build)
#   --no-build      use the binaries already built (the ctest tests after fuzz_build)
#   target          wire_decode_fuzz, value_literal_fuzz, pack_load_fuzz, json_rpc_fuzz,
#                   http_request_fuzz, keeper_protocol_fuzz, python_wire_fuzz (default: all)
#
# New inputs the fuzzer finds go to build/fuzz-build/corpus/<target>/ (kept between runs, never
# committed); a crash is saved in build/fuzz-build/artifacts/<target>/ and fails the run. Fix
# the parser, then commit the input to fuzz/regressions/<target>/ (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=$ROOT/build/fuzz-build
ALL=(wire_decode_fuzz value_literal_fuzz pack_load_fuzz json_rpc_fuzz http_request_fuzz
     keeper_protocol_fuzz python_wire_fuzz)

seconds=45 build=1 run=1 regressions=0 targets=()
while (($#)); do
  case $1 in
    --seconds) seconds=${2:?--seconds needs a number}; shift ;;
    --no-build) build=0 ;;
    --build-only) run=0 ;;
    --regressions) regressions=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown flag $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
((${#targets[@]})) || targets=("${ALL[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target $t (${ALL[*]})" >&2; exit 2; }
done

if ((build)); then
  mkdir -p "$BUILD"
  # One build at a time (ctest -j, a second shell): the others wait for it, then find it done.
  exec 9>"$BUILD.lock"
  flock 9
  if [[ ! -f $BUILD/build.ninja ]]; then
    CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DPROCTOR_FUZZ=ON \
      -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=OFF >/dev/null
  fi
  cmake --build "$BUILD" -j "$(nproc)"
  flock -u 9
fi
((run)) || exit 0

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=()
for t in "${targets[@]}"; do
  work=$BUILD/corpus/$t artifacts=$BUILD/artifacts/$t
  mkdir -p "$work" "$artifacts"
  inputs=("$ROOT/fuzz/corpus/$t")
  [[ -d $ROOT/fuzz/regressions/$t ]] && inputs+=("$ROOT/fuzz/regressions/$t")
  start=$SECONDS
  if [[ $t == python_wire_fuzz ]]; then
    args=(--artifacts "$artifacts" --corpus "${inputs[@]}")
    ((regressions)) && args+=(--runs 0) || args+=(--seconds "$seconds")
    # Debian's interpreter, as the sandbox and the other Python tests use.
    python=/usr/bin/python3
    [[ -x $python ]] || python=python3
    cmd=("$python" "$ROOT/fuzz/python_wire_fuzz.py" "${args[@]}")
  else
    binary=$BUILD/fuzz/$t
    [[ -x $binary ]] || { echo "fuzz.sh: $binary is not built (run without --no-build)" >&2; exit 1; }
    common=(-artifact_prefix="$artifacts/" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1)
    if ((regressions)); then
      cmd=("$binary" "${common[@]}" -runs=0 "${inputs[@]}")
    else
      # The first folder receives what the fuzzer finds; the committed ones are only read.
      cmd=("$binary" "${common[@]}" -max_total_time="$seconds" "$work" "${inputs[@]}")
    fi
  fi
  echo "fuzz.sh: $t: ${cmd[*]}"
  if "${cmd[@]}" >"$BUILD/$t.log" 2>&1; then
    echo "fuzz.sh: $t: ok in $((SECONDS - start)) s ($(grep -E '^(#[0-9]+.*DONE|Done|stat::number_of_executed_units|python_wire_fuzz: done)' "$BUILD/$t.log" | tail -1))"
  else
    tail -n 60 "$BUILD/$t.log"
    echo "fuzz.sh: $t FAILED after $((SECONDS - start)) s (log $BUILD/$t.log; inputs in $artifacts/)" >&2
    echo "fuzz.sh: fix the parser, then add the input to fuzz/regressions/$t/" >&2
    failed+=("$t")
  fi
done
((${#failed[@]} == 0)) || { echo "fuzz.sh: failed: ${failed[*]}" >&2; exit 1; }
