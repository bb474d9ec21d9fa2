#!/usr/bin/env bats
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

@test "the library exports only the libc functions it wraps" {
    run nm -D --defined-only "$LIB"
    [ "$status" -eq 0 ]
    got=$(awk '{print $3}' <<<"$output" | sort | tr '\n' ' ')
    want="execl execle execlp execv execve execveat execvp execvpe fexecve fork posix_spawn posix_spawn_file_actions_addchdir_np posix_spawn_file_actions_addclose posix_spawn_file_actions_addclosefrom_np posix_spawn_file_actions_adddup2 posix_spawn_file_actions_addfchdir_np posix_spawn_file_actions_addopen posix_spawn_file_actions_addtcsetpgrp_np posix_spawn_file_actions_destroy posix_spawn_file_actions_init posix_spawnp system vfork "
    [ "$got" = "$want" ]
}

@test "shells, make and friends run normally under the preload" {
    run with_shim sh -c 'echo a | tr a b; exit 3'
    [ "$status" -eq 3 ]
    [ "$output" = "b" ]
    printf 'all:\n\t@echo made\n' > Makefile
    run with_shim make -s
    [ "$status" -eq 0 ] && [ "$output" = "made" ]
}
