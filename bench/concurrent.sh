# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2153,SC2154 # work, SKC, CLANG, LIB, BUILD, PEAK, ...: set by bench/run.sh
# bench/concurrent.sh - the "many builds under one limit" rows of `make
# bench` (sourced by bench/run.sh; uses its profile, note, fail, ratio).
#
# A Skip monorepo, or `make -j`, runs several skc at once.  For k in
# CONC_K, k skc-like builds (the fixture holding CONC_HOLD MiB, then the
# real clang++ -O2 on the bench's IR) start together in one memory cgroup
# (skcexec-profile's), without and with the library preloaded for the whole
# group (as `LD_PRELOAD=... make -j` would).  The IR is smaller than the
# single-build rows' (CONC_IR_FUNCS functions of IR_OPS operations): four
# clang -O2 share two cores.  For each k: the peak of one
# run without a limit each way, then CONC_RUNS runs each way under a limit
# midway between k x max(skc, clang) and k x (skc + clang), counting the
# runs with an OOM kill and the builds that failed.
#   CONC_K (1 2 4), CONC_HOLD (400), CONC_IR_FUNCS (50), CONC_RUNS (3)

CONC_K=${CONC_K:-1 2 4}
CONC_IR_FUNCS=${CONC_IR_FUNCS:-50}
CONC_HOLD=${CONC_HOLD:-400}
CONC_RUNS=${CONC_RUNS:-3}
CONC_ROWS=()

# The k builds, each in its own directory; exits with the number of
# builds that failed.  $1 k, $2 work directory; the rest: skc's command.
# shellcheck disable=SC2016 # expanded by the inner bash
CONC_DRIVER='
k=$1 dir=$2
shift 2
for ((i = 1; i <= k; i++)); do
    mkdir -p "$dir/$i"
    (cd "$dir/$i" && exec "$@") &
done
failed=0
for p in $(jobs -p); do wait "$p" || failed=$((failed + 1)); done
echo "concurrent: failed=$failed"
exit "$failed"'

# conc_run LABEL MODE K LIMIT: sets PEAK, OOM, STATUS (builds failed) as
# profile() does.  A shim run must succeed, act in each skc, and leave k
# programs that run.
conc_run() {
    local label=$1 mode=$2 k=$3 limit=$4 dir=$work/conc/$1 i
    local -a env=(env -u LD_PRELOAD)
    [ "$mode" = shim ] && env=(env LD_PRELOAD="$LIB" SKCEXEC_VERBOSE=1)
    rm -rf "$dir"
    profile "$label" "$limit" "" "${env[@]}" bash -c "$CONC_DRIVER" driver "$k" "$dir" \
        "$SKC" --hold-mb "$CONC_HOLD" --ir "$work/conc/input.ll" -o prog --clang "$CLANG"
    [ "$mode" = shim ] || return 0
    if [ "$STATUS" != 0 ] || [ "$OOM" = 1 ]; then
        fail "$label: failed (status $STATUS, oom_kill $OOM; $work/$label.err)"
    elif [ "$(grep -c 'replaced by' "$work/$label.err")" -ne "$k" ]; then
        fail "$label: the shim did not act in each of the $k skc ($work/$label.err)"
    else
        for ((i = 1; i <= k; i++)); do
            "$dir/$i/prog" || { fail "$label: program $i does not run"; break; }
        done
    fi
}

concurrent() {
    local k i skc clang sum max limit pb ps kb ks fb fs
    mkdir -p "$work/conc"
    gen_ir "$CLANG" "$CONC_IR_FUNCS" "$IR_OPS" "$work/conc/input.ll" || return 1
    # Sizes: one skc-like program alone (its clang is the fake one), clang
    # alone on the same IR.
    profile conc-size-skc "" "" env -u LD_PRELOAD "$SKC" --hold-mb "$CONC_HOLD" \
        --ir "$work/conc/input.ll" -o "$work/conc/prog" --clang "$BUILD/fixtures/fake_clang"
    skc=$PEAK
    profile conc-size-clang "" "" "$CLANG" -O2 -o "$work/conc/prog" "$work/conc/input.ll" -no-pie
    clang=$PEAK
    case $SOURCE in
        cgroup-*) ;;
        *) CONC_SKIPPED="concurrent builds skipped: no memory cgroup here (peak source: $SOURCE)"
           note "$CONC_SKIPPED"; return 0 ;;
    esac
    sum=$((skc + clang)) max=$((skc > clang ? skc : clang))
    CONC_SIZES="skc-like program $skc MiB alone (holds $CONC_HOLD MiB), clang++ -O2 $clang MiB alone ($CONC_IR_FUNCS x $IR_OPS IR): max $max, sum $sum"
    note "concurrent: $CONC_SIZES"
    for k in $CONC_K; do
        limit=$((k * (max + sum) / 2))
        conc_run "conc-$k-free-baseline" baseline "$k" ""
        pb=$PEAK
        conc_run "conc-$k-free-shim" shim "$k" ""
        ps=$PEAK
        kb=0 ks=0 fb=0 fs=0
        for ((i = 1; i <= CONC_RUNS; i++)); do
            conc_run "conc-$k-oom-baseline-$i" baseline "$k" "$limit"
            [ "$OOM" = 1 ] && kb=$((kb + 1))
            fb=$((fb + STATUS))
            conc_run "conc-$k-oom-shim-$i" shim "$k" "$limit"
            [ "$OOM" = 1 ] && ks=$((ks + 1))
            fs=$((fs + STATUS))
        done
        note "concurrent k=$k: peaks $pb / $ps MiB (k x max $((k * max)), k x sum $((k * sum)));" \
            "under $limit MiB: OOM in $kb/$CONC_RUNS / $ks/$CONC_RUNS runs, builds failed $fb / $fs"
        CONC_ROWS+=("| $k | $((k * max)) / $((k * sum)) MiB | $limit MiB | $pb MiB ($(ratio "$pb" $((k * max)))) | $ps MiB ($(ratio "$ps" $((k * max)))) | $kb/$CONC_RUNS runs, $fb/$((k * CONC_RUNS)) builds failed | $ks/$CONC_RUNS runs, $fs/$((k * CONC_RUNS)) builds failed |")
    done
}

conc_table() {
    if [ "${#CONC_ROWS[@]}" -eq 0 ]; then
        [ -n "${CONC_SKIPPED:-}" ] && echo "$CONC_SKIPPED"
        return 0
    fi
    echo "Many builds under one limit: k concurrent builds in one memory cgroup; $CONC_SIZES;" \
        "limit midway between k x max and k x sum; peaks of one run without a limit (ratio to k x max);" \
        "OOM kills in $CONC_RUNS runs each"
    echo
    echo "| k | k x max / k x sum | limit | peak, baseline | peak, libskcexec | OOM, baseline | OOM, libskcexec |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    printf '%s\n' "${CONC_ROWS[@]}"
    echo
}
