#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/run.sh - `make bench`.  Baseline (no preload) vs libskcexec, each
# pair measured in the same run:
#   memory  a skc-like program (build/fixtures/skc) holding HOLD MiB writes a
#           generated real-size IR and runs the real clang++ -O2 on it, as
#           skc does: cgroup peak and the ratio shim/baseline next to the
#           physical limit max(skc, clang) / (skc + clang); OOM_RUNS runs
#           each under a memory limit midway between max and sum; wall time;
#           `skcexec fit`'s estimate without the library against real runs
#           without it, at two sizes, anonymous heap or in a state file
#           (bench/fit.sh).
#   cost    start-up of a trivial program under no preload, an empty .so,
#           libskcexec and libeatmydata (a peer preload): the extra us per
#           process, timed, and its instructions and faults, counted
#           (bench/startup_cost.sh, which also says when the machine is
#           too loaded to judge); posix_spawn and fork+exec throughput of a
#           non-caller; a real clang compile; the IR barrier when the IR is
#           already closed.
# Prints a markdown table, saves this output as $BUILD/bench/bench.txt and
# the RSS-over-time chart as $BUILD/bench/rss.png.  Figures never fail the
# run; a wrong result does (a shim run killed or failing, a wrong output).
# `bench/run.sh startup` (make bench-startup): the start-up rows alone.
set -u
: "${BUILD:?run through make bench}"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
# shellcheck source=bench/concurrent.sh
. "$here/concurrent.sh"
# shellcheck source=bench/fit.sh
. "$here/fit.sh"
# shellcheck source=bench/startup_cost.sh
. "$here/startup_cost.sh"

HOLD=${HOLD:-1500}            # MiB the skc-like program holds
IR_FUNCS=${IR_FUNCS:-100}     # functions in the generated IR ...
IR_OPS=${IR_OPS:-6000}        # ... of this many operations each
PEAK_RUNS=${PEAK_RUNS:-5}     # unlimited runs, each of baseline and shim
OOM_RUNS=${OOM_RUNS:-10}      # runs under the limit, each
SPAWNS=${SPAWNS:-250}         # start-up: spawns per setting per round
ROUNDS=${ROUNDS:-20}          # start-up and throughput rounds
CLANG_RUNS=${CLANG_RUNS:-7}   # clang -c compiles, each preloaded and not
LOOP=200                      # children per throughput measurement
# The defaults are measured: no setting or preload of the caller's leaks in.
unset LD_PRELOAD "${!SKCEXEC_@}"

out=$BUILD/bench
work=$out/work
LIB=$BUILD/libskcexec.so
SKC=$BUILD/fixtures/skc       # named skc: a caller
PROFILER=$BUILD/bin/skcexec-profile
EMPTY=$out/empty.so
PEER=""
failed=()

note() { echo "bench: $*"; }
fail() { echo "bench: WRONG: $*"; failed+=("$*"); }
# ratio A B: A / B with 3 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }

# apt_get PKG...: installs Debian packages when root and apt-get exist.
apt_get() {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
    note "installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "$@" >/dev/null 2>&1
}

# find_peer: sets PEER to libeatmydata.so (Debian package eatmydata).
find_peer() {
    local so
    for so in /usr/lib/*/libeatmydata.so /usr/lib/libeatmydata.so; do
        [ -f "$so" ] && PEER=$so && return 0
    done
    return 1
}

prerequisites() {
    command -v clang++ >/dev/null || apt_get clang ||
        { note "needs clang++ (apt-get install clang)"; return 1; }
    CLANG=$(command -v clang++)
    command -v gnuplot >/dev/null || apt_get gnuplot-nox ||
        note "no gnuplot (apt-get install gnuplot-nox): no chart"
    find_peer || { apt_get eatmydata && find_peer; }
    [ -n "$PEER" ] || note "no libeatmydata (apt-get install eatmydata): no peer column"
    [ -x "$PROFILER" ] || { note "needs $PROFILER (make bench builds it)"; return 1; }
}

# profile LABEL LIMIT_MIB CSV CMD...: runs CMD under the profiler, its
# output in $work/LABEL.err; sets PEAK, SOURCE, OOM, STATUS (the exit
# status) and WALL from the profiler's last line.
profile() {
    local label=$1 limit=$2 csv=$3 line opts=(--quiet --interval 20)
    shift 3
    [ -n "$csv" ] && opts+=(--csv "$csv")
    [ -n "$limit" ] && opts+=(--limit "$limit")
    "$PROFILER" "${opts[@]}" -- "$@" >"$work/$label.err" 2>&1
    STATUS=$?
    line=$(grep '^skcexec-profile: peak_mib=' "$work/$label.err" | tail -n 1)
    PEAK=$(echo "$line" | sed -n 's/.*peak_mib=\([0-9]*\).*/\1/p')
    SOURCE=$(echo "$line" | sed -n 's/.* source=\([^ ]*\).*/\1/p')
    OOM=$(echo "$line" | sed -n 's/.* oom_kill=\([^ ]*\).*/\1/p')
    WALL=$(echo "$line" | sed -n 's/.* wall_s=\([0-9.]*\).*/\1/p')
    [ -n "$PEAK" ] || { PEAK=0 SOURCE=none; }
}

# skc_run LABEL MODE LIMIT CSV: the skc-like program + real clang, MODE
# "baseline" (no preload) or "shim".  A wrong result is recorded: a run that
# fails (a baseline may fail only under a limit), a shim run where the shim
# did not act, a program clang linked that does not run.  Sets the
# profile() variables.
skc_run() {
    local label=$1 mode=$2 limit=$3 csv=$4
    local -a env=(env -u LD_PRELOAD)
    [ "$mode" = shim ] && env=(env LD_PRELOAD="$LIB" SKCEXEC_VERBOSE=1)
    rm -f "$work/prog"
    profile "$label" "$limit" "$csv" "${env[@]}" "$SKC" --hold-mb "$HOLD" \
        --ir "$work/input.ll" -o "$work/prog" --clang "$CLANG"
    [ "$mode" = shim ] || [ -z "$limit" ] || return 0
    if [ "$STATUS" != 0 ] || [ "$OOM" = 1 ]; then
        fail "$label: run failed (status $STATUS, oom_kill $OOM; $work/$label.err)"
    elif [ "$mode" = shim ] && ! grep -q 'replaced by' "$work/$label.err"; then
        fail "$label: the shim did not act ($work/$label.err)"
    elif ! "$work/prog"; then
        fail "$label: the program clang linked does not run"
    fi
}

sizes() {
    note "IR: $IR_FUNCS functions x $IR_OPS operations"
    gen_ir "$CLANG" "$IR_FUNCS" "$IR_OPS" "$work/input.ll" || return 1
    IR_MB=$(( $(wc -c <"$work/input.ll") / 1000000 ))
    # clang alone, exactly as skc will run it
    profile size-clang "" "" "$CLANG" -O2 -o "$work/prog" "$work/input.ll" -no-pie
    CLANG_MIB=$PEAK
    if [ "$STATUS" != 0 ] || ! "$work/prog"; then
        fail "clang alone failed ($work/size-clang.err)"
        return 1
    fi
    # skc alone: its heap, the IR it read and the copy it wrote; the
    # clang it starts is the fixtures' fake one, which does nothing.
    profile size-skc "" "" env -u LD_PRELOAD "$SKC" --hold-mb "$HOLD" \
        --ir "$work/input.ll" -o "$work/prog" --clang "$BUILD/fixtures/fake_clang"
    SKC_MIB=$PEAK
    [ "$STATUS" = 0 ] || { fail "skc alone failed"; return 1; }
    SUM=$((SKC_MIB + CLANG_MIB))
    MAX=$((SKC_MIB > CLANG_MIB ? SKC_MIB : CLANG_MIB))
    LIMIT_RATIO=$(ratio "$MAX" "$SUM")
    SIZE_SOURCE=$SOURCE
    OOM_LIMIT=$(((MAX + SUM) / 2))
    note "skc alone $SKC_MIB MiB, clang alone $CLANG_MIB MiB (peaks: $SOURCE), IR $IR_MB MB"
}

# Unlimited runs, baseline and shim taking turns; for each, the run of
# median wall time is the one charted.
peaks() {
    local i b=() s=() bw=() sw=() order mode
    for ((i = 1; i <= PEAK_RUNS; i++)); do
        order="baseline shim"
        [ $((i % 2)) = 0 ] && order="shim baseline"
        for mode in $order; do
            skc_run "peak-$mode-$i" "$mode" "" "$work/peak-$mode-$i.csv"
            if [ "$mode" = baseline ]; then
                b+=("$PEAK") bw+=("$WALL")
            else
                s+=("$PEAK") sw+=("$WALL")
            fi
        done
        note "peak run $i: baseline ${b[-1]} MiB ${bw[-1]} s, shim ${s[-1]} MiB ${sw[-1]} s"
    done
    PEAK_B=$(median "${b[@]}") PEAK_S=$(median "${s[@]}")
    i=$(middle_run "${bw[@]}")
    cp "$work/peak-baseline-$i.csv" "$work/baseline.csv"
    PEAK_B1=${b[i - 1]}
    i=$(middle_run "${sw[@]}")
    cp "$work/peak-shim-$i.csv" "$work/shim.csv"
    PEAK_S1=${s[i - 1]}
    WALL_B=$(median "${bw[@]}") WALL_S=$(median "${sw[@]}")
}

# middle_run T...: the run number (from 1) of the median of T (the lower
# middle one for an even count).
middle_run() {
    local i=0 t
    for t in "$@"; do
        i=$((i + 1))
        echo "$t $i"
    done | sort -g | awk -v m=$(($# / 2 + $# % 2)) 'NR == m { print $2 }'
}

oom() {
    local i kb=0 ks=0
    for ((i = 1; i <= OOM_RUNS; i++)); do
        skc_run "oom-baseline-$i" baseline "$OOM_LIMIT" ""
        [ "$OOM" = 1 ] || [ "$STATUS" = 137 ] && kb=$((kb + 1))
        skc_run "oom-shim-$i" shim "$OOM_LIMIT" ""
        [ "$OOM" = 1 ] || [ "$STATUS" = 137 ] && ks=$((ks + 1))
    done
    OOM_KB=$kb OOM_KS=$ks
    OOM_LINE="OOM: baseline $kb/$OOM_RUNS killed, shim $ks/$OOM_RUNS killed"
    note "$OOM_LINE (limit $OOM_LIMIT MiB)"
}

# A non-caller starting children, preloaded with the empty .so or
# libskcexec in turn; throughput ratio = empty's time / libskcexec's.  The
# children inherit the preload (what a build sees), or not ("bare": the
# wrapped calls alone).  Sets TP_<mode>_<kind> to "empty_us lib_us ratio".
throughput() {
    local mode kind r so t e l q bare
    for mode in posix_spawn fork-exec; do
        for kind in inherit bare; do
            e=() l=() q=() bare=()
            [ $kind = bare ] && bare=(--bare-child)
            for ((r = 1; r <= ROUNDS; r++)); do
                for so in "$EMPTY" "$LIB"; do
                    t=$(LD_PRELOAD=$so "$out/spawnloop" "$mode" "$LOOP" "$out/true" \
                        "${bare[@]}" | sed -n 's/.*median_us=//p')
                    [ -n "$t" ] || { fail "spawnloop $mode failed"; return; }
                    if [ "$so" = "$EMPTY" ]; then e+=("$t"); else l+=("$t"); fi
                done
                q+=("$(ratio "${e[-1]}" "${l[-1]}")")
            done
            printf -v "TP_${mode//-/_}_$kind" '%s %s %s' \
                "$(median "${e[@]}")" "$(median "${l[@]}")" "$(median "${q[@]}")"
            note "$mode + wait in a non-caller, $kind child: empty .so" \
                "$(median "${e[@]}") us, libskcexec $(median "${l[@]}") us"
        done
    done
}

# A real clang -O2 -c (a non-caller: the shim is inert), preloaded or not.
clang_compile() {
    gen_ir "$CLANG" 20 "$IR_OPS" "$work/small.ll" || return
    "$out/startup" -r "$CLANG_RUNS" -n 1 -b none none= "libskcexec=$LIB" -- \
        "$CLANG" -O2 -c -o "$work/small.o" "$work/small.ll" >"$work/clang.txt" ||
        { fail "clang -c failed"; return; }
    cat "$work/clang.txt"
}

barrier() {
    if ! "$out/barrier_cost" -n 1000 "$work" >"$work/barrier.txt" ||
       ! "$out/barrier_cost" -n 1000 -f 100 "$work" >>"$work/barrier.txt"; then
        fail "barrier: $(cat "$work/barrier.txt")"
        return
    fi
    cat "$work/barrier.txt"
}

chart() {
    command -v gnuplot >/dev/null || return 0
    if [ ! -s "$work/baseline.csv" ] || [ ! -s "$work/shim.csv" ]; then
        note "no samples: no chart"
        return 0
    fi
    local m
    for m in baseline shim; do     # the TOTAL rows: seconds, MiB
        awk -F, '$3 == "TOTAL" { print $1 / 1000, $4 / 1024 }' "$work/$m.csv" >"$work/$m.dat"
    done
    gnuplot <<EOF || note "gnuplot failed: no chart"
set terminal pngcairo size 900,500 noenhanced
set output "$out/rss.png"
set title "skc-like program holding ${HOLD} MiB, then clang++ -O2 on a ${IR_MB} MB IR: RSS summed over the process tree"
set xlabel "time (s)"
set ylabel "RSS (MiB)"
set yrange [0:*]
set key below
set grid
plot "$work/baseline.dat" using 1:2 with lines lw 2 title "baseline, no preload (cgroup peak $PEAK_B1 MiB)", \
     "$work/shim.dat" using 1:2 with lines lw 2 title "LD_PRELOAD=libskcexec.so (cgroup peak $PEAK_S1 MiB)"
EOF
    [ -f "$out/rss.png" ] && note "chart: $out/rss.png"
}

# field FILE LABEL KEY: KEY's value on LABEL's line of a startup output.
field() { awk -v l="$2" -v k="$3=" '$2 == l { for (i = 3; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' "$1"; }

# yes_no EXPR: "yes" if the awk expression EXPR (numbers only) is true.
yes_no() { awk "BEGIN { print (($1) ? \"yes\" : \"no\") }"; }

table() {
    echo
    machine_info
    [ "${SUM:-0}" -gt 0 ] &&
        echo "sizes: skc-like program $SKC_MIB MiB alone (holds $HOLD MiB + the IR), clang++ -O2 $CLANG_MIB MiB alone" \
        "($IR_MB MB IR: $IR_FUNCS x $IR_OPS); sum $SUM, max $MAX, limit max/sum $LIMIT_RATIO (peaks: $SIZE_SOURCE)"
    echo
    echo "| measurement | baseline | libskcexec | ratio | target |"
    echo "| --- | --- | --- | --- | --- |"
    if [ -n "${PEAK_B:-}" ]; then
        local lim pr wr
        lim=$(awk -v r="$LIMIT_RATIO" 'BEGIN { printf "%.3f", r * 1.02 }')
        pr=$(ratio "$PEAK_S" "$PEAK_B")
        wr=$(ratio "$WALL_S" "$WALL_B")
        echo "| peak memory ($SOURCE, median of $PEAK_RUNS) | $PEAK_B MiB | $PEAK_S MiB | $pr | limit $LIMIT_RATIO, <= $lim: $(yes_no "$pr <= $lim") |"
        [ -n "${OOM_LINE:-}" ] &&
            echo "| OOM-killed under a $OOM_LIMIT MiB limit | $OOM_KB/$OOM_RUNS runs | $OOM_KS/$OOM_RUNS runs | | baseline killed, shim never: $(yes_no "$OOM_KB > 0 && $OOM_KS == 0") |"
        echo "| wall time, skc + clang (median of $PEAK_RUNS) | $WALL_B s | $WALL_S s | $wr | <= 1.00: $(yes_no "$wr <= 1.005") |"
    fi
    startup_rows
    local mode kind v what
    for mode in posix_spawn fork-exec; do
        for kind in inherit bare; do
            v=TP_${mode//-/_}_$kind
            [ -n "${!v:-}" ] || continue
            read -r e l q <<<"${!v}"
            what="child inherits the preload"
            [ $kind = bare ] && what="child without it: the wrappers alone"
            echo "| $mode + wait in a non-caller, per child ($what; baseline: empty .so) | $e us | $l us | throughput $q | >= 0.98: $(verdict "$q >= 0.98") |"
        done
    done
    if [ -s "$work/clang.txt" ]; then
        local c="$work/clang.txt"
        echo "| clang++ -O2 -c, 20-function IR ($CLANG_RUNS runs each; baseline: no preload) | $(awk -v u="$(field "$c" none median_us)" 'BEGIN { printf "%.2f", u / 1e6 }') s | $(awk -v u="$(field "$c" libskcexec median_us)" 'BEGIN { printf "%.2f", u / 1e6 }') s | $(field "$c" libskcexec ratio) | 1.00 within noise |"
    fi
    if [ -s "$work/barrier.txt" ]; then
        local fds med p99
        while read -r _ fds med p99; do
            echo "| IR barrier, IR closed, ${fds#fds=} fds open (1000 calls) | | ${med#median_us=} us (p99 ${p99#p99_us=}) | | < 1000 us: $(yes_no "${med#median_us=} < 1000") |"
        done <"$work/barrier.txt"
    fi
    echo
    [ -n "${STARTUP_LOAD_LINE:-}" ] && echo "start-up load: $STARTUP_LOAD_LINE: ${LOADED:+LOADED, }${LOADED:-quiet}"
    [ -n "${SKIPPED:-}" ] && echo "$SKIPPED"
    return 0
}

main() {
    mkdir -p "$work"
    rm -f "$out/rss.png" "$work"/*.csv "$work"/*.txt
    prerequisites || return 1
    machine_info
    sizes || { table; return 1; }
    case $SOURCE in
        cgroup-*)
            peaks
            oom
            chart
            concurrent
            fit_bench ;;
        *)
            SKIPPED="memory runs (peak, OOM, wall time, fit) skipped: no memory cgroup here (peak source: $SOURCE)"
            note "$SKIPPED" ;;
    esac
    startup
    throughput
    clang_compile
    barrier
    table
    conc_table
    fit_table
    [ -n "${OOM_LINE:-}" ] && echo "$OOM_LINE"
    if [ "${#failed[@]}" -gt 0 ]; then
        echo "bench: FAILED: ${failed[*]}"
        return 1
    fi
    echo "bench: done"
}

# `make bench-concurrent`: the concurrent-builds rows alone.
main_concurrent() {
    mkdir -p "$work"
    prerequisites || return 1
    machine_info
    concurrent
    echo
    conc_table
    if [ "${#failed[@]}" -gt 0 ]; then
        echo "bench: FAILED: ${failed[*]}"
        return 1
    fi
    echo "bench: done"
}

# `make bench-fit`: the fit rows alone.
main_fit() {
    mkdir -p "$work"
    prerequisites || return 1
    machine_info
    fit_bench
    echo
    fit_table
    if [ "${#failed[@]}" -gt 0 ]; then
        echo "bench: FAILED: ${failed[*]}"
        return 1
    fi
    echo "bench: done"
}

# `make bench-startup`: the start-up rows alone.
main_startup() {
    mkdir -p "$work"
    rm -f "$work"/*.txt
    find_peer || { apt_get eatmydata && find_peer; }
    [ -n "$PEER" ] || note "no libeatmydata (apt-get install eatmydata): no peer row"
    machine_info
    startup
    table
    if [ "${#failed[@]}" -gt 0 ]; then
        echo "bench: FAILED: ${failed[*]}"
        return 1
    fi
    echo "bench: done"
}

mkdir -p "$out"
if [ "${1-}" = concurrent ]; then
    main_concurrent 2>&1 | tee "$out/bench-concurrent.txt"
elif [ "${1-}" = fit ]; then
    main_fit 2>&1 | tee "$out/bench-fit.txt"
elif [ "${1-}" = startup ]; then
    main_startup 2>&1 | tee "$out/bench-startup.txt"
else
    main 2>&1 | tee "$out/bench.txt"
fi
exit "${PIPESTATUS[0]}"
