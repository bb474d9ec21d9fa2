#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# skcexec fit (cmd/skcexec.in, cmd/profile_fit.c): one run with the library
# says whether the build fits a limit without it, with it, or not at all.
# The estimate is checked against reality: real runs without the library,
# their cgroup peak and whether they are OOM-killed under a limit midway
# between max(skc, clang) and their sum.  The skc-like fixture holds its
# heap as anonymous memory, or mostly in a shared mapping of a state file
# (--init, as the Skip runtime does), which the kernel can reclaim.

load helpers

setup() {
    setup_fixtures
    SKCEXEC="$BUILD/bin/skcexec"
    PROFILE="$BUILD/bin/skcexec-profile"
    [ -x "$SKCEXEC" ] && [ -x "$PROFILE" ] ||
        { echo "build $SKCEXEC and $PROFILE first (make bats)" >&2; return 1; }
    # Under make asan, SHIM_PRELOAD is "ASAN_RT LIB": the runtime must stay
    # first, so it is the LD_PRELOAD the wrapper starts from.
    PRE=${SHIM_PRELOAD:+${SHIM_PRELOAD% *}}
    unset LD_PRELOAD
}

# skcexec fit, started with no preload of ours.
fit() { LD_PRELOAD="$PRE" "$SKCEXEC" fit "$@"; }

# KEY's value in the "skcexec-fit: peak_mib=..." line of report $1.
fit_field() {
    grep '^skcexec-fit: peak_mib=' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# KEY's value in the "skcexec-fit: limit_mib=$2 ..." line of report $1.
limit_field() {
    grep "^skcexec-fit: limit_mib=$2 " "$1" | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# KEY's value in the profiler's summary line of report $1.
profile_field() {
    grep '^skcexec-profile: peak_mib=' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# Skips unless the profiler can run a command in a memory cgroup of its
# own here (root, cgroup v1 memory or v2 with memory for child groups).
need_cgroup() {
    "$PROFILE" --quiet -- true 2>"$T/cg.log" || true
    case $(profile_field "$T/cg.log" source) in
    cgroup-*) ;;
    *) skip "no memory cgroup for the profiler here ($(grep -m 1 '^peak:' "$T/cg.log"))" ;;
    esac
}

# real LABEL LIMIT CMD...: CMD under the profiler (LIMIT: a hard limit in
# MiB, or ""); sets PEAK, OOM and STATUS.
real() {
    local label=$1 limit=$2
    shift 2
    "$PROFILE" --quiet ${limit:+--limit "$limit"} -- "$@" 2>"$T/$label.log" || true
    PEAK=$(profile_field "$T/$label.log" peak_mib)
    OOM=$(profile_field "$T/$label.log" oom_kill)
    STATUS=$(profile_field "$T/$label.log" status)
    echo "$label: peak $PEAK MiB, oom_kill $OOM, status $STATUS"
}

# against_reality SKC_ARGS CLANG_MIB: the fixture skc with SKC_ARGS, its
# clang holding CLANG_MIB.  Real runs with and without the library give
# max and sum; fit's estimate without the library must be within 5% of
# the real peak without it, and its verdict at a limit midway between max
# and sum must be what happens there, with and without the library.
# Sets VERDICT (fits=... at that limit).
against_reality() {
    local skc_args=$1 plain=(env -u LD_PRELOAD) shim=(env LD_PRELOAD="${SHIM_PRELOAD:-$LIB}")
    export FAKECLANG_ALLOC_MB=$2 FAKECLANG_HOLD_MS=500
    # shellcheck disable=SC2086 # skc's arguments, split on purpose
    set -- skc $skc_args -o "$T/out"
    real with "" "${shim[@]}" "$@"
    local max=$PEAK
    real without "" "${plain[@]}" "$@"
    local sum=$PEAK limit=$(( (PEAK + max) / 2 ))
    [ "$STATUS" = 0 ]

    run fit --limit "$limit" -- "$@"
    printf '%s\n' "$output" >"$T/fit.log"
    echo "fit at $limit MiB (status $status):"; cat "$T/fit.log"
    [ "$status" -eq 0 ]   # fits the first limit with the library
    [ "$(fit_field "$T/fit.log" replaced)" = 1 ]
    local est
    est=$(fit_field "$T/fit.log" peak_without_mib)
    echo "estimate without the library $est MiB, real $sum MiB"
    [ $(( (est > sum ? est - sum : sum - est) * 100 )) -le $(( 5 * sum )) ]
    grep -q "^without it: peak ~$est MiB (estimated)" "$T/fit.log"

    VERDICT=$(limit_field "$T/fit.log" "$limit" fits)
    real limited-without "$limit" "${plain[@]}" "$@"
    if [ "$VERDICT" = without ]; then
        [ "$OOM" = 0 ] && [ "$STATUS" = 0 ]
    else
        [ "$OOM" = 1 ] && [ "$STATUS" != 0 ]
    fi
    [ "$VERDICT" != no ]
    real limited-with "$limit" "${shim[@]}" "$@"
    [ "$OOM" = 0 ] && [ "$STATUS" = 0 ]
}

# bats test_tags=no-asan
@test "anonymous heap, two sizes: estimate within 5% of the real peak; OOM-killed without the library, as predicted" {
    need_cgroup
    against_reality "--hold-mb 300" 200
    [ "$VERDICT" = with ]
    against_reality "--hold-mb 600" 300
    [ "$VERDICT" = with ]
}

# bats test_tags=no-asan
@test "heap in a shared state file, two sizes: estimate within 5%; reclaimed, not killed, without the library, as predicted" {
    need_cgroup
    # As a real skc run by skargo: --init <build>/..._state.db; the
    # obstack part stays anonymous.
    against_reality "--init $T/state.db --state-mb 300 --hold-mb 100" 200
    [ "$VERDICT" = without ]
    against_reality "--init $T/state.db --state-mb 600 --hold-mb 150" 300
    [ "$VERDICT" = without ]
}

@test "the table: skc, clang, the rest and the estimate per unit, marked as estimates; the verdict per limit" {
    export FAKECLANG_ALLOC_MB=100 FAKECLANG_HOLD_MS=300
    run --separate-stderr fit --limit 100 --limit 4096 -- skc --hold-mb 200 -o "$T/out"
    printf '%s\n' "$stderr"
    [ "$status" -eq 1 ]  # 200 MiB do not fit 100, even with the library
    [[ "$stderr" == *"fit: will the build fit? (MiB; ~ marks an estimate"* ]]
    grep -Eq '^  out \[[0-9]+\] +~(19[0-9]|2[0-9][0-9]) +~[0-9]+ +~(9[0-9]|1[0-9][0-9]) +~[0-9]+  ~[0-9]+$' <<<"$stderr"
    grep -Eq '^without it: peak ~[0-9]+ MiB \(estimated\), ~[0-9]+ MiB of it anonymous; worst unit: out, at T\+[0-9.]+s: skc\[[0-9]+\] skc --hold-mb 200 -o ' <<<"$stderr"
    grep -Eq '^limit 100 MiB: does not fit, even with the library: ~[0-9]+ MiB over' <<<"$stderr"
    grep -Eq '^limit 4096 MiB: fits, even without the library: headroom ~[0-9]+ MiB' <<<"$stderr"
    [[ "$stderr" == *"skcexec-fit: limit_mib=100 fits=no "* ]]
    [[ "$stderr" == *"skcexec-fit: limit_mib=4096 fits=without "* ]]
    # the profiler's own summary line is there too, for scripts
    [[ "$stderr" == *"skcexec-profile: peak_mib="*" status=0 "* ]]
    [ -f "$T/out" ]
}

@test "a skargo-like build: the unit is named by its package, skc was replaced by clang" {
    export FAKECLANG_ALLOC_MB=100 FAKECLANG_HOLD_MS=300
    run --separate-stderr fit --limit 4096 -- \
        skargo --pkg-root "$T/pkg" --pre-tool llvm-config -- \
        --init "$T/pkg/state.db" --state-mb 100 --hold-mb 100 -o "$T/pkg/demo-1"
    printf '%s\n' "$stderr"
    [ "$status" -eq 0 ]
    grep -Eq '^  demo \[[0-9]+\] ' <<<"$stderr"   # SKARGO_PKG_NAME
    grep -q 'worst unit: demo, at T+[0-9.]*s: skc\[[0-9]*\] skc --init ' <<<"$stderr"
    [[ "$stderr" == *" replaced=1 not_replaced=0 "* ]]
    # the clang ran in place of skc (same pid)
    [ "$(field "$(report clang++)" pid)" = "$(grep -o 'demo \[[0-9]*\]' <<<"$stderr" | tr -dc 0-9)" ]
}

@test "skc not replaced (SKCEXEC_DISABLE, --batch): said, and the estimate is the measured peak" {
    export FAKECLANG_ALLOC_MB=50 FAKECLANG_HOLD_MS=300
    SKCEXEC_DISABLE=1 run --separate-stderr fit --limit 4096 -- skc --hold-mb 100 -o "$T/a"
    printf '%s\n' "$stderr"
    [ "$status" -eq 0 ]
    grep -Eq '^  a \[[0-9]+\] +not replaced: SKCEXEC_DISABLE=1; its clang ran next to it' <<<"$stderr"
    [[ "$stderr" == *"  no skc was replaced by clang: the estimate without the library is the measured peak"* ]]
    [[ "$stderr" == *" replaced=0 not_replaced=1 "* ]]
    printf '%s\n' "$stderr" >"$T/f.log"
    [ "$(fit_field "$T/f.log" peak_without_mib)" = "$(fit_field "$T/f.log" peak_mib)" ]

    run --separate-stderr fit --limit 4096 -- skc --batch 2 --hold-mb 100 -o "$T/b"
    printf '%s\n' "$stderr"
    [ "$status" -eq 0 ]
    grep -Eq '^  b \[[0-9]+\] +not replaced: it ran with --batch' <<<"$stderr"
    [[ "$stderr" == *" replaced=0 not_replaced=1 "* ]]
}

@test "a skc run by a wrapper script named skc is still the unit; a skc's own fork is not one" {
    export FAKECLANG_ALLOC_MB=50 FAKECLANG_HOLD_MS=300
    mkdir "$T/real"
    mv "$T/bin/skc" "$T/real/skc"
    printf '#!/bin/sh\n"%s" "$@"\n' "$T/real/skc" >"$T/bin/skc"
    chmod +x "$T/bin/skc"
    run --separate-stderr fit --limit 4096 -- skc --hold-mb 100 -o "$T/w"
    printf '%s\n' "$stderr"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *" replaced=1 not_replaced=0 "* ]]
    grep -q "worst unit: w, at T+[0-9.]*s: skc\[[0-9]*\] $T/real/skc --hold-mb 100 " <<<"$stderr"
    # A skc's fork between fork and exec has skc's name and program: not
    # a skc (sampled every ms, to catch one now and then).
    cp "$BUILD/fixtures/exec_caller" "$T/bin/skc"
    SKCEXEC_DISABLE=1 run --separate-stderr fit --interval 1 --limit 4096 -- \
        skc --via fork-execvp --hold-mb 100 -o "$T/f"
    printf '%s\n' "$stderr"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *" replaced=0 not_replaced=1 "* ]]
}

@test "a build that starts no clang: nothing for the library to change" {
    run --separate-stderr fit --limit 4096 -- skc --emit=sklib -o "$T/lib"
    printf '%s\n' "$stderr"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"  no skc was replaced by clang (none started one)"* ]]
    [[ "$stderr" == *" replaced=0 not_replaced=0 "* ]]
}

@test "exit status: CMD's when it fails, else 0 or 1 by the first limit" {
    run --separate-stderr fit --limit 4096 -- sh -c 'exit 3'
    [ "$status" -eq 3 ]
    [[ "$stderr" == *"skcexec-fit: limit_mib=4096 fits="* ]]
    run --separate-stderr fit --limit 4096 -- sh -c 'kill -9 $$'
    [ "$status" -eq 137 ]
    # the first limit decides: 1 then 4096 fails, 4096 then 1 passes
    run --separate-stderr fit --limit 1 --limit 4096 -- skc --hold-mb 20 -o "$T/o"
    [ "$status" -eq 1 ]
    run --separate-stderr fit --limit 4096 --limit=1 -- skc --hold-mb 20 -o "$T/o"
    [ "$status" -eq 0 ]
    run -127 --separate-stderr fit -- no-such-command-here
    [ "$stderr" = "skcexec: no-such-command-here: command not found" ]
}

@test "default limits: this machine's or container's, then 4096 MiB" {
    run --separate-stderr fit -- true
    printf '%s\n' "$stderr"
    [ "$status" -eq 0 ]
    total=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
    grep -Eq "^limit [0-9]+ MiB \(this (machine: MemTotal|container: cgroup v[12] limit)\): " <<<"$stderr"
    grep -q '^limit 4096 MiB (a 4 GB CI machine): ' <<<"$stderr"
    [ "$(grep -c '^limit ' <<<"$stderr")" -eq 2 ] || [ "$total" = 4096 ]
}

@test "default limits in a container of 3000 MiB: that limit first" {
    memory_cgroup_root v1 >/dev/null && own=$(own_memcg) ||
        skip "needs a writable cgroup v1 memory hierarchy (root)"
    cg="$own/skcexec-fit-test-$$"
    mkdir "$cg" || skip "cannot make a memory cgroup in our own"
    echo $((3000 << 20)) >"$cg/memory.limit_in_bytes"
    output=$( (echo "$BASHPID" >"$cg/cgroup.procs" && fit -- true) 2>&1 ) || true
    rmdir "$cg"
    printf '%s\n' "$output"
    grep -q '^limit 3000 MiB (this container: cgroup v1 limit): fits' <<<"$output"
    grep -q '^limit 4096 MiB (a 4 GB CI machine): ' <<<"$output"
    [[ "$output" == *"skcexec-fit: limit_mib=3000 fits="*"skcexec-fit: limit_mib=4096 fits="* ]]
}

@test "--no-cgroup: every figure is a sum of sampled RSS, and says so" {
    export FAKECLANG_ALLOC_MB=100 FAKECLANG_HOLD_MS=300
    run --separate-stderr fit --no-cgroup --interval 20 --limit 4096 -- skc --hold-mb 200 -o "$T/o"
    printf '%s\n' "$stderr"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"(MiB; ~ marks an estimate: the RSS of each process sampled every 20 ms)"* ]]
    [[ "$stderr" == *"with the library: peak "*" MiB (sampled), "* ]]
    [[ "$stderr" == *" source=sampled"* ]]
    printf '%s\n' "$stderr" >"$T/f.log"
    # sampled: skc's last growth before its exec may be missed, but
    # clang's 100 MiB come on top of skc's
    est=$(fit_field "$T/f.log" peak_without_mib)
    peak=$(fit_field "$T/f.log" peak_mib)
    [ "$est" -ge $((peak + 90)) ] && [ "$est" -lt 400 ]
}

@test "--output FILE: the report goes there" {
    run --separate-stderr fit --output "$T/r.txt" --limit 4096 -- true
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    grep -q '^skcexec-fit: limit_mib=4096 fits=' "$T/r.txt"
}

@test "bad input: one line and status 2, CMD not run" {
    for args in "" "--limit 0 true" "--limit abc true" "--limit=-5 true" "--limit 12x true" \
                "--limit" "--bogus true" "--limit 99999999999 true"; do
        # shellcheck disable=SC2086 # the words of each case
        run --separate-stderr fit $args
        echo "fit $args: $status: $stderr"
        [ "$status" -eq 2 ]
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == "skcexec: fit: "*" (see skcexec --help)" ]]
        [ -z "$output" ]
    done
    run --separate-stderr fit
    [ "$stderr" = "skcexec: fit: no command given (see skcexec --help)" ]
    run --separate-stderr fit --limit 0 -- touch "$T/ran"
    [ "$stderr" = "skcexec: fit: --limit: not a number of MiB from 1 to 1073741824: '0' (see skcexec --help)" ]
    [ ! -e "$T/ran" ]
    # the profiler's own option
    for v in 0 x 4096x ,label; do
        run --separate-stderr "$PROFILE" --fit "$v" -- touch "$T/ran"
        echo "--fit $v: $status: $stderr"
        [ "$status" -eq 2 ]
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == "skcexec-profile: --fit: not a number"* ]]
    done
    [ ! -e "$T/ran" ]
}

# bats test_tags=no-asan
@test "no /proc (with or without a cgroup): one line and status 2" {
    [ "$(id -u)" = 0 ] && command -v unshare >/dev/null || skip "needs root and unshare"
    unshare -m true 2>/dev/null || skip "no mount namespace here (a chroot?)"
    # shellcheck disable=SC2016 # expanded by the inner sh
    run --separate-stderr unshare -m sh -c 'umount -l /proc && exec "$@"' sh \
        "$SKCEXEC" fit --limit 4096 -- touch "$T/ran"
    echo "$status: $stderr"
    [ "$status" -eq 2 ]
    [ "$stderr" = "skcexec: fit: /proc is not mounted here, and fit sees skc and clang through it (see skcexec --help)" ]
    # shellcheck disable=SC2016
    run --separate-stderr unshare -m sh -c 'umount -l /proc && exec "$@"' sh \
        "$PROFILE" --fit 4096 -- touch "$T/ran"
    echo "$status: $stderr"
    [ "$status" -eq 2 ]
    [[ "$stderr" == "skcexec-profile: --fit needs /proc to see each process's memory"* ]]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [ ! -e "$T/ran" ]
}

@test "skcexec -- fit runs a program named fit; options before fit apply" {
    printf '#!/bin/sh\necho "fit program: $*"\n' >"$T/bin/fit"
    chmod +x "$T/bin/fit"
    LD_PRELOAD="$PRE" run "$SKCEXEC" -- fit a b
    [ "$status" -eq 0 ]
    [ "$output" = "fit program: a b" ]
    export FAKECLANG_ALLOC_MB=10 FAKECLANG_HOLD_MS=100
    LD_PRELOAD="$PRE" run --separate-stderr "$SKCEXEC" --callers myskc fit --limit 4096 -- skc --hold-mb 20 -o "$T/o"
    [ "$status" -eq 0 ]
    # skc is no caller now: not a unit, and clang ran as its child
    [[ "$stderr" == *" replaced=0 not_replaced=0 "* ]]
    run fit --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "usage: skcexec [OPTIONS] fit [FIT OPTIONS] [--] CMD [ARGS...]" ]]
}
