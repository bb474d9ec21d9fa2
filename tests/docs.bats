#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The documents say what the code does: skcexec(1) lists every option of
# the table clang's arguments are judged by (shim/clang_args.c).

load helpers

@test "skcexec(1) lists every option of clang's allow-list" {
    [ -x "$BUILD/unit/unit_clang_args" ] || skip "unit_clang_args not built"
    page=$(MANWIDTH=200 man -l "$BATS_TEST_DIRNAME/../man/skcexec.1" 2>/dev/null |
        sed -n '/When the library acts/,/EXIT STATUS/p')
    [ -n "$page" ]
    missing=0
    while read -r name; do
        # An option name appears as a word of the list, alone or with its
        # value joined ("-lLIB", "-O2").
        if ! grep -qE -- "(^|[[:space:]])$(printf '%s' "$name" | sed 's/[][\.*^$+?(){}|/]/\\&/g')" <<<"$page"; then
            echo "not in skcexec(1): $name"
            missing=$((missing + 1))
        fi
    done < <("$BUILD/unit/unit_clang_args" --names)
    [ "$missing" -eq 0 ]
}
