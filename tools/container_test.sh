#!/bin/bash
# SPDX-License-Identifier: MIT
# container_test.sh - `make container-test`: contrib/Dockerfile and the CI
# recipes in a real container engine under a memory limit
# (tests/container/container.bats), on the stand-in for
# skiplabs/skip:latest (tools/container_base.sh, cached between runs).
# Where no engine can run (not root, no memory cgroup, podman/runc/
# mmdebstrap missing and not installable, a container cannot start), it
# prints one TAP line, `ok 1 container tests # skip REASON`, and succeeds.
# The first run on a machine builds the base (a few minutes: Debian
# packages from the mirror); later runs reuse it.
set -u
: "${BUILD:?run through make container-test}"
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tools/container_lib.sh
. tools/container_lib.sh

skip_all() { printf '1..1\nok 1 container tests # skip %s\n' "$1"; exit 0; }

start=$SECONDS
ct_ready || skip_all "$CT_WHY"
mkdir -p "$BUILD/container"
log=$BUILD/container/base.log
base=$(bash tools/container_base.sh 2>"$log")
rc=$?
if [ "$rc" -eq 77 ]; then
    skip_all "$(tail -n 1 "$log")"
elif [ "$rc" -ne 0 ] || [ -z "$base" ]; then
    tail -n 20 "$log"
    printf '1..1\nnot ok 1 container tests: the stand-in base image (%s)\n' "$log"
    exit 1
fi
echo "container: base image $base ready after $((SECONDS - start)) s"
ct_probe "$base" || skip_all "$CT_WHY"
bats --tap tests/container
rc=$?
echo "container: took $((SECONDS - start)) s"
exit "$rc"
