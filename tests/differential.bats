#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The differential test: seeded cases of process state, each run once with
# an empty preloaded .so and once with the library; everything seen from
# outside must be the same.
#
# A case (state_caller, as skc) draws from a seed a combination of process
# state: timers, signal dispositions, masks and pending signals, rlimits,
# scheduling, I/O priority, oom_score_adj, prctl flags, locks, threads
# writing files, ids and confinement (root), spawn attributes and file
# actions, set in skc itself, in its fork or vfork child, or in the spawn
# attributes, as the path allows.  It starts `clang++ -O2 -o out x.ll`
# through one path (posix_spawn, posix_spawnp, fork + execve, fork +
# execvp, vfork + execv, system(), pidfd_spawnp where glibc has it),
# waits, and exits with clang's status.  The fake clang (state_probe)
# writes down what it sees of its own process.  Compared: skc's status,
# stdout and stderr, clang's report, the files left behind (names, modes,
# sizes, contents).  Left out, as the library's documented differences:
# clang's "pid:" line (clang in skc's own pid), clang's fds 1 and 2 when
# skc captures them with pipes (the library gives clang skc's own), and
# fd 1's offset when skc had a line in its stdout buffer (the library
# writes it out before its exec).
#
# Each test runs one path.  DIFF_CASES (default 300) is the number of
# cases in all, split evenly over the paths this glibc has; DIFF_SEED
# (default 1) picks them; CI may set more.  A case that differs prints its
# case line (run it alone: `skc PATH --seed S --case N` in an empty
# directory, PATH holding skc and clang++) and the lines that differ (the
# first DIFF_LINES, default 12).
# Each run is limited to 30 s: a hang (status 124) is a difference.

load helpers

setup_file() {
    # pidfd_spawnp is built in where glibc has it (2.39+); without it the
    # caller says so with status 77.
    local probe_dir=$BATS_FILE_TMPDIR/probe rc=0
    mkdir -p "$probe_dir"
    (cd "$probe_dir" && PATH=/nonexistent "$BUILD/fixtures/state_caller" \
        pidfd_spawnp >/dev/null 2>&1) || rc=$?
    DIFF_PIDFD=$([ "$rc" -eq 77 ] && echo 0 || echo 1)
    DIFF_NPATHS=$((6 + DIFF_PIDFD))
    DIFF_OUTSIDE=$BATS_FILE_TMPDIR/outside
    mkdir -p "$DIFF_OUTSIDE"
    # A cgroup to move into, where one can be made (root, cgroup v1).
    DIFF_CGROUP=$(make_memory_cgroup "skcexec-diff-$$" 1024 v1) || DIFF_CGROUP=
    export DIFF_PIDFD DIFF_NPATHS DIFF_OUTSIDE DIFF_CGROUP
}

teardown_file() {
    remove_cgroup "${DIFF_CGROUP:-}"
}

setup() {
    setup_fixtures
    setup_state_fixtures
    : "${DIFF_CASES:=300}" "${DIFF_SEED:=1}"
    export STATE_PROBE_IR_WAIT_MS=5000 STATE_SANDBOX=$T \
           STATE_OUTSIDE_DIR=$DIFF_OUTSIDE
    [ -z "$DIFF_CGROUP" ] || export STATE_CGROUP=$DIFF_CGROUP
    # Behaviour, not timing: a loaded machine must not decide whether a
    # fork child's exec is handed over.
    export SKCEXEC_FORK_WAIT_MS=10000
    LIB_PRELOAD=${SHIM_PRELOAD:-$LIB}
    EMPTY_PRELOAD=${LIB_PRELOAD//$LIB/$BUILD/fixtures/empty.so}
}

# run_case PRELOAD PATH INDEX NAME: case INDEX of PATH under LD_PRELOAD,
# in $T/run (the same directory in both runs: paths need no rewriting);
# what it left, as text, in $T/seen.NAME.
run_case() {
    local st=0
    rm -rf "$T/run" "$STATE_PROBE_REPORT"
    mkdir "$T/run"
    # (bash's own line about a run killed by a signal: not to the log)
    { (cd "$T/run" && LD_PRELOAD=$1 exec timeout -k 5 30 skc "$2" \
        --seed "$DIFF_SEED" --case "$3" >"$T/stdout" 2>"$T/stderr" </dev/null) ||
        st=$?; } 2>/dev/null
    local skip_fds='^$' pos='s/^$//'
    grep -q ' f:capture=' "$T/stdout" && skip_fds='^fd [12]: '
    # The library flushes skc's stdio before it execs (the line would be
    # lost): clang finds fd 1 further on than a spawned clang does.
    grep -q ' p:stdout-pending=' "$T/stdout" && pos='s/^\(fd 1: .*\) pos [0-9]*$/\1/'
    {
        echo "status=$st"
        cat "$T/stdout"
        echo "--- stderr"
        cat "$T/stderr"
        echo "--- clang"
        if [ -e "$STATE_PROBE_REPORT" ]; then
            grep -v -e '^pid: ' -e '^env: BATS_' -e "$skip_fds" "$STATE_PROBE_REPORT" |
                sed "$pos"
        else
            echo "did not run"
        fi
        echo "--- files"
        (cd "$T/run" &&
            find . -mindepth 1 -printf '%p %y %m %s\n' | sort &&
            find . -type f -exec md5sum {} + | sort -k 2)
    } >"$T/seen.$4"
}

# differential PATH: its share of the cases, each without and with the
# library; one line per case that differs, then a summary.
differential() {
    local n=$(((DIFF_CASES + DIFF_NPATHS - 1) / DIFF_NPATHS)) i differ=0
    for ((i = 0; i < n; i++)); do
        run_case "$EMPTY_PRELOAD" "$1" "$i" empty
        run_case "$LIB_PRELOAD" "$1" "$i" lib
        cmp -s "$T/seen.empty" "$T/seen.lib" && continue
        differ=$((differ + 1))
        echo "differs: $(sed -n 2p "$T/seen.empty")"
        diff --old-line-format='    - %L' --new-line-format='    + %L' \
            --unchanged-line-format='' "$T/seen.empty" "$T/seen.lib" |
            head -n "${DIFF_LINES:-12}" || true
    done
    echo "diff $1: $n cases, $differ differ (DIFF_SEED=$DIFF_SEED)"
    echo "# diff $1: $n cases, $differ differ" >&3
    [ "$differ" -eq 0 ]
}

@test "differential: posix_spawn" { differential posix_spawn; }
@test "differential: posix_spawnp" { differential posix_spawnp; }
@test "differential: fork + execve" { differential fork-execve; }
@test "differential: fork + execvp" { differential fork-execvp; }
@test "differential: vfork + execv" { differential vfork-execv; }
@test "differential: system()" { differential system; }

@test "differential: pidfd_spawnp" {
    [ "$DIFF_PIDFD" = 1 ] || skip "no pidfd_spawnp in this glibc (2.39+)"
    differential pidfd_spawnp
}
