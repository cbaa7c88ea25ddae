#!/usr/bin/env bash
# Builds Proctor's container image (Dockerfile) with podman, runs `proctor serve` in it with the
# flags the sandbox needs, and drives it from the host with the Python client (docs/container.md).
#
# Runs as root on a fresh Debian 12 machine (CI): installs podman, runc and debootstrap when
# missing. No image registry is reachable, so the base image `debian:bookworm-slim` is made
# locally once with debootstrap + `podman import` (kept in podman's storage: later runs skip it).
# Prints a PASS/FAIL line per check and `container: N passed, M failed`; exits 1 on any failure.
#
# It is part of the test command: `scripts/test.sh` runs it as the ctest test `container`
# (label `container`; `ctest -LE container` leaves it out). Runs of it are serialized by a lock,
# and each run first removes what a killed earlier run left (its containers, host cgroups and
# debootstrap folder), so no run can break the next. Not root: exits 77 (ctest: skipped).
#
# Environment: PROCTOR_IMAGE (default localhost/proctor:test), DEBIAN_MIRROR (default
# http://deb.debian.org/debian), KEEP_IMAGE=0 removes the built image at the end.
set -euo pipefail
SCRIPT=$(readlink -f "$0")
cd "$(dirname "$SCRIPT")/.."
ROOT=$PWD
START=$SECONDS

if [[ $(id -u) -ne 0 ]]; then
  echo "container: SKIPPED: needs root (rootful podman, host cgroups); CI runs it as root" >&2
  exit 77
fi

# One run at a time: the script re-runs itself under flock(1). `-o` keeps the lock's fd out of
# the script, so the detached containers' conmon processes cannot inherit it and hold the lock.
# (PROCTOR_CONTAINER_TEST_LOCKED only marks the re-run.)
LOCK=/run/lock/proctor-container-test.lock
if [[ ${PROCTOR_CONTAINER_TEST_LOCKED:-} != 1 ]]; then
  if ! flock -n "$LOCK" true; then
    echo "container: waiting for another container test run to finish ($(date +%T))" >&2
  fi
  PROCTOR_CONTAINER_TEST_LOCKED=1 exec flock -o -w 3600 "$LOCK" bash "$SCRIPT" "$@"
fi

IMAGE=${PROCTOR_IMAGE:-localhost/proctor:test}
BASE=debian:bookworm-slim
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
NAME=proctor-ct-$$
# Every container this script starts carries this label, so a later run can find leftovers.
LABEL=org.proctor.container-test
LOG_DIR=$(mktemp -d /tmp/proctor-container.XXXXXX)

# Podman on these machines: crun refuses the hybrid cgroup v1/v2 layout, so runc; root cannot
# raise rlimits past its own, so the container's (and each build step's) limits are set low.
RUNTIME=(--runtime runc)
ULIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
# What Proctor's sandbox needs inside the container (docs/container.md says why): the runtime's
# seccomp filter off (it refuses sethostname in the sandbox's own UTS namespace), /proc unmasked
# (else the sandbox cannot mount a fresh /proc), and writable cgroups. On a cgroup v1 (or hybrid)
# host the cgroups are narrow: one fresh host cgroup per controller, bound over the container's
# read-only one, so the container can write below it and nowhere else. Elsewhere: --privileged.
CGROUP_CONTROLLERS=(memory pids cpuacct)
CGROUP_DIRS=()
sandbox_flags() {
  SANDBOX_FLAGS=(--security-opt seccomp=unconfined --security-opt systempaths=unconfined)
  local c
  for c in "${CGROUP_CONTROLLERS[@]}"; do
    if [[ $(stat -f -c %T "/sys/fs/cgroup/$c" 2>/dev/null) != cgroupfs ]]; then
      echo "container: no cgroup v1 $c controller at /sys/fs/cgroup/$c: using --privileged" >&2
      SANDBOX_FLAGS=(--privileged)
      return
    fi
  done
  for c in "${CGROUP_CONTROLLERS[@]}"; do
    mkdir -p "/sys/fs/cgroup/$c/$NAME"
    CGROUP_DIRS+=("/sys/fs/cgroup/$c/$NAME")
    SANDBOX_FLAGS+=(-v "/sys/fs/cgroup/$c/$NAME:/sys/fs/cgroup/$c:rw")
  done
}

passed=0
failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
step() { echo "container: $* ($(date +%T))" >&2; }
summary() { echo "container: $passed passed, $failed failed ($((SECONDS - START)) s)"; }

cleanup() {
  podman rm -f --ignore -t 5 "$NAME" "$NAME-noflags" "$NAME-privileged" "$NAME-seccomp" \
    >/dev/null 2>&1 || true
  local d
  for d in "${CGROUP_DIRS[@]}"; do  # the sandbox leaves an empty proctor/ below each
    if [[ -d $d ]]; then find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  if [[ ${KEEP_IMAGE:-1} == 0 ]]; then podman rmi -f "$IMAGE" >/dev/null 2>&1 || true; fi
  if [[ -n ${ROOTFS:-} ]]; then rm -rf "$ROOTFS"; fi
  rm -rf "$LOG_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 0. Clear what a killed run left behind -----------------------------------------------------
# A run killed without its trap (SIGKILL, e.g. a ctest timeout) leaves its detached containers
# (conmon keeps them alive), its host cgroups, its log folder and maybe a debootstrap folder.
# Under the lock no other run is alive, so every such leftover is stale.
if command -v podman >/dev/null; then
  stale=$(podman ps -a -q --filter "label=$LABEL" 2>/dev/null || true)
  if [[ -n $stale ]]; then
    step "removing containers left by an earlier run"
    # shellcheck disable=SC2086
    podman rm -f -t 5 $stale >/dev/null 2>&1 || true
  fi
fi
for d in /sys/fs/cgroup/{memory,pids,cpuacct}/proctor-ct-*; do
  if [[ -d $d ]]; then find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
done
rm -rf /var/tmp/proctor-rootfs.*
for d in /tmp/proctor-container.*; do [[ $d == "$LOG_DIR" ]] || rm -rf "$d"; done

# --- 1. Host packages -------------------------------------------------------------------------
PACKAGES=(podman runc debootstrap python3)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  step "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$LOG_DIR/apt.log" 2>&1; then
    cat "$LOG_DIR/apt.log" >&2
    echo "container: FAILED to install ${missing[*]}" >&2
    exit 1
  fi
fi

# --- 2. Base image (once) ---------------------------------------------------------------------
# A run killed between the import and the tag leaves only localhost/$BASE: tag it again.
if podman image exists "localhost/$BASE" && ! podman image exists "docker.io/library/$BASE"; then
  podman tag "localhost/$BASE" "docker.io/library/$BASE"
fi
if ! podman image exists "docker.io/library/$BASE"; then
  step "making $BASE with debootstrap (once; a few minutes)"
  ROOTFS=$(mktemp -d /var/tmp/proctor-rootfs.XXXXXX)
  if ! debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$LOG_DIR/debootstrap.log" 2>&1; then
    tail -n 30 "$LOG_DIR/debootstrap.log" >&2
    echo "container: debootstrap failed" >&2
    exit 1
  fi
  # The same apt sources as the official image: bookworm, -updates and -security.
  rm -f "$ROOTFS/etc/apt/sources.list"
  cat >"$ROOTFS/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${MIRROR}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar --numeric-owner -C "$ROOTFS" -c . \
    | podman import --change 'CMD ["bash"]' - "localhost/$BASE" >"$LOG_DIR/import.log" 2>&1
  # Also under the name a pull would give it, so `FROM debian:bookworm-slim` resolves locally.
  podman tag "localhost/$BASE" "docker.io/library/$BASE"
  rm -rf "$ROOTFS"
  ROOTFS=
fi

# --- 3. The image -----------------------------------------------------------------------------
step "building $IMAGE"
build_start=$SECONDS
if podman build --pull=never "${RUNTIME[@]}" "${ULIMITS[@]}" -t "$IMAGE" -f Dockerfile . \
     >"$LOG_DIR/build.log" 2>&1; then
  pass "image builds ($((SECONDS - build_start)) s)"
  # Each rebuild leaves the previous image's layers untagged (about 0.5 GB): drop them. The new
  # image's own layers stay, and so does the layer cache of the next build.
  podman image prune -f >/dev/null 2>&1 || true
else
  tail -n 40 "$LOG_DIR/build.log"
  fail "image builds" "podman build failed (log above)"
  summary
  exit 1
fi

# --- 4. Without the sandbox flags: doctor names what is missing, serve refuses to start ---------
step "doctor without the sandbox flags"
set +e
podman run --rm --name "$NAME-noflags" --label "$LABEL=$$" "${RUNTIME[@]}" "${ULIMITS[@]}" \
  --entrypoint /opt/proctor/build/proctor "$IMAGE" doctor >"$LOG_DIR/doctor-noflags.txt" 2>&1
rc=$?
set -e
sed 's/^/  | /' "$LOG_DIR/doctor-noflags.txt"
if ((rc != 0)) && grep -q MISSING "$LOG_DIR/doctor-noflags.txt"; then
  pass "doctor without the sandbox flags reports MISSING layers and exits $rc"
else
  fail "doctor without the sandbox flags" "exit $rc, expected non-zero with MISSING layers"
fi
set +e
timeout 120 podman run --rm --name "$NAME-noflags" --label "$LABEL=$$" "${RUNTIME[@]}" "${ULIMITS[@]}" "$IMAGE" \
  >"$LOG_DIR/serve-noflags.txt" 2>&1
rc=$?
set -e
if ((rc != 0 && rc != 124)); then
  pass "serve without the sandbox flags refuses to start (exit $rc)"
else
  cat "$LOG_DIR/serve-noflags.txt"
  fail "serve without the sandbox flags" "exit $rc, expected a startup error"
fi

# --- 5. --privileged, the blunt alternative, also gives every layer -----------------------------
set +e
podman run --rm --name "$NAME-privileged" --label "$LABEL=$$" "${RUNTIME[@]}" "${ULIMITS[@]}" --privileged \
  --entrypoint /opt/proctor/build/proctor "$IMAGE" doctor >"$LOG_DIR/doctor-privileged.txt" 2>&1
rc=$?
set -e
if ((rc == 0)) && ! grep -q MISSING "$LOG_DIR/doctor-privileged.txt"; then
  pass "doctor with --privileged: every layer active, smoke test ok"
else
  sed 's/^/  | /' "$LOG_DIR/doctor-privileged.txt"
  fail "doctor with --privileged" "exit $rc"
fi

# --- 6. With the sandbox flags: serve on published loopback ports -----------------------------
sandbox_flags
echo "container: sandbox flags: ${SANDBOX_FLAGS[*]}" >&2

# --- 6a. The runtime's default seccomp filter: every layer detects, every run fails -----------
# serve must run doctor's smoke test before listening and refuse to start, naming it.
if [[ ${SANDBOX_FLAGS[0]} != --privileged ]]; then
  NO_SECCOMP_FLAGS=()
  for f in "${SANDBOX_FLAGS[@]}"; do
    [[ $f == seccomp=unconfined ]] && { unset 'NO_SECCOMP_FLAGS[-1]'; continue; }
    NO_SECCOMP_FLAGS+=("$f")
  done
  step "serve with the runtime's default seccomp filter"
  set +e
  timeout 120 podman run --rm --name "$NAME-seccomp" --label "$LABEL=$$" "${RUNTIME[@]}" \
    "${ULIMITS[@]}" "${NO_SECCOMP_FLAGS[@]}" "$IMAGE" >"$LOG_DIR/serve-seccomp.txt" 2>&1
  rc=$?
  set -e
  sed 's/^/  | /' "$LOG_DIR/serve-seccomp.txt"
  if ((rc == 1)) && grep -q 'smoke test FAILED' "$LOG_DIR/serve-seccomp.txt" \
     && ! grep -q '^listening' "$LOG_DIR/serve-seccomp.txt"; then
    pass "serve with the runtime's seccomp filter: smoke test fails, refuses to start (exit 1)"
  else
    fail "serve with the runtime's seccomp filter" \
      "exit $rc, expected 1 with 'smoke test FAILED' and no 'listening'"
  fi
  for d in "${CGROUP_DIRS[@]}"; do  # what that sandbox left, before the server uses them
    find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
else
  echo "container: --privileged fallback: no runtime seccomp filter to check against" >&2
fi
step "starting the server"
if ! podman run -d --name "$NAME" --label "$LABEL=$$" "${RUNTIME[@]}" "${ULIMITS[@]}" "${SANDBOX_FLAGS[@]}" \
     -p 127.0.0.1::7070 -p 127.0.0.1::7071 "$IMAGE" >/dev/null; then
  fail "the server container starts" "podman run failed"
  summary
  exit 1
fi
port=$(podman port "$NAME" 7070/tcp | head -n1)
port=${port##*:}
http_port=$(podman port "$NAME" 7071/tcp | head -n1)
http_port=${http_port##*:}
echo "container: $NAME serves JSON-RPC on 127.0.0.1:$port, HTTP on 127.0.0.1:$http_port" >&2

step "doctor in the running container"
set +e
podman exec "$NAME" /opt/proctor/build/proctor doctor >"$LOG_DIR/doctor.txt" 2>&1
rc=$?
set -e
sed 's/^/  | /' "$LOG_DIR/doctor.txt"
if ((rc == 0)) && ! grep -q MISSING "$LOG_DIR/doctor.txt"; then
  pass "doctor in the container: every layer active, smoke test ok"
else
  fail "doctor in the container" "exit $rc"
fi

# --- 7. Drive it with the Python client -------------------------------------------------------
step "driving the server with the Python client"
set +e
PYTHONPATH="$ROOT/python" python3 - "$port" "$http_port" "$NAME" <<'PY' | tee "$LOG_DIR/client.txt"
import json
import subprocess
import sys
import time
import urllib.request

from proctor_client import ProctorClient

port, http_port, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]


def check(label, ok, why=""):
    print(("PASS " if ok else "FAIL ") + label + ("" if ok else ": " + why), flush=True)


def running():
    out = subprocess.run(["podman", "inspect", "-f", "{{.State.Running}}", name],
                         capture_output=True, text=True)
    return out.stdout.strip() == "true"


# Wait for health: the server is up once it answers (it checks its layers first).
client, health, last = None, None, ""
deadline = time.monotonic() + 90
while time.monotonic() < deadline and running():
    try:
        client = ProctorClient("127.0.0.1", port, timeout=60)
        health = client.health()
        break
    except Exception as e:  # noqa: BLE001 - still starting
        last = repr(e)
        if client is not None:
            client.close()
            client = None
        time.sleep(0.5)
if health is None:
    check("health answers", False, last or "container stopped")
    subprocess.run(["podman", "logs", name])
    sys.exit(0)
layers = health.get("layers", {})
check("health answers ok with every layer active",
      health.get("status") == "ok" and layers and all(layers.values()), json.dumps(health))

try:
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/healthz", timeout=30) as r:
        check("HTTP /healthz answers 200", r.status == 200, str(r.status))
except Exception as e:  # noqa: BLE001
    check("HTTP /healthz answers 200", False, repr(e))

correct = "def add(a, b):\n    return a + b\n"
wrong = "def add(a, b):\n    return a - b\n"
try:
    out = client.grade("T1", [correct, wrong], pack="adversarial", deadline_ms=60_000)
    rewards = out["group"]["rewards"]
    check("grade T1: a + b gets 1.0, a - b gets 0.0", rewards == [1.0, 0.0], json.dumps(out)[:2000])
except Exception as e:  # noqa: BLE001
    check("grade T1: a + b gets 1.0, a - b gets 0.0", False, repr(e))

cpp = open("tasks/adversarial/tasks/T4/reference.cpp").read()
try:
    out = client.grade("T4", [{"code": cpp, "language": "cpp"}], pack="adversarial",
                       deadline_ms=120_000)
    check("grade T4 (C++ compiled in the sandbox): reference gets 1.0",
          out["group"]["rewards"] == [1.0], json.dumps(out)[:2000])
except Exception as e:  # noqa: BLE001
    check("grade T4 (C++ compiled in the sandbox): reference gets 1.0", False, repr(e))

try:
    sid = client.make("proctor/codegen-v0", {"pack": "adversarial"})
    obs, info = client.reset(sid, options={"task_id": "T1"})
    ok_obs = obs.get("task_id") == "T1" and "add(a, b)" in obs.get("prompt", "")
    obs, reward, terminated, truncated, info = client.step(sid, correct)
    check("codegen-v0 episode on T1: reward 1.0, terminated",
          ok_obs and reward == 1.0 and terminated and not truncated,
          f"obs ok {ok_obs}, reward {reward}, terminated {terminated}, truncated {truncated}")
    obs, info = client.reset(sid, options={"task_id": "T1"})
    obs, reward, terminated, truncated, info = client.step(sid, wrong)
    check("codegen-v0 episode on T1 with a wrong answer: reward 0.0",
          reward == 0.0 and terminated, f"reward {reward}, terminated {terminated}")
    client.close_env(sid)
except Exception as e:  # noqa: BLE001
    check("codegen-v0 episode on T1", False, repr(e))
client.close()
PY
rc=${PIPESTATUS[0]}
set -e
passed=$((passed + $(grep -c '^PASS ' "$LOG_DIR/client.txt" || true)))
failed=$((failed + $(grep -c '^FAIL ' "$LOG_DIR/client.txt" || true)))
((rc == 0)) || fail "Python client" "the driver exited $rc"

# --- 8. SIGTERM drains and stops the server ---------------------------------------------------
step "stopping the server"
podman stop -t 30 "$NAME" >/dev/null
code=$(podman inspect -f '{{.State.ExitCode}}' "$NAME")
if [[ $code == 0 ]]; then
  pass "podman stop: the server drains and exits 0"
else
  podman logs --tail 20 "$NAME" || true
  fail "podman stop" "exit code $code"
fi

summary
((failed == 0))
