#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Nothing the shim runs between fork and exec may allocate (or take any
# lock): another thread may have held it at fork time.  malloc_guard
# replaces malloc and kills any forked child that allocates, while a thread
# churns malloc/free; as skc (a caller) every fork goes through the
# handover's child side.  fork_dlsym's children exec while another thread
# loops on dlsym (the loader's lock).  And the decision whether a process
# is skc must never wait for itself (decide_probe).

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

# A process that is not skc makes children with _Fork or a raw clone (no
# fork handlers run) while another thread loops on dlsym: each child's
# exec must not need the loader's lock, which that thread may have held
# when the child was made.  Each run without and with the shim; a hung
# child ends the run with status 1.
@test "a non-caller's _Fork child execs while another thread loops on dlsym" {
    same_without_and_with_shim timeout 300 "$BUILD/fixtures/fork_dlsym" _Fork 100
    plain_says "_Fork: 100 children ran /bin/true, 0 failed"
}

@test "a non-caller's raw clone child execs while another thread loops on dlsym" {
    same_without_and_with_shim timeout 300 "$BUILD/fixtures/fork_dlsym" clone 100
    plain_says "clone: 100 children ran /bin/true, 0 failed"
}

# The first wrapped call of a process decides whether it is skc.  A call
# that cannot wait for that decision must not: one from a signal handler
# interrupting it on the same thread, or from a child forked by _Fork (not
# wrapped) while another thread decided.  A CPU-bound loop on the same CPU
# makes a wait by yielding take minutes; the time limit only catches that.
decide_interrupted() {
    command -v taskset >/dev/null || skip "taskset not installed"
    taskset -c 0 sh -c 'while :; do :; done' &
    local busy=$! rc
    timeout 30 taskset -c 0 env LD_PRELOAD="${SHIM_PRELOAD:-$LIB}" \
        "$BUILD/fixtures/decide_probe" "$1" || rc=$?
    kill "$busy"
    [ "${rc:-0}" -eq 0 ]
}

@test "a signal handler's fork during the decision does not wait for itself" {
    decide_interrupted signal
}

@test "a _Fork child of a process in mid-decision does not wait for it" {
    decide_interrupted _Fork
}
