#!/usr/bin/env bash
# deploy/kubernetes/ through kubectl, where it is installed. Two modes (two ctest tests):
#   kustomize  `kubectl kustomize`: parses every manifest into kubectl's resource model, offline,
#              as is and with the privileged/ component enabled.
#   dry-run    `kubectl apply --dry-run=client -k`: needs an API server for discovery (the kinds'
#              REST mappings) even on the client side; without one reachable it skips.
# Exit 77 (ctest: skipped) when kubectl is missing or no API server answers; 1 on a real error.
set -uo pipefail
mode=${1:?usage: kubectl_check.sh kustomize|dry-run}
dir="$(cd "$(dirname "$0")/../.." && pwd)/deploy/kubernetes"
kubectl=${KUBECTL:-$(command -v kubectl)}
if [[ -z "$kubectl" ]]; then
  echo "SKIP: kubectl is not installed (the YAML checks of deploy_manifests_test still ran)"
  exit 77
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
case "$mode" in
  kustomize)
    if ! timeout 60 "$kubectl" kustomize "$dir" >"$out" 2>&1; then
      cat "$out"; echo "FAIL: kubectl kustomize $dir"; exit 1
    fi
    for kind in Deployment Service HorizontalPodAutoscaler; do
      grep -qx "kind: $kind" "$out" || { cat "$out"; echo "FAIL: no $kind in the output"; exit 1; }
    done
    echo "PASS: kubectl kustomize $dir: $(grep -c '^kind: ' "$out") objects"
    # The --privileged variant (privileged/, a component): enabled in a copy of the folder.
    copy=$(mktemp -d)
    cp -r "$dir/." "$copy/"
    echo 'components: [privileged]' >>"$copy/kustomization.yaml"
    if ! timeout 60 "$kubectl" kustomize "$copy" >"$out" 2>&1; then
      rm -rf "$copy"; cat "$out"; echo "FAIL: kubectl kustomize with components: [privileged]"; exit 1
    fi
    rm -rf "$copy"
    if ! grep -qx ' *privileged: true' "$out" || grep -q 'procMount' "$out"; then
      cat "$out"; echo "FAIL: the privileged component must set privileged: true and drop procMount"
      exit 1
    fi
    echo "PASS: kubectl kustomize with components: [privileged]: privileged, no procMount"
    ;;
  dry-run)
    if timeout 90 "$kubectl" apply --dry-run=client --validate=false --request-timeout=10s \
        -k "$dir" >"$out" 2>&1; then
      cat "$out"; echo "PASS: kubectl apply --dry-run=client -k $dir"; exit 0
    fi
    cat "$out"
    if grep -qE 'connection refused|no such host|i/o timeout|dial tcp|Unable to connect|couldn.t get current server API group list|context deadline exceeded|no configuration has been provided' "$out"; then
      echo "SKIP: the client-side dry run needs an API server for discovery and none is reachable"
      exit 77
    fi
    echo "FAIL: kubectl apply --dry-run=client -k $dir"
    exit 1
    ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
