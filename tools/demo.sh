#!/bin/sh
# demo.sh - the memory drop on real work: a skc-like program holding SKC_MB
# of heap writes a generated IR of IR_FUNCS functions, then runs the real
# clang++ -O2 on it, once without and once with libskcexec.  skcexec-profile
# prints each run's time line and peak (the kernel's count for the run's own
# memory cgroup where one is writable, else a sampled sum of RSS).
set -eu
: "${BUILD:?run through make demo}"
SKC_MB=${SKC_MB:-1500}
IR_FUNCS=${IR_FUNCS:-500}
CLANG=${CLANG:-$(command -v clang++ || true)}
[ -n "$CLANG" ] || { echo "demo: needs clang++ (apt-get install clang)"; exit 1; }
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/../bench/lib.sh"

dir="$BUILD/demo"
mkdir -p "$dir/bin"
cp "$BUILD/fixtures/skc" "$dir/bin/skc"
echo "demo: generating IR ($IR_FUNCS functions)"
gen_ir "$CLANG" "$IR_FUNCS" 1000 "$dir/input.ll"
echo "demo: $(wc -c <"$dir/input.ll") bytes of IR; skc holds $SKC_MB MiB; clang: $CLANG"

run() {   # $1: label; the rest: environment assignments for the run
    label=$1
    shift
    rm -f "$dir/prog"
    echo "demo: --- $label"
    env "$@" "$BUILD/bin/skcexec-profile" --interval 20 --top 3 -- \
        "$dir/bin/skc" --hold-mb "$SKC_MB" --ir "$dir/input.ll" \
        -o "$dir/prog" --clang "$CLANG"
    "$dir/prog"     # the program clang linked must run
}

run "without the shim" SKCEXEC_DISABLE=1
run "with the shim" LD_PRELOAD="$BUILD/libskcexec.so" SKCEXEC_VERBOSE=1
