# Proctor's server image: `proctor serve` on all interfaces of the container, with the bundled
# packs (tasks/basics, tasks/adversarial). It installs through scripts/setup.sh, the same script
# as the README, so the image and a bare Debian 12 machine cannot drift apart.
#
# The sandbox inside needs extra `podman run`/`docker run` flags (namespaces, seccomp, a writable
# cgroup): docs/container.md lists them and what `proctor doctor` reports without them.
#   podman build --pull=never -t localhost/proctor .
#   podman run --rm --privileged -p 127.0.0.1:7070:7070 localhost/proctor   (narrower: docs/container.md)
# scripts/container_test.sh builds, runs and drives this image end to end.
FROM debian:bookworm-slim

WORKDIR /opt/proctor

# Only what setup.sh and build.sh need first, so that editing the sources reuses the apt layer
# (setup.sh installs the packages that the language definitions of languages/ declare).
COPY scripts/setup.sh scripts/setup.sh
COPY languages languages
# tools/typescript with the node_modules the host's setup installed, when it did (npm ci runs
# here only without them).
COPY tools/typescript tools/typescript
RUN bash scripts/setup.sh --runtime \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb

COPY . .
# As scripts/build.sh configures, but only the two binaries the server runs (`proctor` and the
# per-run `proctor-keeper` beside it): the test suite is a third of the compile and is not
# shipped (.dockerignore leaves tests/ out of the build context).
RUN bash scripts/setup.sh --runtime \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null \
 && cmake --build build -j "$(nproc)" --target proctor proctor-keeper

# 7070: newline-delimited JSON-RPC 2.0; 7071: HTTP (/v1/grade, /healthz, /metrics).
EXPOSE 7070 7071
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/proctor/build/proctor", "serve", "--host", "0.0.0.0"]
# Extra `proctor serve` flags (e.g. `--pack DIR`, `--workers N`) go after the image name.
CMD []
