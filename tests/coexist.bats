#!/usr/bin/env bats
# Beside another preload library that wraps the same functions (Bear,
# snoopy, ...), in either order of LD_PRELOAD: both work.  And a 32-bit
# program in a build with the 64-bit library still runs.

load helpers

setup() {
    setup_fixtures
    OTHER="$BUILD/fixtures/other_preload.so"
    export OTHER_PRELOAD_LOG="$T/other.log"
}

@test "other preload first, then libskcexec: clang in place, both saw the spawn" {
    LD_PRELOAD="$OTHER ${SHIM_PRELOAD:-$LIB}" run skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
    grep -q "^posix_spawnp clang++ pid=$(cat skc.pid)$" other.log
}

@test "libskcexec first, then the other: clang in place, the other saw its execve" {
    LD_PRELOAD="${SHIM_PRELOAD:-$LIB} $OTHER" run skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
    # we reach execve through RTLD_NEXT: the other library sees clang's exec
    grep -q "^execve .*clang++ pid=$(cat skc.pid)$" other.log
}

@test "fork handover beside the other preload, both orders" {
    cp "$BUILD/fixtures/exec_caller" "$T/bin/skc"
    export SKCEXEC_FORK_WAIT_MS=10000
    for order in "$OTHER ${SHIM_PRELOAD:-$LIB}" "${SHIM_PRELOAD:-$LIB} $OTHER"; do
        rm -f "$T"/rep/* other.log
        LD_PRELOAD="$order" run skc --via fork-execvp -o out --pidfile skc.pid
        [ "$status" -eq 0 ]
        [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
        grep -q "^fork" other.log
    done
}

@test "non-caller beside the other preload: untouched in both orders" {
    for order in "$OTHER ${SHIM_PRELOAD:-$LIB}" "${SHIM_PRELOAD:-$LIB} $OTHER"; do
        cp "$BUILD/fixtures/spawn_probe" "$T/bin/probe"
        LD_PRELOAD="$OTHER" probe true >plain.out
        LD_PRELOAD="$order" probe true >both.out
        diff plain.out both.out
    done
}

@test "a 32-bit program runs with the 64-bit library preloaded" {
    printf 'int main(void) { return 42; }\n' > m32.c
    cc -m32 -o m32 m32.c 2>/dev/null || skip "no 32-bit toolchain (gcc-multilib)"
    rc=0; ./m32 2>/dev/null || rc=$?
    [ "$rc" -eq 42 ] || skip "this kernel runs no 32-bit programs (no IA32 emulation)"
    run --separate-stderr with_shim ./m32
    [ "$status" -eq 42 ]
    [[ "$stderr" == *"wrong ELF class"* ]]
}
