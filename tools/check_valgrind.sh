#!/bin/bash
# SPDX-License-Identifier: MIT
# check_valgrind.sh - the shim's active paths under valgrind's memcheck
# (`make valgrind`).  Each run starts a fixture under valgrind with the
# library preloaded, checks it did what the bats tests expect (exit status;
# clang in the caller's pid, or as its child), and fails on any memcheck
# report.  One summary line per run.
#
# usage: BUILD=DIR tools/check_valgrind.sh        (DIR: absolute build dir)
#
# How valgrind sees the in-place exec: valgrind keeps a pipe of its own
# open, close-on-exec, in every program, and the library cannot know that
# nobody else holds it (docs/process-state.md, descriptors): so every
# in-place exec is undone at its very last step, after the decision, the
# barrier, the checks, the replay (and, for a fork, the handover), and
# clang then runs as a child.  Those runs ("undone") check that reason,
# with SKCEXEC_VERBOSE=2: everything but the execve ran under memcheck,
# and forked children (the handover's) are always followed.
# --trace-children=yes would also run the exec'd programs under valgrind,
# but then a failing execve (a script with a missing interpreter, an ELOOP
# path) no longer fails the way the kernel fails it: valgrind's own loader
# exits 126/127 instead of returning to the caller, which breaks exactly
# the fail-open paths checked here.  Errors are written when found, before
# any exec, so --error-exitcode (it applies only when the valgrind'd
# process itself exits) is not enough: every process logs to one file
# opened with O_APPEND (--log-fd; lines prefixed with the pid; -q leaves
# only errors) and any valgrind line, there or on stderr, fails the run.
set -u
: "${BUILD:?BUILD must be the (absolute) build directory}"
LIB="$BUILD/libskcexec.so"
for f in "$LIB" "$BUILD"/fixtures/{skc,skargo,fake_clang,exec_caller,spawn_probe}; do
    [ -e "$f" ] || { echo "valgrind: missing $f (run make first)" >&2; exit 2; }
done
command -v valgrind >/dev/null || { echo "valgrind: not installed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/skcexec-vg.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
cp "$BUILD/fixtures/skc" "$BUILD/fixtures/skargo" "$work/bin/"
for tool in clang++ clang clang-19 llvm-config llvm-ar opt; do
    cp "$BUILD/fixtures/fake_clang" "$work/bin/$tool"
done
cp "$BUILD/fixtures/exec_caller" "$work/exec_caller"
cp "$BUILD/fixtures/spawn_probe" "$work/bin/probe"
cp "$BUILD/fixtures/spawn_probe" "$work/probe_skc"
export PATH="$work/bin:$PATH"
unset "${!SKCEXEC_@}"
# Valgrind is ~20x slower: the parent's wait for a forked child's first
# exec must not run out (the tests do the same).
export SKCEXEC_FORK_WAIT_MS=20000

VG=(valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --trace-children=no --track-origins=yes --num-callers=30
    --suppressions="$(cd "$(dirname "$0")/.." && pwd)/mk/valgrind.supp")

total=0 failed=0

# run NAME WANT_STATUS EXPECT -- CMD...
#   WANT_STATUS: a number, or "same": CMD runs first under valgrind without
#   the shim, in a directory of its own; status and stdout must be the same
#   (valgrind itself changes some of libc's answers: its posix_spawn child
#   is a fork, so a failing child exits 127 instead of returning an error).
#   EXPECT: inplace (clang ran in the caller's pid), child (clang, or the
#   program named by $REPORT, ran as the caller's child), undone (the
#   in-place exec ran to its last step and was undone, for valgrind's own
#   pipe: see above), any (no check).
run() {
    local name=$1 want=$2 expect=$3
    shift 4
    local d="$work/run/$name"
    mkdir -p "$d/rep"
    local log="$d/valgrind.log"
    : >"$log"
    local start=$SECONDS status
    local same=""
    if [ "$want" = same ]; then
        same=$d.plain
        mkdir -p "$same/rep"
        ( cd "$same" && FAKECLANG_REPORT_DIR="$same/rep" \
            "${VG[@]}" "$@" ) >"$same/stdout" 2>/dev/null
        want=$?
    fi
    (
        cd "$d" || exit 1
        exec 9>>"$log"
        if [ "$expect" = undone ]; then
            export SKCEXEC_VERBOSE=2
        fi
        FAKECLANG_REPORT_DIR="$d/rep" LD_PRELOAD="$LIB" \
            "${VG[@]}" --log-fd=9 "$@" >"$d/stdout" 2>"$d/stderr"
    )
    status=$?
    local errors why=""
    errors=$(cat "$log" "$d/stderr" | grep -c '^==[0-9]*== ')
    [ "$status" -eq "$want" ] || why="status $status, expected $want"
    if [ -n "$same" ] && ! diff -u "$same/stdout" "$d/stdout" >"$d/diff"; then
        why="${why:+$why; }stdout differs from the run without the shim"
        sed 's/^/    | /' "$d/diff"
    fi
    local r=() pid=""
    [ -s "$d/skc.pid" ] && pid=$(cat "$d/skc.pid")
    case $expect in
    undone)
        grep -q "inert (a pipe end would close early" "$d/stderr" ||
            why="${why:+$why; }not undone at the exec for valgrind's pipe" ;;
    esac
    case $expect in
    inplace|child)
        r=("$d/rep/${REPORT:-clang++}".*)
        if [ ! -e "${r[0]}" ]; then
            why="${why:+$why; }no report from ${REPORT:-clang++}"
        elif [ "$expect" = inplace ] && ! grep -qx "pid=$pid" "${r[0]}"; then
            why="${why:+$why; }clang not in the caller's pid"
        elif [ "$expect" = child ] && ! grep -qx "ppid=$pid" "${r[0]}"; then
            why="${why:+$why; }clang not the caller's child"
        fi ;;
    esac
    [ "$errors" -eq 0 ] || why="${why:+$why; }$errors valgrind log lines"
    total=$((total + 1))
    if [ -z "$why" ]; then
        printf 'valgrind: ok   %-28s status %-3s %3ss\n' "$name" "$status" \
            $((SECONDS - start))
    else
        failed=$((failed + 1))
        printf 'valgrind: FAIL %-28s %s\n' "$name" "$why"
        sed 's/^/    | /' "$log" | head -n 200
        echo "    | stderr:"
        sed 's/^/    | /' "$d/stderr" | head -n 200
    fi
}

# The posix_spawn path (fake skc: released skc's Popen)
run spawn-inplace       0 undone  -- skc -o out --pidfile skc.pid
run spawn-pre-tool      0 undone  -- skc --pre-tool llvm-config -o out --pidfile skc.pid
REPORT=llvm-ar \
run spawn-emit-sklib    0 child   -- skc --pre-tool llvm-config --emit=sklib -o lib --pidfile skc.pid
run spawn-batch         0 child   -- skc --batch 3 -o unit --pidfile skc.pid
run spawn-env-C         0 undone  -- skc -o out --env-C . --env-set SKC_MARK=on --pidfile skc.pid
run spawn-late-writer   0 undone  -- skc -o out --late-writer 300 --pidfile skc.pid
SKCEXEC_WAIT_MS=100 \
run spawn-barrier-timeout 0 child -- skc -o out --late-writer 1500 --pidfile skc.pid
FAKECLANG_EXIT=7 \
run spawn-clang-fails   1 undone  -- skc -o out --pidfile skc.pid
run spawn-missing-clang 1 any     -- skc -o out --clang clang-404
run skargo-skc          0 any     -- skargo --pkg-root . --link app -- -o out

# fork/vfork + exec, system(), exec without fork (exec_caller as skc)
cp "$work/exec_caller" "$work/bin/skc"
for mode in fork-execvp fork-execle system fork-exec-true; do
    run "exec-$mode" 0 undone -- skc --via "$mode" -o out --pidfile skc.pid
done
run exec-vfork-execv    0 child   -- skc --via vfork-execv -o out --pidfile skc.pid
run exec-execvp         0 inplace -- skc --via execvp -o out --pidfile skc.pid
REPORT=llvm-ar \
run exec-fork-execvp-llvm-ar 0 child -- skc --via fork-execvp -o out --clang llvm-ar --pidfile skc.pid
SKCEXEC_FORK_WAIT_MS=200 \
run exec-fork-noexec    0 any     -- skc --via fork-noexec --child-ms 1000 -o out --pidfile skc.pid

# Every wrapper with good and bad arguments, in a non-caller and a caller
run probe-noncaller     0 any     -- probe true
cp "$work/probe_skc" "$work/bin/skc"
run probe-caller        0 any     -- skc true

# posix_spawn edge cases (replay, pipe rule, PATH search, env
# parsing), compared with the same case under valgrind without the shim.
# Left out: the cases whose clang (bin/clang-99) cannot be exec'd: the shim
# then execve's it in place and relies on execve failing, but valgrind
# cannot survive a failed execve ("EXEC FAILED: I can't recover", exit
# 101); setpgroup-vanished (re-executes /proc/self/exe: valgrind's tool);
# fork-lock (500 forks: minutes under valgrind).
if [ -e "$BUILD/fixtures/spawn_edge_cases" ]; then
    cp "$BUILD/fixtures/spawn_edge_cases" "$work/bin/skc"
    for c in dup2-closed-fd pipe-close-stdout eloop-path env-dash-u; do
        run "case-$c" same any -- skc "$c" </dev/null
    done
else
    echo "valgrind: spawn edge cases left out: no $BUILD/fixtures/spawn_edge_cases"
fi

echo "valgrind: $((total - failed))/$total runs clean"
[ "$failed" -eq 0 ]
