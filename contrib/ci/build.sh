#!/bin/sh
# SPDX-License-Identifier: MIT
# contrib/ci/build.sh - CI step 3: the release build with the shim.
#   usage: build.sh [SKARGO BUILD ARGS...]    (e.g. --bin skjs)
# Runs `skcexec skargo build --release ARGS...`.  When skcexec-profile is
# installed (it is, with the library) the build runs as `skcexec fit`: the
# job log ends with a short table and one line per memory limit saying
# whether the build fits it without the library, with it, or not at all,
# and how close it is.  The limits: SKCEXEC_FIT_LIMIT (MiB) when set, else
# the runner's or container's limit, then 4096.  SKCEXEC_PROFILE=0 turns
# that off.  The exit status is skargo's when it failed; else, under fit,
# 1 when the build does not fit the first limit even with the library (a
# gate for a bigger runner building for a 4 GB one).
set -eu
if [ "${SKCEXEC_PROFILE:-1}" != 0 ] && command -v skcexec-profile >/dev/null 2>&1; then
    if [ -n "${SKCEXEC_FIT_LIMIT:-}" ]; then
        exec skcexec fit --limit "$SKCEXEC_FIT_LIMIT" -- skargo build --release "$@"
    fi
    exec skcexec fit -- skargo build --release "$@"
fi
exec skcexec skargo build --release "$@"
