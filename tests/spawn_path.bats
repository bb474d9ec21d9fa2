#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The core: a released skc's posix_spawnp of clang++ becomes an exec in place.

load helpers

setup() { setup_fixtures; }

@test "clang runs in skc's own process (same pid)" {
    run with_shim skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    r=$(report clang++)
    [ "$(field "$r" pid)" = "$(cat skc.pid)" ]
    [ "$(field "$r" ppid)" != "$(cat skc.pid)" ]
}

@test "control: without the shim clang is skc's child" {
    run skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    r=$(report clang++)
    [ "$(field "$r" ppid)" = "$(cat skc.pid)" ]
}

@test "clang's exit status becomes skc's" {
    FAKECLANG_EXIT=7 run with_shim skc -o out --pidfile skc.pid
    [ "$status" -eq 7 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
    FAKECLANG_EXIT=0 run with_shim skc -o out2
    [ "$status" -eq 0 ]
}

@test "clang's stderr reaches skc's stderr on failure" {
    FAKECLANG_EXIT=1 FAKECLANG_STDERR="error: undefined symbol skip_main" \
        run --separate-stderr with_shim skc -o out
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"error: undefined symbol skip_main"* ]]
}

@test "clang's fds 1 and 2 are skc's own, not the capture pipes" {
    with_shim skc -o out --pidfile skc.pid >skc.out 2>skc.err
    r=$(report clang++)
    grep -q "^fd=1 target=$T/skc.out " "$r"
    grep -q "^fd=2 target=$T/skc.err " "$r"
}

@test "buffered stdout of skc is flushed before the exec" {
    with_shim skc -o out --stdout-msg "skc-buffered-line" >skc.out
    [ "$(cat skc.out)" = "skc-buffered-line" ]
}

@test "env -C DIR and the explicit envp are applied" {
    mkdir -p "$T/pkg/sub"
    with_shim skc -o "$T/out" --env-C "$T/pkg/sub" --env-set SKC_MARK=on \
        --pidfile skc.pid
    r=$(report clang++)
    [ "$(field "$r" pid)" = "$(cat skc.pid)" ]
    [ "$(field "$r" cwd)" = "$T/pkg/sub" ]
    grep -q "^env=SKC_MARK=on$" "$r"
    grep -qx "argv\[0\]=clang++" "$r"
}

@test "relative IR path is resolved in the env -C directory" {
    mkdir -p "$T/pkg"
    with_shim skc -o "$T/pkg/out" --env-C "$T/pkg" --pidfile skc.pid
    r=$(report clang++)
    [ "$(field "$r" pid)" = "$(cat skc.pid)" ]
}

@test "--batch: skc stays and spawns clang once per unit" {
    run with_shim skc --batch 3 -o unit --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(reports_of clang++)" -eq 3 ]
    for r in "$T"/rep/clang++.*; do
        [ "$(field "$r" ppid)" = "$(cat skc.pid)" ]
    done
}

@test "llvm-config and llvm-ar are spawned normally and skc survives them" {
    run with_shim skc --pre-tool llvm-config --emit=sklib -o lib --pidfile skc.pid \
        --done-file done
    [ "$status" -eq 0 ]
    [ "$(field "$(report llvm-config)" ppid)" = "$(cat skc.pid)" ]
    [ "$(field "$(report llvm-ar)" ppid)" = "$(cat skc.pid)" ]
    [ -e done ]
}

@test "llvm-config first, then clang in place" {
    run with_shim skc --pre-tool llvm-config -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report llvm-config)" ppid)" = "$(cat skc.pid)" ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
}

@test "a skargo-like parent runs skc (replaced) and then clang++ itself" {
    run with_shim skargo --pkg-root "$T/pkg" --link "$T/app" -- -o "$T/pkg/out" \
        --pidfile "$T/skc.pid"
    [ "$status" -eq 0 ]
    [[ "$output" == *"skargo: linked"* ]]
    [ "$(reports_of clang++)" -eq 2 ]
    skc_pid=$(cat skc.pid)
    found_in_place=0 found_child=0
    for r in "$T"/rep/clang++.*; do
        if [ "$(field "$r" pid)" = "$skc_pid" ]; then found_in_place=1
        elif grep -q "^argv\[.\]=$T/app$" "$r"; then found_child=1; fi
    done
    [ "$found_in_place" -eq 1 ] && [ "$found_child" -eq 1 ]
}

@test "skc failing under skargo: skargo reports clang's error and exits 3" {
    FAKECLANG_EXIT=1 FAKECLANG_STDERR="ld: cannot find -lfoo" \
        run with_shim skargo --pkg-root "$T/pkg" -- -o "$T/pkg/out"
    [ "$status" -eq 3 ]
    [[ "$output" == *"process did not exit successfully"* ]]
    [[ "$output" == *"ld: cannot find -lfoo"* ]]
}

@test "missing clang fails exactly as without the shim" {
    run skc -o out --clang clang-404
    plain_status=$status plain_output=$output
    [ "$plain_status" -ne 0 ]
    run with_shim skc -o out --clang clang-404
    [ "$status" -eq "$plain_status" ]
    [ "$output" = "$plain_output" ]
}

@test "a clang that cannot be exec'd: undone, then the same error as without" {
    printf 'not a program\n' > "$T/bin/clang-18"
    chmod +x "$T/bin/clang-18"
    run skc -o out --clang clang-18
    plain_status=$status plain_output=$output
    SKCEXEC_VERBOSE=1 run --separate-stderr with_shim skc -o out --clang clang-18
    [ "$status" -eq "$plain_status" ]
    [[ "$stderr" == *"spawning clang as usual"* ]]
    [[ "$stderr" == *"$plain_output"* ]]
}

@test "SKCEXEC_DISABLE=1: inert" {
    SKCEXEC_DISABLE=1 run with_shim skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
}

@test "SKCEXEC_VERBOSE=1: one line when acting" {
    SKCEXEC_VERBOSE=1 run --separate-stderr with_shim skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "${stderr_lines[0]}" == "skcexec: pid $(cat skc.pid): skc replaced by clang++ ("*"), freeing "*" MiB RSS" ]]
}

@test "barrier: waits for a thread still writing the IR" {
    # Control: without the shim clang reads the file before it is complete.
    run skc -o plain --late-writer 300
    grep -q "complete=0" "$(report clang++)"
    rm -f "$T"/rep/*
    run with_shim skc -o out --late-writer 300 --pidfile skc.pid
    [ "$status" -eq 0 ]
    r=$(report clang++)
    [ "$(field "$r" pid)" = "$(cat skc.pid)" ]
    grep -q "^ir=$T/out.ll complete=1$\|^ir=out.ll complete=1$" "$r"
}

@test "barrier timeout: the ordinary spawn, silently" {
    SKCEXEC_WAIT_MS=100 run --separate-stderr with_shim skc -o out \
        --late-writer 1500 --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "${#stderr_lines[@]}" -eq 0 ]
    [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
}

@test "barrier timeout at SKCEXEC_VERBOSE=1: one line says why" {
    SKCEXEC_VERBOSE=1 SKCEXEC_WAIT_MS=100 run --separate-stderr with_shim \
        skc -o out --late-writer 1500 --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "${stderr_lines[0]}" == "skcexec: pid $(cat skc.pid): other threads still ran after SKCEXEC_WAIT_MS=100 ms; spawning clang as usual" ]]
    [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
}

@test "SKCEXEC_TARGETS and SKCEXEC_CALLERS override the defaults" {
    cp "$BUILD/fixtures/skc" "$T/bin/mycc"
    cp "$BUILD/fixtures/fake_clang" "$T/bin/mylink"
    SKCEXEC_CALLERS=mycc SKCEXEC_TARGETS=mylink run with_shim mycc -o out \
        --clang mylink --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report mylink)" pid)" = "$(cat skc.pid)" ]
}

@test "malformed settings: one warning line each, defaults used" {
    SKCEXEC_WAIT_MS=soon SKCEXEC_VERBOSE=yes run --separate-stderr with_shim \
        skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "${#stderr_lines[@]}" -eq 2 ]
    [[ "$stderr" == *'SKCEXEC_WAIT_MS="soon" is not'*"using 5000"* ]]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
}
