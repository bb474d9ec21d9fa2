#!/bin/bash
# SPDX-License-Identifier: MIT
# check_lint.sh - static checks (`make lint`, or one of `make cppcheck`,
# `make clang-tidy`, `make shellcheck`).
#
# usage: tools/check_lint.sh [cppcheck] [clang-tidy] [shellcheck]   (default: all)
#   JOBS  parallel clang-tidy processes (default: nproc)
#
# Each tool prints its findings as FILE:LINE: ... and one summary line;
# the exit status is non-zero if any tool found anything.
set -u
cd "$(dirname "$0")/.." || exit 1
shopt -s nullglob

c_shim=(shim/*.c)
c_test=(tests/unit/*.c tests/fixtures/*.c tests/fuzz/*.c tests/faults/*.c
        cmd/*.c bench/*.c)
# Shell: scripts, the bats helper, the CI entry point (bash); the shipped
# and contrib scripts in the dialect their #! line names; the bats files are
# checked after turning each `@test "..." {` into a function header.
sh_files=(tools/*.sh tests/*.bash tests/*/*.sh .ci/run)
sh_own_dialect=(cmd/*.in contrib/*.sh contrib/*/*.sh packaging/*/*.sh bench/*.sh)
bats_files=(tests/*.bats tests/*/*.bats)

run_cppcheck() {
    # -D: the configuration the library is built in (x86_64 Linux, GCC);
    # without them cppcheck tries every #ifdef combination, twice as slow.
    # Findings that are not defects are listed, with reasons, in
    # mk/cppcheck.supp.
    local out
    out=$(cppcheck -q --enable=warning,style,performance,portability \
        --inline-suppr --std=c11 -D_GNU_SOURCE -D__linux__ -D__x86_64__ \
        -D__GNUC__ -I shim --suppressions-list=mk/cppcheck.supp \
        --template='{file}:{line}: {severity}: {message} [{id}]' \
        "${c_shim[@]}" "${c_test[@]}" 2>&1)
    local n
    n=$(printf '%s' "$out" | grep -c ': \(error\|warning\|style\|performance\|portability\):')
    [ -n "$out" ] && printf '%s\n' "$out"
    echo "lint: cppcheck: $n findings"
    [ "$n" -eq 0 ] && [ -z "$out" ]
}

# For the test programs and tools only (see .clang-tidy for the rest):
#   clang-analyzer-core.NonNullParamChecker  fixtures pass NULL argv/paths
#       to the wrapped functions on purpose (the shim must cope).
#   clang-analyzer-unix.Malloc  leaks in short-lived test programs.
#   clang-analyzer-unix.Vfork  the fixtures' vfork children store errno.
#   clang-analyzer-deadcode.DeadStores  `w = write(...)` kept only to
#       silence warn_unused_result in dying children.
#   cert-err34-c  atoi on command-line options of test programs.
#   misc-no-recursion  the profiler walks a process tree recursively.
#   bugprone-suspicious-string-compare  the `!strcmp(a, b)` idiom.
#   performance-no-int-to-ptr  thread arguments passed as (void *)(long)i.
# and, from newer clang-tidy (19):
#   bugprone-unsafe-functions, cert-msc24-c, cert-msc33-c  the fixtures call
#       vfork on purpose (the shim wraps it) and rewind their own files.
#   bugprone-suspicious-realloc-usage, clang-analyzer-unix.Stream,
#   clang-analyzer-unix.Errno  a failing realloc or read of a fixture's own
#       input file ends in die(); errno is not checked between them.
#   clang-analyzer-optin.taint.TaintedAlloc  fixtures size their memory
#       from the test's FAKECLANG_ALLOC_MB and the like, on purpose.
CLANG_TIDY_TEST_EXCLUDE='-clang-analyzer-core.NonNullParamChecker,-clang-analyzer-unix.Malloc,-clang-analyzer-unix.Vfork,-clang-analyzer-deadcode.DeadStores,-cert-err34-c,-misc-no-recursion,-bugprone-suspicious-string-compare,-performance-no-int-to-ptr,-bugprone-unsafe-functions,-cert-msc24-c,-cert-msc33-c,-bugprone-suspicious-realloc-usage,-clang-analyzer-unix.Stream,-clang-analyzer-unix.Errno,-clang-analyzer-optin.taint.TaintedAlloc'

run_clang_tidy() {
    # One process per file, JOBS at a time; each file with the flags it is
    # built with.  "N warnings generated" (stderr) is noise.
    local jobs=${JOBS:-$(nproc)} out
    out=$( {
        printf '%s\n' "${c_shim[@]}" | xargs -P "$jobs" -I{} \
            clang-tidy --quiet {} -- -std=c11 -D_GNU_SOURCE -Ishim -Wall -Wextra
        printf '%s\n' "${c_test[@]}" | xargs -P "$jobs" -I{} \
            clang-tidy --quiet --checks="$CLANG_TIDY_TEST_EXCLUDE" {} -- \
            -std=c11 -D_GNU_SOURCE -Ishim -Wall -Wextra -pthread
    } 2>&1 | grep -vE '^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? generated\.$|^Error while processing ' |
        # a finding in a header shows once per file including it: keep one
        awk '/^[^ ].*:[0-9]+:[0-9]+: (warning|error):/ { skip = seen[$0]++ }
             !skip' )
    local n
    n=$(printf '%s' "$out" | grep -cE '^[^ ].*:[0-9]+:[0-9]+: (warning|error):')
    [ -n "$out" ] && printf '%s\n' "$out" | sed "s|$PWD/||"
    echo "lint: clang-tidy: $n findings"
    [ "$n" -eq 0 ]
}

# SC2015 (`A && B || C` is not if-then-else): every use here means "C when
#   A or B fails" (apt-get update && install || fail; [ ] && rmdir || true).
SC_EXCLUDE=SC2015
# Bats files only: tests run under `set -e`, so a failing cd fails the test
# (SC2164); `done` is a file name argument there (--done-file done), not
# the keyword (SC1010).
SC_BATS_EXCLUDE=SC2164,SC1010

run_shellcheck() {
    local out rc=0 tmp f
    out=$(shellcheck -x -s bash -f gcc -e "$SC_EXCLUDE" "${sh_files[@]}" 2>&1) || rc=1
    if [ "${#sh_own_dialect[@]}" -gt 0 ]; then
        out+=$(shellcheck -x -f gcc -e "$SC_EXCLUDE" "${sh_own_dialect[@]}" 2>&1) || rc=1
    fi
    # bats: `@test "name" {` -> `bats_test_LINE() {` (same line numbers),
    # called at the end as bats calls them, after declaring the variables
    # `run` sets (so they count as assigned).
    tmp=$(mktemp -d) || return 1
    for f in "${bats_files[@]}"; do
        awk '
            /^@test / {
                if (sub(/^@test +("([^"\\]|\\.)*"|\047[^\047]*\047) +\{/,
                        "bats_test_" NR "() {"))
                    t[++n] = NR
            }
            { print }
            END {
                print "# shellcheck disable=SC2034"
                print "status=0 output=\"\" stderr=\"\" lines=() stderr_lines=()"
                for (i = 1; i <= n; i++) print "bats_test_" t[i]
            }' "$f" >"$tmp/${f##*/}"
        out+=$'\n'$(cd "$tmp" && shellcheck -s bash -f gcc -e "$SC_EXCLUDE,$SC_BATS_EXCLUDE" \
            "${f##*/}" 2>&1 |
            sed "s|^|${f%/*}/|")
    done
    rm -rf "$tmp"
    out=$(printf '%s\n' "$out" | grep -v '^\(tests/\([^:/]*/\)\?\)\?$')
    local n
    n=$(printf '%s' "$out" | grep -c ':[0-9]*:[0-9]*: ')
    [ -n "$out" ] && printf '%s\n' "$out"
    echo "lint: shellcheck: $n findings ($((${#sh_files[@]} + ${#sh_own_dialect[@]})) scripts, ${#bats_files[@]} bats files)"
    [ "$n" -eq 0 ] && [ "$rc" -eq 0 ]
}

[ "$#" -gt 0 ] || set -- cppcheck clang-tidy shellcheck
status=0
for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "lint: $tool: not installed"; status=1; continue; }
    start=$SECONDS
    case $tool in
    cppcheck) run_cppcheck ;;
    clang-tidy) run_clang_tidy ;;
    shellcheck) run_shellcheck ;;
    *) echo "lint: unknown tool $tool" >&2; false ;;
    esac || status=1
    echo "lint: $tool took $((SECONDS - start)) s"
done
exit "$status"
