#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Regression tests for the review's findings on the posix_spawn path.  Each
# case of tests/fixtures/spawn_cases.c (installed as skc, so it is a
# caller) runs once without and once with the shim, each in a fresh
# directory; status, output and what clang saw, if it ran, must be the same.
# Failing open must be invisible: the shim behaves as libc or not at all.

load helpers

setup() {
    setup_fixtures
    cp "$BUILD/fixtures/spawn_cases" "$T/bin/skc"
}

# What the fake clang reported, minus what differs between any two runs
# (pids, environment, pipe inodes); $1 is the run's directory.
clang_facts() {
    local r
    for r in "$FAKECLANG_REPORT_DIR"/*; do
        [ -e "$r" ] || continue
        echo "clang ran: ${r##*/}" | sed 's/\.[0-9]*$//'
        grep -E '^(cwd|exe|argc|argv\[[0-9]+\]|fd|ir)=' "$r" |
            sed -E -e 's/(pipe|socket|anon_inode):\[[0-9]+\]/\1/' \
                   -e "s#$1#.#g"
    done
}

# observe's facts beyond the output: what clang saw, if it ran; the
# reports are then removed for the next run.
observe_extra() {
    clang_facts "$1"
    rm -f "$FAKECLANG_REPORT_DIR"/*
}

# The test proper: `skc CASE` under a time limit, the same status, output
# and clang facts without and with the shim.  A case that cannot run here
# exits 77 and says why.
same_case() {
    same_without_and_with_shim timeout "${2:-60}" skc "$1"
}

@test "addchdir + addopen on low fds: the undo restores skc's cwd and fds" {
    same_case chdir-open-collision
}

@test "dup2 from a closed fd fails with EBADF, as libc does" {
    same_case dup2-closed-fd
}

@test "O_CREAT|O_EXCL open, then a failing exec: ENOENT and the file exists" {
    same_case open-excl
}

@test "SETSCHEDPARAM failure comes before the file actions (no file made)" {
    same_case schedparam-order
}

@test "SETPGROUP when skc's group has lost its leader: group unchanged" {
    same_case setpgroup-vanished
}

@test "a POSIX record lock is still held after a spawn that closes its fd" {
    [ -r /proc/locks ] || skip "no /proc/locks: the shim cannot see record locks"
    same_case posix-lock
}

@test "pipe rule: no effect when fd 1 was closed by an earlier action" {
    same_case pipe-close-stdout
}

@test "ELOOP in a PATH directory ends the search, as in execvp" {
    same_case eloop-path
}

@test "env - -u FOO clang x.ll: '-u' is env's command, not an option" {
    env --version 2>/dev/null | grep -q 'GNU coreutils' ||
        skip "env is not GNU coreutils' (its '-' handling is what is tested)"
    same_case env-dash-u
}

@test "a thread blocked in fgets(stdin) does not hang the spawn (flush)" {
    # A hang ends at the time limit with status 124, which differs.
    same_case fgets-stdin 15
}

@test "a thread cancelled while the shim waits in the barrier is not cancelled" {
    same_case cancel-barrier
}

@test "forking while other threads hold the file-actions lock" {
    same_case fork-lock 120
}

# The first wrapped call of a process decides whether it is skc.  A call
# that cannot wait for that decision must not: one from a signal handler
# interrupting it on the same thread, or from a child forked by _Fork (not
# wrapped) while another thread decided.  With a CPU-bound loop on the same
# CPU, waiting by yielding took minutes; the limit only catches that.
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
