#!/bin/sh
# SPDX-License-Identifier: MIT
# paths.sh - the memory drop on every path a caller can start clang
# by: the fake skc's posix_spawnp, and exec_caller's fork+execvp,
# fork+execve, vfork+execv (never taken over: the same peak both ways),
# system() and bare execvp.  Each runs real
# clang++ -O2 on a generated IR while the caller holds CALLER_MB, without
# and with the shim; skcexec-profile gives the peak of the whole run: the
# kernel's count for the run's own memory cgroup where one is writable (a
# forked child's pages shared with its parent count once), else a sampled
# sum of RSS (shared pages then count twice: the baseline of the fork paths
# looks worse than it is).
set -eu
: "${BUILD:?run through make bench-paths}"
CALLER_MB=${CALLER_MB:-1000}
IR_FUNCS=${IR_FUNCS:-300}
CLANG=${CLANG:-$(command -v clang++ || true)}
[ -n "$CLANG" ] || { echo "bench: needs clang++"; exit 1; }
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

dir="$BUILD/bench-paths"
mkdir -p "$dir/bin"
cp "$BUILD/fixtures/skc" "$dir/bin/skc"
# exec_caller must be named skc to be a caller: a directory of its own.
mkdir -p "$dir/exec"
cp "$BUILD/fixtures/exec_caller" "$dir/exec/skc"
gen_ir "$CLANG" "$IR_FUNCS" 1000 "$dir/input.ll"
echo "bench: IR $(wc -c <"$dir/input.ll") bytes, caller holds $CALLER_MB MiB"
printf '%-14s %22s %22s\n' path "without: peak MiB" "with: peak MiB"

peak() {   # prints the peak MiB of the command "$@"
    "$BUILD/bin/skcexec-profile" --quiet --interval 10 --output "$dir/peak" \
        -- "$@" >/dev/null 2>&1 || {
        echo "bench: failed: $*" >&2; cat "$dir/peak" >&2; exit 1; }
    sed -n 's/^skcexec-profile: peak_mib=\([0-9]*\) source=\([a-z0-9-]*\).*/\1 (\2)/p' \
        "$dir/peak"
}

for path in posix_spawnp fork-execvp fork-execve vfork-execv system execvp; do
    if [ "$path" = posix_spawnp ]; then
        set -- "$dir/bin/skc" --hold-mb "$CALLER_MB" --ir "$dir/input.ll" \
            -o "$dir/prog" --clang "$CLANG"
    else
        set -- "$dir/exec/skc" --via "$path" --hold-mb "$CALLER_MB" \
            --ir "$dir/input.ll" -o "$dir/prog" --clang "$CLANG"
    fi
    without=$(SKCEXEC_DISABLE=1 peak "$@")
    with=$(LD_PRELOAD="$BUILD/libskcexec.so" peak "$@")
    "$dir/prog"
    printf '%-14s %22s %22s\n' "$path" "$without" "$with"
done
