#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh - fault injection over every libc call the shim makes (make faults).
#
# For each point (tests/faults/fault.c) and each scenario, fail the 1st call
# at that point, then the 2nd, ... until a run no longer reaches it.  Every
# run must still end as without the shim: status 0, clang ran on the whole
# IR, the same output.  Prints a table of points x outcomes:
#   in place  the fault hit a call the shim could do without, or was undone
#             and retried on another path;
#   spawned   the shim fell back to the real call;
#   FAILED    anything else (the run breaks the build).
set -u
: "${BUILD:?run through make faults}"
LIB="$BUILD/faults/libskcexec.so"
POINTS="open openat read getdents fstat fstatat faccessat fcntl dup2 chdir
        fchdir socketpair sendmsg send recvmsg poll readlink execve alloc
        stat mmap getrlimit sigpending waitid prctl fstatfs getitimer
        sigaction"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/rep" "$T/pkg"
cp "$BUILD/fixtures/fake_clang" "$T/bin/clang++"
cp "$BUILD/fixtures/fake_clang" "$T/bin/llvm-config"
mkdir -p "$T/spawn" "$T/exec"
cp "$BUILD/fixtures/skc" "$T/spawn/skc"
cp "$BUILD/fixtures/exec_caller" "$T/exec/skc"
cp "$BUILD/fixtures/spawn_probe" "$T/bin/probe"
export PATH="$T/bin:$PATH" FAKECLANG_REPORT_DIR="$T/rep"
export SKCEXEC_FORK_WAIT_MS=10000
# clang writes a diagnostic: in place it must reach the caller's stderr (a
# capture pipe replayed without its reader would kill it with SIGPIPE).
export FAKECLANG_STDERR="note: from clang"
cd "$T" || exit 1

scenario() {    # $1: name -> the command line
    case $1 in
    spawn)    echo "$T/spawn/skc --pre-tool llvm-config -o out --pidfile pid --stdout-msg hi" ;;
    env-C)    echo "$T/spawn/skc --env-C $T/pkg -o $T/out --pidfile pid --stdout-msg hi" ;;
    fork)     echo "$T/exec/skc --via fork-execvp -o out --pidfile pid --stdout-msg hi" ;;
    vfork)    echo "$T/exec/skc --via vfork-execv -o out --pidfile pid --stdout-msg hi" ;;
    system)   echo "$T/exec/skc --via system -o out --pidfile pid --stdout-msg hi" ;;
    esac
}

# Calls are counted per process (fault.c).  The paths that fork run shim
# code in the child too (the handover offer): its faults get their own pass
# ("child"), so a fault the parent takes first cannot mask them.
where_list() {  # $1: scenario -> the processes to fault in
    case $1 in
    fork | vfork | system) echo "parent child" ;;
    *) echo parent ;;
    esac
}

failed=0
printf '%-11s %-7s %-6s %6s %9s %8s %7s\n' point path in faults "in place" \
    spawned FAILED
for point in $POINTS; do
    for sc in spawn env-C fork vfork system; do
      for where in $(where_list "$sc"); do
        inplace=0 spawned=0 bad=0 n=0
        while [ "$n" -lt 80 ]; do
            n=$((n + 1))
            rm -f "$T"/rep/* fired out.txt
            # shellcheck disable=SC2046 # the scenario is a word list
            SKCEXEC_FAULT="$point:$n" SKCEXEC_FAULT_IN="$where" \
                SKCEXEC_FAULT_LOG="$T/fired" \
                LD_PRELOAD="$LIB" timeout 60 $(scenario "$sc") >out.txt 2>err.txt
            status=$?
            [ -s fired ] || break                   # never reached: done
            r=""
            for f in "$T"/rep/clang++.*; do [ -e "$f" ] && r=$f; done
            if [ "$status" -ne 0 ] || [ -z "$r" ] ||
               ! grep -q "complete=1" "$r" || [ "$(cat out.txt)" != hi ]; then
                bad=$((bad + 1))
                echo "FAILED: $point:$n in $sc ($where): status $status: $(head -c 300 err.txt)" >&2
            elif grep -qx "pid=$(cat pid)" "$r"; then
                if grep -q "note: from clang" err.txt; then
                    inplace=$((inplace + 1))
                else
                    bad=$((bad + 1))
                    echo "FAILED: $point:$n in $sc ($where): clang's stderr lost" >&2
                fi
            else
                spawned=$((spawned + 1))
            fi
        done
        faults=$((n - 1))
        [ "$faults" -eq 0 ] && continue
        printf '%-11s %-7s %-6s %6d %9d %8d %7d\n' "$point" "$sc" "$where" \
            "$faults" "$inplace" "$spawned" "$bad"
        failed=$((failed + bad))
      done
    done
done

# In a process that is not a caller, the only calls are the constructor's
# (readlink) and the symbol lookups: a fault there must change nothing.
probe_plain=$(probe true 2>&1)
for point in readlink open alloc; do
    rm -f fired
    got=$(SKCEXEC_FAULT="$point:1" SKCEXEC_FAULT_ANY=1 SKCEXEC_FAULT_LOG="$T/fired" \
          LD_PRELOAD="$LIB" probe true 2>&1)
    if [ "$got" != "$probe_plain" ]; then
        echo "FAILED: $point:1 in a non-caller changed its behaviour" >&2
        failed=$((failed + 1))
    fi
done
echo "faults: $failed failed"
[ "$failed" -eq 0 ]
