#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/fuzz.sh [RUNS [LIBFUZZER_ARGS...]] - fuzz the pure parsers
# (tests/fuzz/fuzz_parsers.c: settings, policy, shell_cmd) for RUNS executions (default 200000, sized for
# CI), then print one line: "fuzz: N executions, C crashes".  Exits non-zero
# on a crash; the input is kept in build/fuzz/artifacts/.
# Environment: CC (default: the newest clang-N, or clang, that links
# libFuzzer), FUZZ_CFLAGS (extra flags),
# BUILD (default build).
set -u
cd "$(dirname "$0")/.." || exit 1

runs=${1:-200000}
[ $# -gt 0 ] && shift
case $runs in
    '' | *[!0-9]*) echo "usage: tools/fuzz.sh [RUNS [LIBFUZZER_ARGS...]]" >&2; exit 2 ;;
esac

# The newest clang that links libFuzzer (tools/deps.sh fuzz installs one).
[ -n "${CC:-}" ] || CC=$(bash tools/deps.sh --fuzz-cc) || {
    echo "fuzz: no clang links libFuzzer here (run tools/deps.sh fuzz as root)"
    echo "fuzz: ? executions, 1 crashes"
    exit 1
}
out=${BUILD:-build}/fuzz
bin=$out/fuzz_parsers
mkdir -p "$out" || exit 1

# shellcheck disable=SC2086 # FUZZ_CFLAGS is a list of flags
"$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Ishim ${FUZZ_CFLAGS:-} \
    -o "$bin" tests/fuzz/fuzz_parsers.c shim/settings.c shim/policy.c \
    shim/shell_cmd.c shim/clang_args.c || {
    echo "fuzz: build failed"
    exit 1
}

# Fuzz a copy: the inputs libFuzzer adds must not land in the source tree.
rm -rf "$out/corpus" "$out/artifacts"
mkdir -p "$out/corpus" "$out/artifacts" || exit 1
cp tests/fuzz/corpus/* "$out/corpus/" || exit 1

log=$out/fuzz.log
"$bin" -runs="$runs" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" "$@" "$out/corpus" >"$log" 2>&1
rc=$?
tail -n 5 "$log"

# libFuzzer stops at the first crash, so there are 0 or 1 of them.  A
# slow-unit-* file is not one: a loaded CI machine can stall any input.
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
crashes=$(find "$out/artifacts" -type f ! -name 'slow-unit-*' | wc -l | tr -d ' ')
if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1               # died without writing an input (OOM, say)
fi
echo "fuzz: ${execs:-?} executions, $crashes crashes"
if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    grep -m 1 -E 'ERROR|CHECK|runtime error' "$log"
    echo "fuzz: see $log; reproduce with $bin $out/artifacts/<file>"
    exit 1
fi
