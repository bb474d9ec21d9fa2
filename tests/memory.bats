#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The point of the shim: the peak of skc + clang drops from N + M to max(N, M).
# Measured by the kernel (cgroup memory accounting), so no sampling misses a
# peak; skipped where no cgroup memory controller is writable.

load helpers

setup() {
    setup_fixtures
    CG=""
    local root
    if root=$(memory_cgroup_root); then
        CG=$root/skcexec-test-$$-$BATS_TEST_NUMBER
        PEAK_FILE=$(memory_cgroup_file "$CG" peak)
        mkdir "$CG" 2>/dev/null || CG=""
        # a v2 kernel before 5.19 has no memory.peak
        [ -z "$CG" ] || [ -f "$CG/$PEAK_FILE" ] || { rmdir "$CG"; CG=""; }
    fi
    [ -n "$CG" ] || skip "no writable cgroup v1 or v2 memory accounting"
}

teardown() {
    [ -z "$CG" ] || rmdir "$CG" 2>/dev/null || true
}

# Run "$@" in a fresh cgroup; print its peak memory in MiB.
peak_mib() {
    local cg="$CG/run$RANDOM"
    mkdir "$cg"
    ( echo "$BASHPID" >"$cg/cgroup.procs" && exec "$@" ) >/dev/null
    echo $(( $(cat "$cg/$PEAK_FILE") >> 20 ))
    rmdir "$cg"
}

@test "peak of skc (N MiB) + clang (M MiB) is about max(N, M) with the shim" {
    N=400 M=250
    export FAKECLANG_ALLOC_MB=$M FAKECLANG_HOLD_MS=300
    plain=$(peak_mib skc --hold-mb $N -o out)
    shim=$(peak_mib env LD_PRELOAD="${SHIM_PRELOAD:-$LIB}" skc --hold-mb $N -o out)
    echo "N=$N M=$M: peak without the shim ${plain} MiB, with ${shim} MiB"
    [ "$plain" -ge $(( N + M - 20 )) ]
    [ "$shim" -lt $(( N + M / 3 )) ]
    [ "$shim" -ge $(( N - 20 )) ]
}

@test "fork + exec and system(): peak about max(N, M) with the shim" {
    N=400 M=250
    cp "$BUILD/fixtures/exec_caller" "$T/bin/skc"
    export FAKECLANG_ALLOC_MB=$M FAKECLANG_HOLD_MS=300 SKCEXEC_FORK_WAIT_MS=10000
    for mode in fork-execvp system; do
        plain=$(peak_mib skc --via $mode --hold-mb $N -o out)
        shim=$(peak_mib env LD_PRELOAD="${SHIM_PRELOAD:-$LIB}" skc --via $mode --hold-mb $N -o out)
        echo "$mode N=$N M=$M: peak without the shim ${plain} MiB, with ${shim} MiB"
        [ "$plain" -ge $(( N + M - 20 )) ]
        [ "$shim" -lt $(( N + M / 3 )) ]
    done
}
