#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# system(cmd) in a caller must behave as system(): glibc's runs `sh -c
# cmd`, and sh stays the command's parent, reports how it ended, and reads
# a leading - or + as its own options.  skc is system_caller: it writes
# x.ll (--ir), runs system(CMD) and exits with what system() returned (its
# exit status, or 128 + the signal), printing nothing itself.  The fake clang
# is state_probe (it can kill itself with a signal).  Same status and
# output without and with the library; the run without it must show the
# shell's part.  Time limits only turn a hang into a failure.

load helpers

setup() {
    setup_fixtures
    setup_state_fixtures
    cp "$BUILD/fixtures/system_caller" "$T/bin/skc"
}

# A clang killed by a signal: dash says so ("Terminated") and exits
# 128 + N, which system() returns; skc hands it on as its exit status.
# skargo shows the difference an exit and a signal make to a build tool.
@test "system(): a clang killed by a signal is reported by sh, skc exits 143" {
    export STATE_PROBE_RAISE=15
    same_without_and_with_shim timeout 60 skargo -- --ir x.ll "clang++ -O2 -o out x.ll"
    plain_says "error: process did not exit successfully: \`skc\` (exit status: 143)"
    plain_says "Terminated"
}

# sh -c '-x/clang++ x.ll': sh takes the command for options and fails.
# A glibc whose system() ends sh's options with "--" (Debian 13's) runs
# the command: then only the comparison is left.
@test "system(): a command starting with '-' is sh's option, not clang" {
    mkdir -p "$T/lead/-x"
    cp "$T/bin/clang++" "$T/lead/-x/clang++"
    # shellcheck disable=SC2016 # expanded by bash -c
    same_without_and_with_shim timeout 60 bash -c \
        'cp -r "$0"/-x . && exec skc --ir x.ll "-x/clang++ x.ll"' "$T/lead"
    # shellcheck disable=SC2154 # $plain: set by same_without_and_with_shim
    if grep -qx "status=0" <<<"$plain"; then
        skip "this glibc's system() passes '--' to sh: no option to misread"
    fi
    plain_says "status=2"
    plain_says "sh: 0: Illegal option -/"
}

# A clang++ that exists but cannot start (a script whose #! interpreter
# is missing): sh's own message.
@test "system(): a clang++ whose interpreter is missing fails with sh's message" {
    mkdir -p "$T/lead/badbin"
    printf '#!/nonexistent/interpreter\n' >"$T/lead/badbin/clang++"
    chmod +x "$T/lead/badbin/clang++"
    # shellcheck disable=SC2016 # expanded by bash -c
    same_without_and_with_shim timeout 60 bash -c \
        'cp -r "$0"/badbin . && exec skc --ir x.ll "badbin/clang++ -O2 -o out x.ll"' "$T/lead"
    plain_says "status=127"
    plain_says "sh: 1: badbin/clang++: not found"
}
