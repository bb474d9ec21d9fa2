#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# What the library costs a process that never spawns (cc1, sed, true: most
# of a build), counted, not timed: a trivial program under the library
# against the same program under an empty preloaded .so (what any preload
# costs).  Counts do not move with the machine's load, so a regression
# cannot hide behind a busy machine's times (bench/run.sh times it).
#
# What the counts stand for (for scale: a build of the library at +12.1k
# instructions, 60 KiB and an anonymous .bss mapping started ~10 us slower
# than the empty .so on a quiet machine):
#   - instructions (callgrind, the whole process: loader, constructor,
#     exit): relocations, symbol bindings, version checks, a NEEDED
#     dependency, constructors all show here;
#   - mmap calls: an anonymous region for .bss (a syscall, ~2 us here) is
#     one more; a segment more is one more too;
#   - minor faults and pages in memory: each page of the library a trivial
#     program touches costs a fault, and each page the kernel maps along
#     with it ("fault-around") a page-table entry to set up and tear down.
# Budgets: INSN_BUDGET instructions over the empty .so; no mmap call, no
# mapping and no minor fault more than it; at most RSS_BUDGET KiB of the
# library's own pages in memory (4 KiB pages).  Measured (Debian 12, glibc
# 2.36, x86_64): this library +6.0k instructions, 28 KiB, 2 faults fewer
# than the empty .so (it runs no code at all at start-up).
#
# Left out under `make asan` (mk/checks.mk: an instrumented library is
# another library), and skipped where valgrind, strace or /proc is
# missing, or under an emulator (each check says which).

load helpers

INSN_BUDGET=${INSN_BUDGET:-8000}
RSS_BUDGET=${RSS_BUDGET:-40}

setup_file() {
    : "${BUILD:?BUILD must point at the build directory (run via make test)}"
    local d="$BATS_FILE_TMPDIR" src="$BATS_TEST_DIRNAME/.."
    cc -O2 -o "$d/true" "$src/bench/true.c" &&
        cc -O2 -fPIC -shared -o "$d/empty.so" "$src/bench/empty.c" &&
        cc -O2 -o "$d/probe" "$src/tests/fixtures/startup_probe.c"
}

setup() {
    LIB="$BUILD/libskcexec.so"
    D="$BATS_FILE_TMPDIR"
    EMPTY="$D/empty.so"
}

# insns SO: the instructions callgrind counts for the trivial program
# preloaded with SO.
insns() {
    LD_PRELOAD=$1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$D/true" 2>&1 | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

# median 9 CMD...: the median of the number CMD prints, run 9 times.
median9() {
    local _
    for _ in 1 2 3 4 5 6 7 8 9; do "$@"; done | sort -n | sed -n 5p
}

# mapping SO KEY: KEY from startup_probe's maps line, run preloaded with SO.
mapping() {
    LD_PRELOAD=$1 "$D/probe" maps "$(basename "$1")" |
        sed -E -n "s/(^|.* )$2=([0-9]+).*/\2/p"
}

# minflt SO: the trivial program's minor faults, preloaded with SO.
minflt() {
    "$D/probe" faults "$1" "$D/true" | sed -n 's/^minflt=//p'
}

# mmaps SO: the mmap calls of the trivial program preloaded with SO.
mmaps() {
    LD_PRELOAD=$1 strace -qq -e trace=mmap -o "$D/strace.$$" "$D/true" &&
        grep -c '^mmap(' "$D/strace.$$"
}

@test "a trivial program: at most INSN_BUDGET instructions over the empty .so (callgrind)" {
    command -v valgrind >/dev/null || skip "no valgrind (apt-get install valgrind)"
    base=$(insns "$EMPTY")
    [ -n "$base" ] || skip "valgrind does not run here"
    lib=$(insns "$LIB")
    echo "instructions: empty .so $base, libskcexec $lib: +$((lib - base)) (budget +$INSN_BUDGET)"
    [ -n "$lib" ]
    [ $((lib - base)) -le "$INSN_BUDGET" ]
}

@test "the library's writable segment is all in the file: no anonymous mapping for .bss" {
    # The loader maps anonymous memory for a segment's memsz past the
    # page its file content ends on.
    run readelf -lW "$LIB"
    [ "$status" -eq 0 ]
    loads=0
    while read -r type _ vaddr _ filesz memsz _; do
        [ "$type" = LOAD ] || continue
        loads=$((loads + 1))
        fend=$(( (vaddr + filesz + 4095) / 4096 )) mend=$(( (vaddr + memsz + 4095) / 4096 ))
        echo "LOAD vaddr $vaddr filesz $filesz memsz $memsz: file pages end at $fend, memory at $mend"
        [ "$mend" -le "$fend" ]
    done <<<"$output"
    [ "$loads" -gt 0 ]
}

@test "the library needs nothing but libc (no ld.so dependency to resolve)" {
    run readelf -dW "$LIB"
    [ "$status" -eq 0 ]
    needed=$(echo "$output" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
    echo "NEEDED: $needed"
    [ "$needed" = "libc.so.6 " ]
}

@test "a trivial program: no mmap call more than under the empty .so (strace)" {
    command -v strace >/dev/null || skip "no strace (apt-get install strace)"
    base=$(mmaps "$EMPTY") || skip "strace does not run here"
    lib=$(mmaps "$LIB")
    echo "mmap calls: empty .so $base, libskcexec $lib"
    [ "$lib" -le "$base" ]
}

@test "a trivial program: no mapping or minor fault more than under the empty .so, at most RSS_BUDGET KiB of the library" {
    [ -r /proc/self/smaps ] || skip "no /proc/self/smaps"
    [ -z "${STRESS_EMULATED:-}" ] ||
        skip "under $STRESS_EMULATED, the mappings and faults are the emulator's"
    base_maps=$(mapping "$EMPTY" maps) lib_maps=$(mapping "$LIB" maps)
    base_own=$(mapping "$EMPTY" lib_maps) lib_own=$(mapping "$LIB" lib_maps)
    base_kib=$(mapping "$EMPTY" lib_rss_kib) lib_kib=$(mapping "$LIB" lib_rss_kib)
    base_minflt=$(median9 minflt "$EMPTY")
    lib_minflt=$(median9 minflt "$LIB")
    echo "mappings: empty .so $base_maps (its own $base_own), libskcexec $lib_maps (its own $lib_own)"
    echo "its own pages in memory: empty .so $base_kib KiB, libskcexec $lib_kib KiB (budget $RSS_BUDGET)"
    echo "minor faults (median of 9): empty .so $base_minflt, libskcexec $lib_minflt"
    [ -n "$base_maps" ] && [ -n "$lib_maps" ] && [ -n "$base_minflt" ] && [ -n "$lib_minflt" ]
    [ "$lib_maps" -le "$base_maps" ]
    [ "$lib_own" -le "$base_own" ]
    [ "$lib_minflt" -le "$base_minflt" ]
    [ "$(getconf PAGESIZE)" != 4096 ] || [ "$lib_kib" -le "$RSS_BUDGET" ]
}
