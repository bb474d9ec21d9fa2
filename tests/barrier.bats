#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The IR barrier's blind spots.  An exec in place ends every other thread
# of skc wherever it is; the barrier only looks for descriptors open for
# writing on the files in clang's argv.  A thread writing through a shared
# mapping, or writing another file, is not seen, and dies mid-write.  And
# the barrier must only count the files clang reads: the -o output open
# in skc is no reason to refuse.
#
# skc is state_caller: a thread of it writes a file (the IR through a
# MAP_SHARED mapping, or deps.d by write()), and skc posix_spawnp's clang
# once the thread has begun, waits, joins the thread, and exits with
# clang's status.  The fake clang (state_probe) waits (up to 5 s) for the
# IR to be complete and says whether it ever was.

load helpers

setup() {
    setup_fixtures
    setup_state_fixtures
}

# The probe's report, then whether the files the threads wrote are whole
# on disk once the run is over.
observe_extra() {
    probe_facts "$1"
    local f tail
    for f in x.ll deps.d; do
        [ -e "$1/$f" ] || continue
        tail=$(tail -c 13 "$1/$f" | tr -d '\0')
        case $tail in
            "; skc-ir-end" | *"# deps-end") echo "$f on disk: complete" ;;
            *) echo "$f on disk: partial" ;;
        esac
    done
}

@test "barrier: a thread writing the IR through a shared mapping finishes it" {
    export STATE_PROBE_IR_WAIT_MS=5000
    same_without_and_with_shim timeout 60 skc posix_spawnp p:thread=ir-mmap
    plain_says "ir x.ll: complete"
    plain_says "x.ll on disk: complete"
}

@test "barrier: a thread writing a file clang is not given (deps.d) finishes it" {
    same_without_and_with_shim timeout 60 skc posix_spawnp p:thread=side-file
    plain_says "deps.d on disk: complete"
}

# The one test here that wants the library to act: only the files clang
# reads count, and `out` is its output.
@test "barrier: clang's -o output open for writing in skc does not stop the exec" {
    run --separate-stderr with_shim timeout 60 skc posix_spawnp p:hold-out-open
    echo "status $status, stdout: $output, stderr: $stderr"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    grep -qx "pid: self" "$STATE_PROBE_REPORT"
}
