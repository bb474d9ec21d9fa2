#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Nothing the shim runs between fork and exec may allocate (or take any
# lock): another thread may have held it at fork time.  malloc_guard
# replaces malloc and kills any forked child that allocates, while a thread
# churns malloc/free; as skc (a caller) every fork goes through the
# handover's child side.

load helpers

setup() {
    setup_fixtures
    cp "$BUILD/fixtures/malloc_guard" "$T/bin/skc"
    export SKCEXEC_FORK_WAIT_MS=10000
}

@test "the guard itself works: an allocating child dies" {
    run skc selftest
    [ "$status" -eq 0 ]
}

@test "caller: 500 fork+exec, a vfork+exec and the clang handover never allocate" {
    run with_shim skc out 500
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" != *"allocation in a forked child"* ]]
    # clang replaced the caller: same pid
    [ "pid=$(field "$(report clang++)" pid)" = "${lines[0]}" ]
}

@test "non-caller: the wrappers never allocate in the child either" {
    cp "$BUILD/fixtures/malloc_guard" "$T/bin/guard"
    run with_shim guard out 500
    [ "$status" -eq 0 ]
    [[ "$output" != *"allocation in a forked child"* ]]
}
