# SPDX-License-Identifier: MIT
# helpers.bash - shared setup for the bats tests.
#
# Each test gets a private bin/ on PATH holding the fixtures under the names
# the shim looks for: the fake skc (a caller), the fake skargo, and the fake
# clang under clang++ and the other LLVM tool names.  The fake clang writes a
# report (pid, ppid, cwd, fds, env, argv) to $FAKECLANG_REPORT_DIR.

bats_require_minimum_version 1.5.0

setup_fixtures() {
    : "${BUILD:?BUILD must point at the build directory (run via make test)}"
    LIB="$BUILD/libskcexec.so"
    T="$BATS_TEST_TMPDIR"
    mkdir -p "$T/bin" "$T/rep" "$T/pkg"
    cp "$BUILD/fixtures/skc" "$T/bin/skc"
    cp "$BUILD/fixtures/skargo" "$T/bin/skargo"
    for tool in clang++ clang clang-19 llvm-config llvm-ar opt; do
        cp "$BUILD/fixtures/fake_clang" "$T/bin/$tool"
    done
    export PATH="$T/bin:$PATH"
    export FAKECLANG_REPORT_DIR="$T/rep"
    # Every setting of the library and the commands comes from the test
    # itself, never from the environment make was run in: a test that
    # wants one (SKCEXEC_FORK_WAIT_MS, say) sets it; so do the tests
    # that make busy_clang busy.
    unset "${!SKCEXEC_@}" "${!BUSYCLANG_@}"
    cd "$T" || return 1
}

# The single report of program $1 (fails if there is not exactly one).
report() {
    local files=("$FAKECLANG_REPORT_DIR/$1".*)
    [ -e "${files[0]}" ] || { echo "no report for $1" >&2; return 1; }
    [ "${#files[@]}" -eq 1 ] || { echo "${#files[@]} reports for $1" >&2; return 1; }
    echo "${files[0]}"
}

# Value of "key=" in report file $1.
field() {
    sed -n "s/^$2=//p" "$1" | head -n 1
}

# Number of reports of program $1.
reports_of() {
    local n=0 f
    for f in "$FAKECLANG_REPORT_DIR/$1".*; do [ -e "$f" ] && n=$((n + 1)); done
    echo "$n"
}

# SHIM_PRELOAD replaces the preload list, for sanitizer builds whose runtime
# must come first (make asan).
with_shim() { LD_PRELOAD="${SHIM_PRELOAD:-$LIB}" "$@"; }

# observe MODE CMD...: runs CMD (with the shim when MODE is "shim") in a
# fresh directory ${RUN_BASE:-$T}/MODE; leaves its status and output in
# $status and $output, and both in $observed, followed by what the test
# file's observe_extra DIR prints if it defines one (facts of the run
# beyond its output).
observe() {
    local mode=$1 dir="${RUN_BASE:-$T}/$1"
    shift
    rm -rf "$dir"
    mkdir "$dir"
    cd "$dir" || return 1
    local pre=()
    [ "$mode" = shim ] && pre=(with_shim)
    # Not `run`: the statuses compared here are any.
    output=$("${pre[@]}" "$@" 2>&1) && status=0 || status=$?
    observed="status=$status
$output"
    if declare -F observe_extra >/dev/null; then
        observed+=$'\n'$(observe_extra "$dir")
    fi
    cd "$T" || return 1
}

# same_without_and_with_shim CMD...: the same $observed without and with
# the shim; $plain is the run without it.  Without the shim, status 77
# skips the test (the line "skip: REASON" says why), and a time-out
# (124, 137: put a `timeout` in CMD) fails it.
same_without_and_with_shim() {
    observe plain "$@"
    plain=$observed
    if [ "$status" -eq 77 ]; then
        skip "$(sed -n '/^skip: /{s///p;q}' <<<"$output")"
    fi
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "timed out without the shim"; printf '%s\n' "$plain"
        return 1
    fi
    observe shim "$@"
    if [ "$plain" != "$observed" ]; then
        echo "--- without the shim"; printf '%s\n' "$plain"
        echo "--- with the shim";    printf '%s\n' "$observed"
        return 1
    fi
}

# $plain (the run without the shim) has line $1: the behaviour a test is
# about does show without the library, so the test cannot pass vacuously.
# shellcheck disable=SC2154 # $plain: set by same_without_and_with_shim
plain_says() {
    grep -qxF -- "$1" <<<"$plain" || {
        echo "without the shim, no line '$1':"; printf '%s\n' "$plain"
        return 1
    }
}

# The state fixtures: state_caller (skc) sets up a process state and starts
# clang through one path, state_probe (clang++) appends what it sees to
# $STATE_PROBE_REPORT.
setup_state_fixtures() {
    cp "$BUILD/fixtures/state_caller" "$T/bin/skc"
    cp "$BUILD/fixtures/state_probe" "$T/bin/clang++"
    export STATE_PROBE_REPORT="$T/probe.report"
    unset STATE_PROBE_IR_WAIT_MS STATE_PROBE_SLEEP_MS STATE_PROBE_EXIT \
          STATE_PROBE_RAISE STATE_LOCKS STATE_FIFO STATE_OUTSIDE_DIR \
          STATE_SANDBOX STATE_CGROUP
}

# What the probe reported in a run in directory $1 (written "."), without
# its "pid:" line (clang in skc's own pid is the library's point, not a
# difference) and bats' own variables.  The report is then removed for the
# next run.
probe_facts() {
    if [ -e "$STATE_PROBE_REPORT" ]; then
        grep -v -e '^pid: ' -e '^env: BATS_' "$STATE_PROBE_REPORT" | sed "s#$1#.#g"
        rm -f "$STATE_PROBE_REPORT"
    else
        echo "clang did not run"
    fi
}

# ---- memory cgroups ---------------------------------------------------------
# Tests that measure or limit memory make a cgroup of their own: as root,
# under a writable cgroup v1 memory hierarchy, or under cgroup v2 where the
# root gives the memory controller to its child groups.  Elsewhere they
# skip, saying why.

# The directory a test makes its memory cgroups in, /sys/fs/cgroup/memory
# (v1) or /sys/fs/cgroup (v2); with the argument v1, only the former.
# Fails where neither can be written.
memory_cgroup_root() {
    if [ -d /sys/fs/cgroup/memory ] && [ -w /sys/fs/cgroup/memory ]; then
        echo /sys/fs/cgroup/memory
    elif [ "${1:-}" != v1 ] && [ -f /sys/fs/cgroup/cgroup.controllers ] &&
         grep -qw memory /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null &&
         [ -w /sys/fs/cgroup ]; then
        echo /sys/fs/cgroup
    else
        return 1
    fi
}

# The name of a memory file in cgroup directory $1, by what it is ($2):
# "peak" (the most memory the group used) or "limit".
memory_cgroup_file() {
    case $1 in
    /sys/fs/cgroup/memory/*)
        case $2 in peak) echo memory.max_usage_in_bytes ;; limit) echo memory.limit_in_bytes ;; esac ;;
    *)
        case $2 in peak) echo memory.peak ;; limit) echo memory.max ;; esac ;;
    esac
}

# make_memory_cgroup NAME [LIMIT_MIB [v1]]: a fresh memory cgroup NAME
# under memory_cgroup_root (v1 only with "v1"), limited to LIMIT_MIB
# (default 1024); prints its path, or fails where none can be made.
make_memory_cgroup() {
    local root cg
    root=$(memory_cgroup_root "${3:-}") && cg=$root/$1 &&
        mkdir "$cg" 2>/dev/null || return 1
    echo $(( ${2:-1024} << 20 )) >"$cg/$(memory_cgroup_file "$cg" limit)" ||
        { rmdir "$cg"; return 1; }
    echo "$cg"
}

# The directory of this process's own cgroup v1 memory group, or fails.
own_memcg() {
    local rel
    rel=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
    [ -n "$rel" ] && [ -d "/sys/fs/cgroup/memory$rel" ] || return 1
    echo "/sys/fs/cgroup/memory${rel%/}"
}

# Removes cgroup $1, first moving out whatever a failed test left in it.
# A group whose last process has just exited can refuse rmdir (EBUSY) for
# a moment: a few tries, 0.2 s apart.
remove_cgroup() {
    [ -d "$1" ] || return 0
    local pid try
    for try in 1 2 3 4 5 6 7 8 9 10; do
        while read -r pid; do
            echo "$pid" >"$1/../cgroup.procs" 2>/dev/null || true
        done <"$1/cgroup.procs"
        rmdir "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "cannot remove cgroup $1 (try $try):"; cat "$1/cgroup.procs"
    rmdir "$1"
}

# ---- waiting for a process or a file -----------------------------------------
# The bounds are hang detection, not timings: on the clock, not a count of
# polls, which a loaded machine makes much slower.

# Whether process $1 is still running (a zombie is not).
running() {
    [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# The negation as a command: a `! cmd` line does not fail a bats test
# (errexit ignores it), a function returning non-zero does.
gone() { ! running "$1"; }

# Waits up to $2 seconds (default 20) for process $1 to be gone.
gone_within() {
    local end=$((SECONDS + ${2:-20}))
    while running "$1"; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# Waits up to 20 seconds for file $1 to exist and be non-empty.
wait_for() {
    local end=$((SECONDS + 20))
    until [ -s "$1" ]; do
        [ "$SECONDS" -lt "$end" ] || return 1
        sleep 0.1
    done
}
