#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Everywhere but in a caller spawning clang, the shim must do nothing at all.

load helpers

setup() { setup_fixtures; }

probe_matches_libc() {
    # $1: the name the probe runs under; $2: what it spawns.
    cp "$BUILD/fixtures/spawn_probe" "$T/bin/$1"
    "$1" "$2" >plain.out 2>plain.err
    with_shim "$1" "$2" >shim.out 2>shim.err
    diff plain.out shim.out
    diff plain.err shim.err
    [ -s plain.out ]
}

@test "non-caller: every wrapper returns libc's result and errno" {
    probe_matches_libc probe true
}

@test "non-caller: nothing printed even with verbose and bad settings" {
    SKCEXEC_VERBOSE=2 SKCEXEC_WAIT_MS=junk SKCEXEC_CALLERS=/x \
        probe_matches_libc probe true
    [ ! -s shim.err ]
}

@test "caller spawning non-targets: libc's results and errno" {
    probe_matches_libc skc true
    probe_matches_libc skc llvm-config
}

@test "caller spawning clang without IR (a probe like --version): inert" {
    run with_shim skc --clang clang++ --pidfile skc.pid --pre-tool clang++ -o out
    [ "$status" -eq 0 ]
    # the --version probe ran as a child, the link in place
    [ "$(reports_of clang++)" -eq 2 ]
    for r in "$T"/rep/clang++.*; do
        if grep -qx 'argv\[1\]=--version' "$r"; then
            [ "$(field "$r" ppid)" = "$(cat skc.pid)" ]
        else
            [ "$(field "$r" pid)" = "$(cat skc.pid)" ]
        fi
    done
}

@test "a process not named skc spawning clang++ is left alone" {
    cp "$BUILD/fixtures/skc" "$T/bin/notskc"
    run with_shim notskc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
}

@test "a skc symlinked under another file name is still a caller (argv[0])" {
    cp "$BUILD/fixtures/skc" "$T/skc-0.1.0"
    ln -sf "$T/skc-0.1.0" "$T/bin/skc"
    run with_shim skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
}

@test "the library exports only the libc functions it wraps, at libc's versions" {
    libc=$(cc -print-file-name=libc.so.6)
    # name@@VERSION of every function the library defines
    got=$(nm -D --defined-only "$LIB" | awk '$2 == "T" {print $3}' | sort)
    [ -n "$got" ]
    # the same list from libc: wrapped names, at libc's default version
    names=$(sh "$BATS_TEST_DIRNAME/../tools/exports.sh" --names "$BATS_TEST_DIRNAME/../shim/wrapped.def" | tr '\n' ' ')
    [ -n "$names" ]
    want=$(objdump -T "$libc" | awk -v list="$names" '
        BEGIN { n = split(list, l, " "); for (i = 1; i <= n; i++) w[l[i]] = 1 }
        $4 == ".text" && ($NF in w) && $(NF-1) ~ /^GLIBC_/ { print $NF "@@" $(NF-1) }' | sort -u)
    echo "got:  $got"
    echo "want: $want"
    [ "$got" = "$want" ]
    # nothing else: no data symbols, no helpers
    [ -z "$(nm -D --defined-only "$LIB" | awk '$2 != "T" && $2 != "A"')" ]
}

@test "a program bound to the old posix_spawn@GLIBC_2.2.5 reaches libc's compat code" {
    [ "$(uname -m)" = x86_64 ] || skip "the compat version is x86_64's"
    cat > old.c <<'C'
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
__asm__(".symver posix_spawn, posix_spawn@GLIBC_2.2.5");
extern char **environ;
int main(void)
{
    /* The old version runs a script without #! through /bin/sh. */
    char *argv[] = { "./noshebang", NULL };
    pid_t pid;
    int r = posix_spawn(&pid, "./noshebang", NULL, NULL, argv, environ), st = 0;
    if (r == 0)
        waitpid(pid, &st, 0);
    printf("r=%d status=%d\n", r, WEXITSTATUS(st));
    return 0;
}
C
    cc -o old old.c
    printf 'exit 7\n' > noshebang
    chmod +x noshebang
    cp old "$T/bin/skc"
    run ./old
    [ "$output" = "r=0 status=7" ]
    run with_shim ./old
    [ "$output" = "r=0 status=7" ]
    run with_shim skc
    [ "$output" = "r=0 status=7" ]
}

@test "shells, make and friends run normally under the preload" {
    run with_shim sh -c 'echo a | tr a b; exit 3'
    [ "$status" -eq 3 ]
    [ "$output" = "b" ]
    printf 'all:\n\t@echo made\n' > Makefile
    run with_shim make -s
    [ "$status" -eq 0 ] && [ "$output" = "made" ]
}
