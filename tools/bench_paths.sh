#!/bin/sh
# bench_paths.sh - the memory drop on every path a caller can start clang
# by: the fake skc's posix_spawnp, and exec_caller's fork+execvp,
# fork+execve, vfork+execv, system() and bare execvp.  Each runs real
# clang++ -O2 on a generated IR while the caller holds CALLER_MB, without
# and with the shim; peakrss -p prints the peak of the whole process tree,
# summing proportional set sizes (a forked child shares its parent's pages:
# summed RSS would count them twice).
set -eu
: "${BUILD:?run through make bench-paths}"
CALLER_MB=${CALLER_MB:-1000}
IR_FUNCS=${IR_FUNCS:-300}
CLANG=${CLANG:-$(command -v clang++ || true)}
[ -n "$CLANG" ] || { echo "bench: needs clang++"; exit 1; }

dir="$BUILD/bench"
mkdir -p "$dir/bin"
cp "$BUILD/fixtures/skc" "$dir/bin/skc"
# exec_caller must be named skc to be a caller: a directory of its own.
mkdir -p "$dir/exec"
cp "$BUILD/fixtures/exec_caller" "$dir/exec/skc"
# The IR names clang's own target, as skc's does (no -Woverride-module noise).
{ printf 'target triple = "%s"\n' "$("$CLANG" -print-target-triple)"
  "$BUILD/tools/gen_ir" "$IR_FUNCS"; } >"$dir/input.ll"
echo "bench: IR $(wc -c <"$dir/input.ll") bytes, caller holds $CALLER_MB MiB"
printf '%-14s %12s %12s\n' path "without MiB" "with MiB"

peak() {   # prints peak_total_mb of the command "$@"
    "$BUILD/tools/peakrss" -p -i 10 -o "$dir/peak" -- "$@" >/dev/null 2>&1 || {
        echo "bench: failed: $*" >&2; cat "$dir/peak" >&2; exit 1; }
    sed -n 's/.*peak_total_mb=\([0-9.]*\).*/\1/p' "$dir/peak"
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
    printf '%-14s %12s %12s\n' "$path" "$without" "$with"
done
