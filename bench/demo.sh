#!/bin/sh
# SPDX-License-Identifier: MIT
# demo.sh - the memory drop on real work: a skc-like program holding SKC_MB
# of heap writes a generated IR of IR_FUNCS functions, then runs the real
# clang++ -O2 on it, once without and once with libskcexec.  skcexec-profile
# prints each run's time line and peak (the kernel's count for the run's own
# memory cgroup where one is writable, else a sampled sum of RSS).  Then
# each program alone (quietly), for the best any approach can do: the peak
# of the bigger one, max/sum of the two.  Last line: the two peaks compared.
set -eu
: "${BUILD:?run through make demo}"
SKC_MB=${SKC_MB:-1500}
IR_FUNCS=${IR_FUNCS:-500}
CLANG=${CLANG:-$(command -v clang++ || true)}
[ -n "$CLANG" ] || { echo "demo: needs clang++ (as root: tools/deps.sh demo)"; exit 1; }
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

dir="$BUILD/demo"
mkdir -p "$dir/bin"
cp "$BUILD/fixtures/skc" "$dir/bin/skc"
echo "demo: generating IR ($IR_FUNCS functions)"
gen_ir "$CLANG" "$IR_FUNCS" 1000 "$dir/input.ll"
echo "demo: $(wc -c <"$dir/input.ll") bytes of IR; skc holds $SKC_MB MiB; clang: $CLANG"

# peak LOG: the peak (MiB) in a profiler report
peak() { sed -n 's/^skcexec-profile: peak_mib=\([0-9]*\) .*/\1/p' "$1" | tail -n 1; }

run() {   # $1: label (a file name too); the rest: environment assignments
    label=$1
    shift
    rm -f "$dir/prog"
    echo "demo: --- $label"
    env "$@" "$BUILD/bin/skcexec-profile" --interval 20 --top 3 \
        --output "$dir/$label.report" -- \
        "$dir/bin/skc" --hold-mb "$SKC_MB" --ir "$dir/input.ll" \
        -o "$dir/prog" --clang "$CLANG"
    cat "$dir/$label.report"
    "$dir/prog"     # the program clang linked must run
}

run "without the shim" SKCEXEC_DISABLE=1
run "with the shim" LD_PRELOAD="$BUILD/libskcexec.so" SKCEXEC_VERBOSE=1

echo "demo: --- each alone (the best possible peak is the bigger one)"
"$BUILD/bin/skcexec-profile" --quiet --interval 20 --output "$dir/clang.report" -- \
    "$CLANG" -O2 -o "$dir/prog" "$dir/input.ll" -no-pie
"$BUILD/bin/skcexec-profile" --quiet --interval 20 --output "$dir/skc.report" -- \
    env -u LD_PRELOAD "$dir/bin/skc" --hold-mb "$SKC_MB" --ir "$dir/input.ll" \
    -o "$dir/prog" --clang "$BUILD/fixtures/fake_clang"
base=$(peak "$dir/without the shim.report")
shim=$(peak "$dir/with the shim.report")
clang=$(peak "$dir/clang.report")
skc=$(peak "$dir/skc.report")
case "$base $shim $clang $skc" in
*[!0-9\ ]* | *"  "* | " "* | *" ") echo "demo: a peak could not be read (see $dir/*.report)"; exit 1 ;;
esac
echo "demo: alone: skc $skc MiB, clang $clang MiB"
awk -v b="$base" -v s="$shim" -v k="$skc" -v c="$clang" 'BEGIN {
    m = k > c ? k : c
    printf "demo: peak %d MiB without the shim, %d MiB with it: ratio %.3f; best possible max/sum = %d/%d = %.3f\n",
        b, s, s / b, m, k + c, m / (k + c) }'
