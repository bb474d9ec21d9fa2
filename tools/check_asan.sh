#!/bin/bash
# SPDX-License-Identifier: MIT
# check_asan.sh - the bats tests against the ASan+UBSan build (`make asan`).
#
# usage: BUILD=DIR ASAN_RT=LIBASAN tools/check_asan.sh FILE.bats...
#   BUILD            the instrumented build tree (absolute path)
#   ASAN_RT          the ASan runtime; preloaded first, then the library,
#                    into every process a test runs under the shim
#   ASAN_SKIP_TESTS  names of tests to leave out, one per line (default:
#                    the list below); tests tagged `no-asan` are left out too
#
# Fails when bats fails or a sanitizer report shows up anywhere: in the bats
# output, in $BUILD/sanitizer-logs (ASan writes its reports there too, so a
# report from a process whose stderr a test redirects is still seen), or in
# a file under the tests' temporary directories (GCC's separate libubsan
# ignores log_path: a UBSan report goes to stderr, wherever a test sent it).
set -u
: "${BUILD:?BUILD must be the ASan build directory}"
: "${ASAN_RT:?ASAN_RT must be the path of libasan.so}"
[ "$#" -gt 0 ] || { echo "usage: $0 FILE.bats..." >&2; exit 2; }

default_skip=(
    # libasan's posix_spawn interceptor is unversioned: it captures the
    # program's posix_spawn@GLIBC_2.2.5 binding and calls the default
    # version (no /bin/sh fallback), with or without libskcexec.
    "a program bound to the old posix_spawn@GLIBC_2.2.5 reaches libc's compat code"
    # 500 forks of an instrumented process: ~110 s per run, twice (with and
    # without the shim), and the test's 120 s limit is hit.
    "forking while other threads hold the file-actions lock"
    # /proc hidden: ASan reads its options from /proc/self/environ before
    # libc is up, so it runs with its defaults (leak detection on), and
    # LeakSanitizer then dies at exit for want of /proc/PID/task, with or
    # without libskcexec.
    "unreadable /proc: the shim steps aside"
    # The expected result is glibc's own SIGSEGV in __spawnix (it reads
    # argv[0]), with or without the shim; under ASan that is a SEGV report.
    "NULL argv"
)
if [ -n "${ASAN_SKIP_TESTS+set}" ]; then
    mapfile -t skip <<<"$ASAN_SKIP_TESTS"
else
    skip=("${default_skip[@]}")
fi

# bats can only select tests (--filter REGEX): select every test of the
# given files but the skipped ones, by exact name.
filter=()
left_out=0
if [ "${#skip[@]}" -gt 0 ]; then
    alts=()
    while IFS= read -r name; do
        for s in "${skip[@]}"; do
            [ "$name" = "$s" ] && { left_out=$((left_out + 1)); continue 2; }
        done
        # escape the ERE metacharacters
        alts+=("$(printf '%s' "$name" | sed 's/[][\\^$.|?*+(){}]/\\&/g')")
    done < <(sed -n "s/^@test [\"']\(.*\)[\"'] {.*/\1/p" "$@")
    if [ "$left_out" -gt 0 ]; then
        filter=(--filter "^($(IFS='|'; echo "${alts[*]}"))\$")
    fi
fi

logs="$BUILD/sanitizer-logs"
tmp="$BUILD/bats-tmp"
rm -rf "$logs" "$tmp" && mkdir -p "$logs" "$tmp" || exit 1
out="$BUILD/bats.log"

# detect_leaks=0: every preloaded process (bash, sh, make...) would report
# its own leaks.  verify_asan_link_order=0: tests/coexist.bats puts another
# preload library before the runtime.  exitcode 66: a sanitizer death is
# told apart from a test program's own statuses.
export SHIM_PRELOAD="$ASAN_RT $BUILD/libskcexec.so"
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=0:exitcode=66:verify_asan_link_order=0:log_path=$logs/asan"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=0:exitcode=66:print_stacktrace=1:log_path=$logs/ubsan"

start=$SECONDS
TMPDIR="$tmp" bats --tap --print-output-on-failure --no-tempdir-cleanup \
    --filter-tags '!no-asan' "${filter[@]}" "$@" >"$out" 2>&1
rc=$?
# bats says where it left its temporary directory: not a test line
grep -v '^BATS_RUN_TMPDIR: ' "$out"

re='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|Sanitizer CHECK failed|ERROR: [A-Za-z]*Sanitizer'
in_output=$(grep -cE "$re" "$out")
files=("$logs"/*)
[ -e "${files[0]}" ] || files=()
while IFS= read -r f; do files+=("$f"); done < <(grep -rlIE "$re" "$tmp")
for f in "${files[@]}"; do
    echo "=== sanitizer report in $f"
    grep -A40 -E "$re" "$f" | head -n 80
done
rm -rf "$tmp"
read -r passed failed skipped < <(bash "$(dirname "$0")/tap_count.sh" "$out")
echo "asan: bats $passed passed, $failed failed, $skipped skipped," \
     "$left_out left out; sanitizer reports: ${#files[@]} files," \
     "$in_output lines in the output ($((SECONDS - start)) s)"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "${#files[@]}" -eq 0 ] &&
    [ "$in_output" -eq 0 ]
