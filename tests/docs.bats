#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The documents say what the code does: skcexec(1) lists every option of
# the table clang's arguments are judged by (shim/clang_args.c), and `make
# help` lists every .PHONY target of the make files.

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

@test "make help: one line for every .PHONY target, and only for those" {
    local repo=$BATS_TEST_DIRNAME/..
    # make's database (-p) without running anything (-q), in this test's
    # own environment rather than that of a make running the tests
    phony=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$repo" -pq \
                BUILD="$BATS_TEST_TMPDIR/b" DEPS=0 help 2>/dev/null |
            sed -n 's/^\.PHONY: //p' | tr ' ' '\n' | sed '/^$/d' | sort)
    [ -n "$phony" ]
    run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
        -C "$repo" BUILD="$BATS_TEST_TMPDIR/b" DEPS=0 help
    [ "$status" -eq 0 ]
    listed=$(printf '%s\n' "${lines[@]}" | sed -n 's/^  \([^ ]*\)  *[^ ].*/\1/p' | sort)
    diff <(echo "$phony") <(echo "$listed")
    # each target once
    [ -z "$(uniq -d <<<"$listed")" ]
}
