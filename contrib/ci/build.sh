#!/bin/sh
# SPDX-License-Identifier: MIT
# contrib/ci/build.sh - CI step 3: the release build with the shim.
#   usage: build.sh [SKARGO BUILD ARGS...]    (e.g. --bin skjs)
# Runs `skcexec skargo build --release ARGS...`.  When skcexec-profile is
# installed (it is, with the library) the build runs under it and the job
# log ends with the build's peak memory; SKCEXEC_PROFILE=0 turns that off.
# The exit status is skargo's.
set -eu
if [ "${SKCEXEC_PROFILE:-1}" != 0 ] && command -v skcexec-profile >/dev/null 2>&1; then
    exec skcexec-profile --quiet -- skcexec skargo build --release "$@"
fi
exec skcexec skargo build --release "$@"
