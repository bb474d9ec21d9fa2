#!/bin/bash
# SPDX-License-Identifier: MIT
# run_tests.sh - `make test` and `make bats`: the unit programs given as
# arguments, then every bats file (TAP, as it runs), then one totals line
# "N passed, N failed, N skipped".  A unit program counts as one test, as
# .ci/run counts it.  Exit status: non-zero if anything failed.
#
# usage: BUILD=DIR tools/run_tests.sh [UNIT_PROGRAM...]
set -u
cd "$(dirname "$0")/.." || exit 1
: "${BUILD:?BUILD must be the (absolute) build directory}"

passed=0 failed=0 skipped=0
for u in "$@"; do
    if "$u"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
BUILD=$BUILD bats --tap --print-output-on-failure tests | tee "$log"
rc=${PIPESTATUS[0]}
read -r p f s < <(bash tools/tap_count.sh "$log")
passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
# bats failing with no failed test (a syntax error in a file, say)
[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && failed=$((failed + 1))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
