#!/usr/bin/env bash
# Installs every Debian package Proctor needs to build, test and run its sandboxed languages.
# Idempotent: when everything is present it only checks and returns (well under a second).
# Fails loudly (non-zero exit, the package named) when something cannot be installed.
#   bash scripts/setup.sh             everything: build, languages, and the test suite's tools
#   bash scripts/setup.sh --runtime   build and languages only (the Dockerfile: a server image
#                                     needs no fuzzer, load balancer or fault-injection library)
set -euo pipefail

RUNTIME_ONLY=0
case "${1:-}" in
  --runtime) RUNTIME_ONLY=1 ;;
  "") ;;
  -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "setup: unknown argument $1 (expected --runtime or nothing)" >&2; exit 2 ;;
esac

PACKAGES=(
  # build
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libseccomp-dev libyaml-cpp-dev nlohmann-json3-dev libgtest-dev
  zlib1g-dev libssl-dev libpugixml-dev libcli11-dev
  # sandboxed languages (Python runs on Debian's interpreter, C++ on g++ above)
  python3 python3-dev
  # tools the server uses
  procps util-linux
)

# Only the test suite needs these (not a server image: --runtime leaves them out).
TEST_PACKAGES=(
  # tests/faults: a wall-clock jump under a running server (LD_PRELOAD libfaketime)
  faketime libfaketime
  # deploy: the load balancer of deploy/haproxy.cfg (and the python_haproxy test)
  haproxy
  # tests/python_packages: a pack's python_packages (pack.yaml) bound into its runs
  python3-numpy
  # fuzz/: libFuzzer targets built with clang (scripts/fuzz.sh); llvm-symbolizer for reports
  clang libclang-rt-14-dev llvm
)
if ((RUNTIME_ONLY == 0)); then PACKAGES+=("${TEST_PACKAGES[@]}"); fi

# The sandboxed languages' own packages: the `packages: [a, b]` line of each definition in
# languages/ (docs/languages.md; the loader accepts only that one-line form, so this sed reads
# what proctor reads, before proctor is built).
LANGUAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/languages"
for def in "$LANGUAGES_DIR"/*.yaml; do
  [[ -e $def ]] || continue
  line=$(sed -n 's/^packages: \[\([^]]*\)\].*/\1/p' "$def")
  IFS=', ' read -r -a declared <<<"$line"
  for p in "${declared[@]}"; do
    if [[ -n $p ]]; then PACKAGES+=("$p"); fi
  done
done

# Whether tools/typescript holds the pinned TypeScript compiler already (a container build
# copies in the one the host's setup installed: it may reach the npm registry only through
# the host's own certificates).
TS_DIR="$LANGUAGES_DIR/../tools/typescript"
typescript_ready() {
  local want have
  want=$(sed -n 's/^ *"typescript": "\([^"]*\)".*/\1/p' "$TS_DIR/package.json" 2>/dev/null || true)
  have=$(sed -n 's/^ *"version": "\([^"]*\)".*/\1/p' \
    "$TS_DIR/node_modules/typescript/package.json" 2>/dev/null | head -n 1 || true)
  [[ -n $want && $have == "$want" && -e $TS_DIR/node_modules/@types/node/package.json ]]
}

# npm for tools/typescript below: NodeSource's nodejs carries it, Debian's nodejs does not.
if ! command -v npm >/dev/null 2>&1 && ! typescript_ready; then PACKAGES+=(npm); fi

# Runs however the packages went (also when none was missing): the pinned TypeScript compiler
# of languages/typescript.yaml, installed project-locally by `npm ci` from
# tools/typescript/package-lock.json; skipped when node_modules has the pinned version. Then
# the JVM's class-data-sharing archive of languages/java.yaml (javac's and common programs'
# classes, so that a compile and a run start faster), rebuilt when the JDK changes.
after_packages() {
  if ! typescript_ready; then
    echo "setup: npm ci in tools/typescript" >&2
    if ! (cd "$TS_DIR" && npm ci --no-audit --no-fund --ignore-scripts) >/tmp/proctor-npm.log 2>&1; then
      cat /tmp/proctor-npm.log >&2
      echo "setup: FAILED: npm ci in $TS_DIR" >&2
      exit 1
    fi
  fi
  bash "$LANGUAGES_DIR/java/build_cds_archive.sh" || { echo "setup: FAILED: java CDS archive" >&2; exit 1; }
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  after_packages
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || { echo "setup: apt-get update failed" >&2; exit 1; }
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/proctor-setup.log 2>&1; then
  cat /tmp/proctor-setup.log >&2
  echo "setup: FAILED to install: ${missing[*]}" >&2
  exit 1
fi
for p in "${missing[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || { echo "setup: package $p is still not installed" >&2; exit 1; }
done
after_packages
echo "setup: done" >&2
