#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The documents say what the code does: skcexec(1) lists every option of
# the table clang's arguments are judged by (shim/clang_args.c); `make
# help` lists every .PHONY target of the make files, and every target the
# README and docs/ mention; every path of the tree they name exists.

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

# The paths of this tree that README.md and docs/*.md name, in backquotes
# or as links: "shim/...", "tests/...", ..., or "docs/x.md", "x.md" (from
# within docs/).
named_paths() {   # $1: a document
    local doc=$1 dir
    dir=$(dirname "$doc")
    # shellcheck disable=SC2016 # backquotes, not a command substitution
    grep -o '`[^` ]*`' "$doc" | tr -d '`' |
        grep -E '^(\.ci|bench|cmd|contrib|docs|man|mk|packaging|shim|tests|tools)/[A-Za-z0-9_.*/+-]*$' |
        sed 's|^|./|'
    grep -oE '\]\([^)#]+' "$doc" | sed 's/^](//' | grep -v '^[a-z]*:' |
        while read -r link; do echo "$dir/$link"; done
}

@test "every path README.md and docs/ name exists" {
    local repo=$BATS_TEST_DIRNAME/.. missing=0 doc p
    cd "$repo" || return 1
    for doc in README.md docs/*.md; do
        while read -r p; do
            # shellcheck disable=SC2086 # a glob ("shim/vfork_*.S") may match
            if ! compgen -G "$p" >/dev/null; then
                echo "$doc names $p, which does not exist"
                missing=$((missing + 1))
            fi
        done < <(named_paths "$doc" | sort -u)
    done
    [ "$missing" -eq 0 ]
}

@test "every make target README.md and docs/ mention is in make help" {
    local repo=$BATS_TEST_DIRNAME/..
    run env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory \
        -C "$repo" BUILD="$BATS_TEST_TMPDIR/b" DEPS=0 help
    [ "$status" -eq 0 ]
    listed=$(printf '%s\n' "${lines[@]}" | sed -n 's/^  \([^ ]*\)  *[^ ].*/\1/p')
    mentioned=$(cd "$repo" && cat README.md docs/*.md |
                grep -oE '`make [a-z][a-z0-9-]*' | sed 's/^`make //' | sort -u)
    [ -n "$mentioned" ]
    missing=0
    for t in $mentioned; do
        if ! grep -qx -- "$t" <<<"$listed"; then
            echo "mentioned but not in make help: make $t"
            missing=$((missing + 1))
        fi
    done
    [ "$missing" -eq 0 ]
}
