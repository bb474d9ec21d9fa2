#!/bin/bash
# SPDX-License-Identifier: MIT
# check_all.sh - the checks CI runs after `make test`: lint (cppcheck,
# clang-tidy, shellcheck), asan (ASan+UBSan build, unit + bats tests) and
# valgrind (the fixtures' active paths under memcheck), in that order.
# Installs the tools it lacks (tools/deps.sh test checks: asan runs bats).
# Prints "check: STAGE ok" or "check: STAGE FAILED" per stage (.ci/run
# counts those lines) and "check: STAGE took N s"; every stage runs even
# if one before it failed; the exit status is non-zero if any failed.
#
# usage: tools/check_all.sh [lint] [asan] [valgrind]     (default: all three)
set -u
cd "$(dirname "$0")/.." || exit 1

bash tools/deps.sh test checks || { echo "check: installing the tools FAILED"; exit 1; }
# gcc's ASan runtime (a dependency of gcc on Debian: libasan8)
if [ ! -e "$(cc -print-file-name=libasan.so)" ]; then
    echo "check: no libasan.so for $(cc -dumpversion): asan will fail"
fi

mk=(make)
jobs=$(nproc)

[ "$#" -gt 0 ] || set -- lint asan valgrind
failed=0
for stage in "$@"; do
    start=$SECONDS
    echo "=== check: $stage"
    case $stage in
    lint)     JOBS=$jobs "${mk[@]}" --no-print-directory lint ;;
    asan)     "${mk[@]}" --no-print-directory -j"$jobs" asan ;;
    valgrind) "${mk[@]}" --no-print-directory -j"$jobs" valgrind ;;
    *)        echo "check: unknown stage $stage"; false ;;
    esac
    rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "check: $stage ok"
    else
        echo "check: $stage FAILED (status $rc)"
        failed=$((failed + 1))
    fi
    echo "check: $stage took $((SECONDS - start)) s"
done
[ "$failed" -eq 0 ]
