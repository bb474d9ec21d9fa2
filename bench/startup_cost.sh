# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2154 # out, work, LIB, EMPTY, PEER, BUILD: set by bench/run.sh
# bench/startup_cost.sh - the start-up rows of `make bench` (sourced by
# bench/run.sh; uses its note, fail, field): what the library costs a
# program that never spawns, against an empty preloaded .so.
#
# Timed: a trivial program started SPAWNS x ROUNDS times per setting,
# interleaved (bench/startup): the extra microseconds per process over
# the empty .so, with the spread over rounds, and the ratio beside them.
# Load adds the same large time to every setting, so a loaded machine
# shrinks the ratio of a fixed cost towards 1 and buries the extra in
# noise: a run is "loaded" when the empty .so's own time per spawn is
# more than LOAD_FACTOR times
#   - the CPU time its child used (it waited for a CPU), or
#   - the machine's quiet figure: QUIET_US if set, else the lowest one a
#     quiet run of this build directory recorded ($out/quiet-us);
# then the start-up and throughput verdicts are "not measured", never
# "yes".
#
# Counted, which load does not move: the instructions of the whole
# trivial process under callgrind (deterministic), its minor faults, and
# where the machine has hardware counters, perf stat's instructions.
#   LOAD_FACTOR (1.15), QUIET_US (unset), PERF_RUNS (200)

LOAD_FACTOR=${LOAD_FACTOR:-1.15}
QUIET_US=${QUIET_US:-}
PERF_RUNS=${PERF_RUNS:-200}
STARTUP_TARGET_US=5         # extra us per process over the empty .so
INSN_BUDGET=8000            # extra instructions (tests/startup_budget.bats)
LOADED=""                   # why the run is loaded; empty: quiet

# signed X: X with its sign, "+1.2" or "-0.9".
signed() {
    case $1 in -*|+*) echo "$1" ;; *) echo "+$1" ;; esac
}

# startup_settings: the settings bench/startup compares, LABEL=PRELOAD.
startup_settings() {
    local -a set=(none= "empty=$EMPTY" "libskcexec=$LIB")
    [ -n "$PEER" ] && set+=("libeatmydata=$PEER")
    printf '%s\n' "${set[@]}"
}

# The start-up of a trivial program under each preload, interleaved; then
# the load check and the counts.
startup() {
    local -a set
    mapfile -t set < <(startup_settings)
    "$out/startup" -r "$ROUNDS" -n "$SPAWNS" -b empty "${set[@]}" -- "$out/true" \
        >"$work/startup.txt" || { fail "start-up: a child failed"; return; }
    cat "$work/startup.txt"
    startup_load
    startup_counts
}

# startup_load: sets LOADED (why the run does not measure the library's
# cost, or empty) from the empty .so's figures; records a quiet run's.
startup_load() {
    local f="$work/startup.txt" wall cpu ref="" refnote="" load
    wall=$(field "$f" empty mean_us)
    cpu=$(field "$f" empty cpu_us)
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
    if [ -n "$QUIET_US" ]; then
        ref=$QUIET_US refnote="QUIET_US"
    elif [ -s "$out/quiet-us" ]; then
        read -r ref refnote <"$out/quiet-us"
        refnote="a quiet run, $refnote"
    fi
    LOADED=$(awk -v w="$wall" -v c="$cpu" -v r="$ref" -v k="$LOAD_FACTOR" 'BEGIN {
        if (w > k * c) printf "%.1f us per spawn, %.2f x its own CPU time %.1f us", w, w / c, c
        else if (r != "" && w > k * r) printf "%.1f us per spawn, %.2f x the quiet figure %.1f us", w, w / r, r }')
    STARTUP_LOAD_LINE="empty .so: $wall us per spawn, its child's CPU time $cpu us; quiet figure: ${ref:-none}${refnote:+ ($refnote)}; load average ${load:-?} on $(nproc) cores"
    if [ -n "$LOADED" ]; then
        note "start-up: LOADED ($LOADED): no verdict"
    else
        note "start-up: quiet ($STARTUP_LOAD_LINE)"
        # The lowest quiet figure this build directory has seen.
        if [ -z "$QUIET_US" ] && awk -v w="$wall" -v r="$ref" 'BEGIN { exit !(r == "" || w < r) }'; then
            echo "$wall $(date -u '+%Y-%m-%d %H:%M UTC')" >"$out/quiet-us"
        fi
    fi
}

# verdict EXPR: "yes" or "no" as the awk expression EXPR holds, or "not
# measured (loaded)" on a loaded run.
verdict() {
    if [ -n "$LOADED" ]; then echo "not measured (loaded)"; return; fi
    awk "BEGIN { print (($1) ? \"yes\" : \"no\") }"
}

# callgrind_insns SO: the instructions callgrind counts for the trivial
# program preloaded with SO (none: no preload); empty if it cannot.
callgrind_insns() {
    LD_PRELOAD=$1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$out/true" 2>&1 | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

# perf_insns SO: the mean instructions (user and kernel) perf stat counts
# for the trivial program preloaded with SO, over PERF_RUNS runs; empty
# where the machine has no such counter.
perf_insns() {
    LD_PRELOAD=$1 perf stat -x, -r "$PERF_RUNS" -e instructions -- "$out/true" 2>&1 |
        awk -F, '$3 ~ /^instructions/ && $1 ~ /^[0-9.]+$/ { printf "%.0f", $1 }'
}

# startup_counts: the load-independent figures, one line per setting in
# $work/counts.txt: "LABEL callgrind=N perf=N" (a figure left out where the
# tool cannot count).
startup_counts() {
    local s label so c p
    : >"$work/counts.txt"
    command -v valgrind >/dev/null ||
        note "no valgrind (apt-get install valgrind): no instruction counts"
    if ! command -v perf >/dev/null || [ -z "$(perf_insns "")" ]; then
        note "no hardware instruction counter here (perf stat): callgrind's counts only"
        PERF_RUNS=0
    fi
    while IFS= read -r s; do
        label=${s%%=*} so=${s#*=} c="" p=""
        command -v valgrind >/dev/null && c=$(callgrind_insns "$so")
        [ "$PERF_RUNS" != 0 ] && p=$(perf_insns "$so")
        echo "$label${c:+ callgrind=$c}${p:+ perf=$p}" >>"$work/counts.txt"
    done < <(startup_settings)
    cat "$work/counts.txt"
}

# count LABEL KEY: KEY's value on LABEL's line of counts.txt.
count() { awk -v l="$1" -v k="$2=" '$1 == l { for (i = 2; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' "$work/counts.txt"; }

# startup_rows: the start-up rows of the table.
startup_rows() {
    local f="$work/startup.txt" r e ce peer_e p
    [ -s "$f" ] || return 0
    r=$(field "$f" libskcexec ratio)
    e=$(field "$f" libskcexec extra_us)
    echo "| start-up, trivial program ($((SPAWNS * ROUNDS)) spawns each, interleaved; baseline: empty .so) | $(field "$f" empty mean_us) us | $(field "$f" libskcexec mean_us) us | $r | |"
    echo "| start-up: extra per process over the empty .so (median of $ROUNDS rounds; middle half of rounds $(field "$f" libskcexec iqr_us) us) | | $(signed "$e") us | | <= +$STARTUP_TARGET_US us: $(verdict "$e <= $STARTUP_TARGET_US") |"
    ce=$(field "$f" libskcexec cpu_extra_us)
    echo "| start-up: the same in the child's own CPU time (wait4's rusage) | $(field "$f" empty cpu_us) us | $(signed "$ce") us | | |"
    echo "| start-up, no preload (vs empty .so) | $(field "$f" none mean_us) us | | $(field "$f" none ratio) | |"
    if [ -n "$PEER" ]; then
        peer_e=$(field "$f" libeatmydata extra_us)
        p=$(field "$f" libeatmydata ratio)
        echo "| start-up, libeatmydata: extra per process over the empty .so | $(field "$f" libeatmydata mean_us) us | $(signed "$peer_e") us | $p | libskcexec at or below: $(verdict "$e <= $peer_e") |"
    fi
    local fe fs fp="" target=""
    fe=$(field "$f" empty minflt)
    fs=$(field "$f" libskcexec minflt)
    [ -n "$PEER" ] && fp=$(field "$f" libeatmydata minflt)
    [ -n "$fp" ] && target="no more than libeatmydata's $fp: $(yes_no "$fs <= $fp")"
    echo "| minor page faults of that trivial program (median; baseline: empty .so) | $fe | $fs | | $target |"
    local ci cl cp
    ci=$(count empty callgrind) cl=$(count libskcexec callgrind)
    if [ -n "$ci" ] && [ -n "$cl" ]; then
        cp=$(count libeatmydata callgrind)
        echo "| instructions of that trivial program, callgrind (baseline: empty .so; none: $(count none callgrind)${cp:+, libeatmydata $cp (+$((cp - ci)))}) | $ci | $cl (+$((cl - ci))) | $(ratio "$cl" "$ci") | <= +$INSN_BUDGET: $(yes_no "$cl - $ci <= $INSN_BUDGET") |"
    fi
    ci=$(count empty perf) cl=$(count libskcexec perf)
    if [ -n "$ci" ] && [ -n "$cl" ]; then
        cp=$(count libeatmydata perf)
        echo "| instructions of that trivial program, perf stat, user + kernel, mean of $PERF_RUNS (baseline: empty .so${cp:+; libeatmydata $cp}) | $ci | $cl (+$((cl - ci))) | $(ratio "$cl" "$ci") | |"
    fi
}
