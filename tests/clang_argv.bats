#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# Only a compile-and-link of the IR is skc's last act.  Any clang argv that
# does not link (a compile, a preprocess, a dependency list, a version or
# search-path query, a dry run) may be followed by more work, so skc must
# go on after it.  skc is spawn_argv: posix_spawnp of the given argv (with
# an IR operand, as the library wants), then one line once clang is done;
# that line must be there with the library too.  The fake clang is
# fake_clang.  Time limits only turn a hang into a failure.

load helpers

setup() {
    setup_fixtures
    cp "$BUILD/fixtures/spawn_argv" "$T/bin/skc"
}

# skc runs `clang++ ARGS...` and prints a line after it.
goes_on_after() {
    same_without_and_with_shim timeout 60 skc -p --after "skc: after clang" clang++ "$@"
    plain_says "skc: after clang"
}

@test "clang --compile: skc goes on after it" {
    goes_on_after --compile x.ll -o x.o
}

@test "clang --assemble: skc goes on after it" {
    goes_on_after --assemble x.ll -o x.s
}

@test "clang --preprocess: skc goes on after it" {
    goes_on_after --preprocess x.ll
}

@test "clang --analyze: skc goes on after it" {
    goes_on_after --analyze x.ll
}

@test "clang -M: skc goes on after it" {
    goes_on_after -M x.ll
}

@test "clang -MM: skc goes on after it" {
    goes_on_after -MM x.ll
}

@test "clang --version: skc goes on after it" {
    goes_on_after --version x.ll
}

@test "clang -print-search-dirs: skc goes on after it" {
    goes_on_after -print-search-dirs x.ll
}

@test "clang -print-file-name=libc.so: skc goes on after it" {
    goes_on_after -print-file-name=libc.so x.ll
}

@test "clang -print-prog-name=ld: skc goes on after it" {
    goes_on_after -print-prog-name=ld x.ll
}

@test "clang -dumpversion: skc goes on after it" {
    goes_on_after -dumpversion x.ll
}

@test "clang -### (a dry run): skc goes on after it" {
    goes_on_after '-###' x.ll -o out
}
