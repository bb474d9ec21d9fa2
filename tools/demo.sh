#!/bin/sh
# demo.sh - the memory drop on real work: a skc-like program holding SKC_MB
# of heap writes a generated IR of IR_FUNCS functions, then runs the real
# clang++ -O2 on it, once without and once with libskcexec.  peakrss reports
# the peak of the sum of RSS over the whole process tree for both runs.
set -eu
: "${BUILD:?run through make demo}"
SKC_MB=${SKC_MB:-1500}
IR_FUNCS=${IR_FUNCS:-500}
CLANG=${CLANG:-$(command -v clang++ || true)}
[ -n "$CLANG" ] || { echo "demo: needs clang++ (apt-get install clang)"; exit 1; }

dir="$BUILD/demo"
mkdir -p "$dir/bin"
cp "$BUILD/fixtures/skc" "$dir/bin/skc"
echo "demo: generating IR ($IR_FUNCS functions)"
# The IR names clang's own target, as skc's does (no -Woverride-module noise).
{ printf 'target triple = "%s"\n' "$("$CLANG" -print-target-triple)"
  "$BUILD/tools/gen_ir" "$IR_FUNCS"; } >"$dir/input.ll"
echo "demo: $(wc -c <"$dir/input.ll") bytes of IR; skc holds $SKC_MB MiB; clang: $CLANG"

run() {   # $1: label; the rest: environment assignments for the run
    label=$1
    shift
    rm -f "$dir/prog"
    start=$(date +%s.%N)
    env "$@" "$BUILD/tools/peakrss" -i 5 -o "$dir/peak.$label" -- \
        "$dir/bin/skc" --hold-mb "$SKC_MB" --ir "$dir/input.ll" \
        -o "$dir/prog" --clang "$CLANG"
    end=$(date +%s.%N)
    "$dir/prog"     # the program clang linked must run
    secs=$(echo "$start $end" | awk '{printf "%.1f", $2 - $1}')
    echo "demo: $label: $(cat "$dir/peak.$label") wall=${secs}s"
}

run "without-shim" SKCEXEC_DISABLE=1
run "with-shim   " LD_PRELOAD="$BUILD/libskcexec.so" SKCEXEC_VERBOSE=1
