#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# An exec in place keeps the process: what skc holds or has set about
# itself stays for clang, and what exec drops (close-on-exec descriptors)
# goes while clang still runs, where a spawned clang would have the state
# of a new child and skc would hold on until clang ends.  skc
# (state_caller) sets something up, posix_spawnp's `clang++ -O2 -o out
# x.ll`, waits and exits with clang's status, printing nothing after; the
# fake clang (state_probe) writes down what it sees.  Status, output and
# that report must be the same without and with the library, and the run
# without it must show the state a spawned clang has; the last two tests
# use callers of their own, with busy_clang as clang.  Time limits only
# turn a hang into a failure.

load helpers

setup() {
    setup_fixtures
    setup_state_fixtures
}

observe_extra() { probe_facts "$1"; }

# A lock skc holds on a close-on-exec descriptor (a build lock, say) is
# skc's until it exits: another process must not get it while clang runs.
@test "in place: skc's flock on a close-on-exec fd is held while clang runs" {
    same_without_and_with_shim timeout 60 skc posix_spawnp p:lock=flock-cloexec
    plain_says "lock ./lock.flock-cloexec try flock: busy"
}

@test "in place: skc's OFD lock on a close-on-exec fd is held while clang runs" {
    same_without_and_with_shim timeout 60 skc posix_spawnp p:lock=ofd-cloexec
    plain_says "lock ./lock.ofd-cloexec try ofd: busy"
}

# The write end of a FIFO whose reader is not skc's child (here a process
# of the test's): closing it early is an EOF that reader sees while clang
# still runs.  The reader is started by a subshell that exits at once, so
# it is not a child of the bash that becomes skc.
@test "in place: a close-on-exec FIFO writer stays open for its reader while clang runs" {
    mkfifo "$T/fifo"
    export STATE_FIFO=$T/fifo
    # shellcheck disable=SC2016 # expanded by bash -c
    same_without_and_with_shim timeout 60 bash -c \
        '(cat "$STATE_FIFO" >/dev/null 2>&1 &); exec skc posix_spawnp p:fifo'
    plain_says "fifo: a writer has it open"
}

# A child does not inherit its parent's death signal or subreaper flag.
@test "in place: clang does not keep skc's parent-death signal" {
    same_without_and_with_shim timeout 60 skc posix_spawnp p:pdeathsig=9
    plain_says "pdeathsig: 0"
}

@test "in place: clang does not keep skc's child-subreaper flag" {
    same_without_and_with_shim timeout 60 skc posix_spawnp p:subreaper
    plain_says "subreaper: 0"
}

# SCHED_RESET_ON_FORK: a child starts with nice 0 and the flag cleared.
@test "in place: clang does not keep skc's negative nice under SCHED_RESET_ON_FORK" {
    [ "$(id -u)" -eq 0 ] || skip "needs root (a negative nice value)"
    same_without_and_with_shim timeout 60 skc posix_spawnp p:sched=other-reset p:nice=-5
    plain_says "nice: 0"
    plain_says "sched: other priority 0"
}

# POSIX_SPAWN_SETPGROUP moves the child, never skc: skargo's killpg (or ^C
# to the foreground job) must still reach skc.  group_kill plays skargo:
# skc runs in its process group; once clang has started (its report
# exists), the group gets SIGTERM.  clang sleeps 3 s, in a group of its
# own without the library, so it outlives skc.
@test "in place: SETPGROUP leaves skc in its group for skargo's killpg" {
    export STATE_PROBE_SLEEP_MS=3000
    same_without_and_with_shim timeout 60 "$BUILD/fixtures/group_kill" \
        "$STATE_PROBE_REPORT" skc posix_spawnp a:pgroup=new
    plain_says "skc: signal 15"
}

# CPU time: under a CPU limit each of skc and clang stays within, but not
# their sum, clang must not be killed for the time skc used.  skc is
# cpu_time_caller, clang busy_clang.
@test "clang is not charged the CPU time skc used (ulimit -t)" {
    cp "$BUILD/fixtures/cpu_time_caller" "$T/bin/skc"
    cp "$BUILD/fixtures/busy_clang" "$T/bin/clang++"
    export BUSYCLANG_BURN_MS=1200
    same_without_and_with_shim timeout 180 bash -c 'ulimit -c 0; ulimit -t 2; exec skc 1200'
    plain_says "clang: exit 0"
}

# Signals: skc (sigwait_caller) blocks SIGTERM and SIGINT and handles them
# in a sigwait thread; a SIGTERM while clang runs ends skc at once with
# 130.  timeout sends it 1 s in; clang (busy_clang) sleeps 5 s; -k bounds
# a hang.
@test "a SIGTERM to a sigwait-handling skc ends it while clang runs" {
    cp "$BUILD/fixtures/sigwait_caller" "$T/bin/skc"
    cp "$BUILD/fixtures/busy_clang" "$T/bin/clang++"
    export BUSYCLANG_SLEEP_MS=5000
    same_without_and_with_shim timeout --preserve-status -s TERM -k 15 1 skc
    plain_says "status=130"
    plain_says "skc: SIGTERM, exiting"
}
