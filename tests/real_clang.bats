#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# With the real clang++: the fake skc's IR is compiled and linked in place.

load helpers

setup() {
    REAL_CLANG=$(command -v clang++ || true)
    setup_fixtures
    [ -n "$REAL_CLANG" ] || skip "no clang++ on PATH"
    # Make sure the real one is used, not the fake on our PATH.
    [ "$REAL_CLANG" != "$T/bin/clang++" ]
}

@test "real clang++ links skc's IR in place; the program runs" {
    SKCEXEC_VERBOSE=1 run --separate-stderr with_shim skc -o "$T/prog" \
        --clang "$REAL_CLANG" --pidfile skc.pid
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"pid $(cat skc.pid): skc replaced by clang++"* ]]
    [ -x "$T/prog" ]
    run "$T/prog"
    [ "$status" -eq 0 ]
}

@test "real clang++ under env -C with a relative IR path" {
    mkdir -p "$T/pkg/target"
    cd "$T/pkg"
    SKCEXEC_VERBOSE=1 run --separate-stderr with_shim skc -o target/prog \
        --env-C "$T/pkg" --clang "$REAL_CLANG"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"replaced by clang++"* ]]
    run "$T/pkg/target/prog"
    [ "$status" -eq 0 ]
}

@test "real clang++ rejecting the IR: its diagnostics and status pass through" {
    printf 'define i32 @main() {\n  ret i64 0\n}\n; skc-ir-end\n' > bad.ll
    run --separate-stderr with_shim skc -o "$T/prog" --ir bad.ll \
        --clang "$REAL_CLANG"
    [ "$status" -ne 0 ]
    [[ "$stderr" == *"error:"* ]]
    [ ! -e "$T/prog" ]
}
