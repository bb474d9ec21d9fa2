#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# 100 threads x 100 starts of `true` by fork+exec, vfork+exec, posix_spawn
# and system(), while two threads hammer malloc/free and one writes files:
# in a process that is not a caller and in one that is (every fork then
# goes through the handover, every spawn through the decision).  All must
# complete, without deadlock, and leave the fd table as it was.
# STRESS_ITERS sets the starts per thread (default 100): under qemu-user,
# where a start takes ~0.1 s, tools/test_in_root.sh sets 10, and
# STRESS_EMULATED=qemu-user, which skips the caller's runs (below).

load helpers

setup() {
    setup_fixtures
    export TMPDIR="$T/tmp"
    mkdir -p "$TMPDIR"
    cp "$BUILD/fixtures/stress_spawn" "$T/bin/stress"     # not a caller
    cp "$BUILD/fixtures/stress_spawn" "$T/bin/skc"        # a caller
}

# Under qemu-user (the arm64 root) a 100-thread caller's fork children
# block for good, each on a futex in qemu's own memory (not the guest's),
# a lock of qemu's that another guest thread held at the fork.  The
# handover runs guest code in the child that qemu must first translate; a
# non-caller's child only execs.  qemu's deadlock, not the library's.
caller_stress() {
    [ -z "${STRESS_EMULATED:-}" ] ||
        skip "under $STRESS_EMULATED, a 100-thread caller's fork children deadlock inside the emulator"
    run_stress skc "$@"
}

run_stress() {   # $1: program name; the rest: stress_spawn arguments
    run with_shim "$@" --threads 100 --iters "${STRESS_ITERS:-100}" --timeout 600
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"failures=0 fd_leaks=0"* ]]
}

@test "non-caller: 100 threads x STRESS_ITERS (100) fork+exec" { run_stress stress --mode fork; }
@test "caller: 100 threads x STRESS_ITERS (100) fork+exec (handover)" { caller_stress --mode fork; }
@test "non-caller: 100 threads x STRESS_ITERS (100) vfork+exec" { run_stress stress --mode vfork; }
@test "caller: 100 threads x STRESS_ITERS (100) vfork+exec" { caller_stress --mode vfork; }
@test "non-caller: 100 threads x STRESS_ITERS (100) mixed fork/vfork/spawn/system" {
    run_stress stress --mode mixed
}
@test "caller: 100 threads x STRESS_ITERS (100) mixed fork/vfork/spawn/system" {
    caller_stress --mode mixed
}
