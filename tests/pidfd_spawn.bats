#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# glibc 2.39's pidfd_spawnp and pidfd_spawn: the same in-place exec as
# posix_spawn[p] (tests/spawn_path.bats), through the pidfd variants.  The
# caller is tests/fixtures/pidfd_caller.c, installed as bin/skc.  Every test
# skips on a glibc without them (Debian 12's 2.36; Debian 13 has 2.41).

load helpers

setup() {
    setup_fixtures
    why=$("$BUILD/fixtures/pidfd_caller" --probe) || skip "$why"
    cp "$BUILD/fixtures/pidfd_caller" "$T/bin/skc"
}

# opts FUNCTION: pidfd_caller's options to call FUNCTION, and the clang
# it gets (a name for pidfd_spawnp, a path for pidfd_spawn).
opts() {
    case $1 in
    pidfd_spawnp) echo "--clang clang++" ;;
    pidfd_spawn) echo "--no-path --clang $T/bin/clang++" ;;
    esac
}

@test "pidfd_spawnp: clang runs in skc's own process (same pid), skc's status is clang's" {
    SKCEXEC_VERBOSE=1 run --separate-stderr with_shim skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    r=$(report clang++)
    [ "$(field "$r" pid)" = "$(cat skc.pid)" ]
    [ "$(field "$r" ppid)" != "$(cat skc.pid)" ]
    grep -qx "argv\[4\]=out.ll" "$r"
    [[ "$stderr" == "skcexec: pid $(cat skc.pid): skc replaced by clang++ ($T/bin/clang++)"* ]]
}

@test "pidfd_spawn (a path): clang runs in skc's own process (same pid)" {
    # shellcheck disable=SC2046
    run with_shim skc $(opts pidfd_spawn) -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
}

@test "control: without the shim clang is skc's child, for both" {
    for f in pidfd_spawnp pidfd_spawn; do
        rm -f "$T"/rep/*
        # shellcheck disable=SC2046
        run skc $(opts $f) -o out --pidfile skc.pid
        [ "$status" -eq 0 ]
        [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
    done
}

@test "clang's exit status becomes skc's, for both" {
    for f in pidfd_spawnp pidfd_spawn; do
        rm -f "$T"/rep/*
        # shellcheck disable=SC2046
        FAKECLANG_EXIT=7 run with_shim skc $(opts $f) -o out --pidfile skc.pid
        [ "$status" -eq 7 ]
        [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
    done
}

@test "inert for a non-caller: clang stays its child, for both" {
    cp "$BUILD/fixtures/pidfd_caller" "$T/bin/mytool"
    for f in pidfd_spawnp pidfd_spawn; do
        rm -f "$T"/rep/*
        # shellcheck disable=SC2046
        SKCEXEC_VERBOSE=1 run --separate-stderr with_shim mytool $(opts $f) \
            -o out --pidfile tool.pid
        [ "$status" -eq 0 ]
        [ -z "$stderr" ]
        [ "$(field "$(report clang++)" ppid)" = "$(cat tool.pid)" ]
    done
}

@test "missing clang: the same failure as without the shim, for both" {
    for clang in clang-404 /no/such/clang; do
        f=pidfd_spawnp
        [ "${clang#/}" != "$clang" ] && f=pidfd_spawn
        args=(-o out --clang "$clang")
        [ "$f" = pidfd_spawn ] && args=(--no-path "${args[@]}")
        run skc "${args[@]}"
        plain_status=$status plain_output=$output
        [ "$plain_status" -eq 1 ]
        [[ "$plain_output" == *"failed to spawn $clang"* ]]
        run with_shim skc "${args[@]}"
        [ "$status" -eq "$plain_status" ]
        [ "$output" = "$plain_output" ]
    done
}

@test "a clang that cannot be exec'd: undone, then the same error as without, for both" {
    printf 'not a program\n' >"$T/bin/clang-18"
    chmod +x "$T/bin/clang-18"
    for args in "--clang clang-18" "--no-path --clang $T/bin/clang-18"; do
        # shellcheck disable=SC2086
        run skc $args -o out
        plain_status=$status plain_output=$output
        [ "$plain_status" -ne 0 ]
        # shellcheck disable=SC2086
        SKCEXEC_VERBOSE=1 run --separate-stderr with_shim skc $args -o out \
            --pidfile skc.pid
        [ "$status" -eq "$plain_status" ]
        [[ "$stderr" == *"skc replaced by clang-18"* ]]
        [[ "$stderr" == *"spawning clang as usual"* ]]
        [[ "$stderr" == *"$plain_output"* ]]
    done
}

@test "POSIX_SPAWN_SETCGROUP (a flag the shim does not replay): the call is left alone" {
    run --separate-stderr skc --setcgroup -o out --pidfile skc.pid
    plain_status=$status plain_output=$output plain_stderr=$stderr
    plain_reports=$(reports_of clang++)
    rm -f "$T"/rep/*
    SKCEXEC_VERBOSE=2 run --separate-stderr with_shim skc --setcgroup -o out \
        --pidfile skc.pid
    [ "$status" -eq "$plain_status" ]
    [ "$output" = "$plain_output" ]
    [[ "$stderr" == *"skc spawns clang++: inert (unknown spawn attribute flags)"* ]]
    [[ "$stderr" == *"$plain_stderr" ]]
    [ "$(reports_of clang++)" -eq "$plain_reports" ]
    if [ "$plain_reports" -eq 1 ]; then
        # the cgroup could be joined: clang ran, as skc's child
        [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
    fi
}
