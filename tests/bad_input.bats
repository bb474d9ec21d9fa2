#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Bad input: each case gets libc's own behaviour (same status, same
# output, the same argv and environment reaching clang) with the shim
# acting or not, and at most a one-line warning.  spawn_argv, installed as
# skc, makes the odd posix_spawn[p] calls.

load helpers

setup() {
    setup_fixtures
    cp "$BUILD/fixtures/spawn_argv" "$T/bin/skc"
    printf 'define i32 @main() {\n  ret i32 0\n}\n; skc-ir-end\n' > in.ll
}

# What clang saw: its argv and environment, less the preload itself.
clang_saw() {
    cat "$T"/rep/* 2>/dev/null | grep -aE '^(argc|argv|env)' |
        grep -av '^env=LD_PRELOAD=' || true
}

# Run "$@" plain, then with the shim; both must give the same status,
# output and clang argv/env (pids aside).
same() {
    rm -f "$T"/rep/*
    run --separate-stderr "$@"
    plain_status=$status plain_output=$output plain_stderr=$stderr
    plain_report=$(clang_saw)
    rm -f "$T"/rep/*
    run --separate-stderr with_shim "$@"
    shim_report=$(clang_saw)
    echo "plain: $plain_status [$plain_output] [$plain_stderr]"
    echo "shim:  $status [$output] [$stderr]"
    [ "$status" -eq "$plain_status" ]
    [ "$output" = "$plain_output" ]
    [ "$plain_report" = "$shim_report" ]
    # the same diagnostics, plus at most one line of ours
    [ "$(grep -v '^skcexec: ' <<<"$stderr")" = "$(grep -v '^skcexec: ' <<<"$plain_stderr")" ]
    [ "$(grep -c '^skcexec: ' <<<"$stderr")" -le 1 ]
}

@test "NULL argv" { same skc -p --null-argv clang++ in.ll; }
@test "empty argv" { same skc -p --empty-argv clang++ in.ll; }
@test "argv[0] NULL" { same skc -p --null-arg0 clang++ in.ll; }
@test "missing PATH: glibc's default path" {
    same env -u PATH "$T/bin/skc" -p clang++ -o out in.ll
}
@test "empty PATH: the current directory" {
    same env PATH= "$T/bin/skc" -p clang++ -o out in.ll
    cp "$T/bin/clang++" .
    same env PATH= "$T/bin/skc" -p clang++ -o out in.ll
}
@test "PATH with empty elements" {
    same env PATH="::$T/bin:" "$T/bin/skc" -p clang++ -o out in.ll
    cd "$T/bin"
    same env PATH="::/usr/bin" "$T/bin/skc" -p clang++ -o out "$T/in.ll"
}
@test "relative and absolute clang paths" {
    same skc bin/clang++ -o out in.ll
    same skc "$T/bin/clang++" -o out in.ll
    same skc ./nowhere/clang++ -o out in.ll
    same skc -p ./bin/clang++ -o out in.ll
}
@test "argv near ARG_MAX" {
    same skc -p --big-arg 120000 clang++ -o out in.ll     # one arg: MAX_ARG_STRLEN
    same skc -p --big-arg 2000000 clang++ -o out in.ll    # too big: E2BIG
}
@test "environment near ARG_MAX" {
    same skc -p --big-env 120000 clang++ -o out in.ll
    same skc -p --big-env 3000000 clang++ -o out in.ll
}
@test "non-UTF-8 bytes in argv and program names" {
    cp "$T/bin/clang++" "$T/bin/clang-$(printf '\377')"
    same skc -p clang++ -o "$(printf 'out\377\300')" "$(printf '\351\001')in.ll" in.ll
    same skc -p "clang-$(printf '\377')" -o out in.ll
}
@test "a caller whose executable was deleted is still a caller" {
    cp "$T/bin/skc" "$T/skc-copy"
    mkdir -p "$T/del"
    cp "$T/bin/skc" "$T/del/skc"
    SKCEXEC_VERBOSE=1 run --separate-stderr with_shim "$T/del/skc" --unlink-self -p clang++ -o out in.ll
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"skc replaced by clang++"* ]]
    [ ! -e "$T/del/skc" ]
}
@test "unreadable /proc: the shim steps aside" {
    [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null || skip "needs root and unshare"
    unshare -m true 2>/dev/null || skip "no mount namespaces here"
    hide='mount -t tmpfs none /proc && exec "$@"'
    same unshare -m sh -c "$hide" sh skc -p clang++ -o out in.ll
    SKCEXEC_VERBOSE=2 run --separate-stderr with_shim unshare -m sh -c "$hide" sh skc -p clang++ -o out in.ll
    [ "$status" -eq 0 ]
    [[ "$stderr" != *"replaced by"* ]]
}
