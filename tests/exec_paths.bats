#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Every other way a caller starts clang: fork/vfork + exec family, system(),
# exec without fork.  The fixture exec_caller, installed as skc, does each.
# The last two tests: children skc forks that spawn clang, or fork at once.

load helpers

setup() {
    setup_fixtures
    cp "$BUILD/fixtures/exec_caller" "$T/bin/skc"
    # Behaviour, not timing: a loaded machine must not make a child miss the
    # parent's wait (the bound itself is tested below).
    export SKCEXEC_FORK_WAIT_MS=10000
}

# Did clang run outside the caller's pid (as a child, or a child of sh)?
not_in_place() {
    [ "$(field "$(report "${1:-clang++}")" pid)" != "$(cat skc.pid)" ]
}

# The caller becomes clang (fork modes: the handover; execvp: its own
# exec), or becomes sh -c, which runs clang as its child (system).
IN_PLACE_MODES="fork-execvp fork-execve fork-execv fork-execl fork-execlp
    fork-execle fork-execvpe system execvp"

@test "each path: clang runs in the caller's pid (system: as sh's child)" {
    for mode in $IN_PLACE_MODES; do
        rm -f "$T"/rep/*
        run with_shim skc --via "$mode" -o out --pidfile skc.pid
        echo "mode $mode: status $status: $output"
        [ "$status" -eq 0 ]
        if [ "$mode" = system ]; then
            [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
        else
            [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
        fi
    done
}

@test "vfork + exec of clang: clang is the caller's child, as without" {
    run with_shim skc --via vfork-execv -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
}

@test "control: without the shim clang is the caller's child (but execvp)" {
    for mode in $IN_PLACE_MODES; do
        rm -f "$T"/rep/*
        run skc --via "$mode" -o out --pidfile skc.pid
        [ "$status" -eq 0 ]
        if [ "$mode" = execvp ]; then
            [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
        else
            not_in_place
        fi
    done
}

@test "each path: clang's exit status becomes the caller's" {
    for mode in $IN_PLACE_MODES; do
        FAKECLANG_EXIT=5 run with_shim skc --via "$mode" -o out
        echo "mode $mode: status $status: $output"
        [ "$status" -eq 5 ]
    done
}

@test "each path: clang's stderr reaches the caller's stderr" {
    for mode in $IN_PLACE_MODES; do
        FAKECLANG_EXIT=1 FAKECLANG_STDERR="error: in $mode" \
            run --separate-stderr with_shim skc --via "$mode" -o out
        [ "$status" -eq 1 ]
        [[ "$stderr" == *"error: in $mode"* ]]
    done
}

@test "each path: the caller's buffered stdout is not lost" {
    for mode in fork-execvp vfork-execv system fork-execle; do
        with_shim skc --via "$mode" -o out --stdout-msg "pending-$mode" >out.txt
        [ "$(cat out.txt)" = "pending-$mode" ]
    done
}

@test "fork handover: clang gets the child's fds, env and the pipe rule" {
    with_shim skc --via fork-execle -o out --pidfile skc.pid >o.txt 2>e.txt
    r=$(report clang++)
    [ "$(field "$r" pid)" = "$(cat skc.pid)" ]
    grep -qx "env=EXEC_CALLER_MARK=1" "$r"
    grep -q "^fd=1 target=$T/o.txt " "$r"
    grep -q "^fd=2 target=$T/e.txt " "$r"
}

@test "non-target programs on each path: as without the shim, caller lives" {
    for mode in fork-execvp fork-execve vfork-execv system fork-execl; do
        rm -f "$T"/rep/* done
        run with_shim skc --via "$mode" -o out --clang llvm-ar \
            --pidfile skc.pid --done-file done
        [ "$status" -eq 0 ]
        [ -e done ]
        not_in_place llvm-ar
    done
}

@test "a child that never execs: fork returns after the bound, clang in place" {
    export SKCEXEC_FORK_WAIT_MS=100
    run with_shim skc --via fork-noexec --child-ms 1500 -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    # the child's clang fork happens after the noexec child is reaped
    SKCEXEC_FORK_WAIT_MS=10000 run with_shim skc --via fork-noexec \
        --child-ms 300 -o out2 --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(reports_of clang++)" -eq 2 ]
}

@test "a child exec'ing true first: true is a child, clang later in place" {
    run with_shim skc --via fork-exec-true -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
}

@test "missing clang on each path: same status and output as without" {
    for mode in fork-execvp fork-execve fork-execlp vfork-execv system execvp; do
        run skc --via "$mode" -o out --clang clang-404
        plain_status=$status plain_output=$output
        run with_shim skc --via "$mode" -o out --clang clang-404
        echo "mode $mode: $plain_status/$status [$plain_output] [$output]"
        [ "$status" -eq "$plain_status" ]
        [ "$output" = "$plain_output" ]
    done
}

@test "SKCEXEC_DISABLE=1: no path acts" {
    for mode in fork-execvp vfork-execv system; do
        rm -f "$T"/rep/*
        SKCEXEC_DISABLE=1 run with_shim skc --via "$mode" -o out --pidfile skc.pid
        [ "$status" -eq 0 ]
        not_in_place
    done
}

@test "a process that is not a caller: fork/vfork/system untouched" {
    cp "$BUILD/fixtures/exec_caller" "$T/bin/notskc"
    for mode in fork-execvp vfork-execv system fork-execle; do
        rm -f "$T"/rep/*
        run with_shim notskc --via "$mode" -o out --pidfile skc.pid
        [ "$status" -eq 0 ]
        not_in_place
    done
}

@test "system() with a compound command stays a real system()" {
    # The fixture runs system("PROG -O2 -o 'out' 'out.ll' -no-pie").
    run with_shim skc --via system -o out --clang 'clang++;true' --pidfile skc.pid \
        --done-file done
    [ "$status" -eq 0 ]
    [ -e done ]
    not_in_place
}

# A child skc forks is not skc: its posix_spawnp of clang stays a spawn
# and the child goes on after it.  worker_caller and threaded_fork_caller
# print clang's status; clang is busy_clang.  Each run without and with
# the shim, the same status and output.
@test "a worker forked by skc spawns clang as a child and goes on" {
    cp "$BUILD/fixtures/worker_caller" "$T/bin/skc"
    cp "$BUILD/fixtures/busy_clang" "$T/bin/clang++"
    # the default bound: the worker never execs
    unset SKCEXEC_FORK_WAIT_MS
    same_without_and_with_shim timeout 60 skc
    plain_says "worker: exit 42"
    plain_says "marker: written"
}

# Two threads of skc fork at once: a worker that never execs, forked
# while the other thread's fork waits for its child's exec, must not hold
# up that child's exec of clang (past SKCEXEC_FORK_WAIT_MS).
@test "a threaded skc's fork + late exec of clang does not wait for a sibling worker" {
    cp "$BUILD/fixtures/threaded_fork_caller" "$T/bin/skc"
    cp "$BUILD/fixtures/busy_clang" "$T/bin/clang++"
    export SKCEXEC_FORK_WAIT_MS=500
    same_without_and_with_shim timeout 20 skc 2000
    plain_says "clang: exit 0"
}
