#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The fork handover must not lose what the child set up before its exec of
# clang.  skc (state_caller) forks; the child changes something about
# itself, then execvp's `clang++ -O2 -o out x.ll`.  Without the library
# clang runs in that child, with the child's state; with it, clang must
# see the same, whoever execs it.  The fake clang (state_probe) writes
# down what it sees; status, output and that report must be the same
# without and with the library, and the run without it must show the
# child's setting (so no test passes vacuously); the last test uses a
# caller of its own (privdrop_caller).  Time limits only turn a hang into
# a failure.

load helpers

setup() {
    setup_fixtures
    setup_state_fixtures
    # Behaviour, not timing: a loaded machine must not make the child miss
    # the parent's wait.
    export SKCEXEC_FORK_WAIT_MS=10000
}

teardown() {
    remove_cgroup "${CGROUP:-}"
    [ -z "${OUTSIDE:-}" ] || rm -rf "$OUTSIDE"
    [ -z "${PRIV_DIR:-}" ] || rm -rf "$PRIV_DIR"
}

observe_extra() { probe_facts "$1"; }

@test "handover: the child's alarm() still ends clang (SIGALRM)" {
    # clang sleeps 5 s; the child's alarm fires after 1 s.
    export STATE_PROBE_SLEEP_MS=5000
    same_without_and_with_shim timeout 60 skc fork-execvp c:alarm=1
    plain_says "status=142"
}

@test "handover: clang keeps the child's oom_score_adj" {
    same_without_and_with_shim timeout 60 skc fork-execvp c:oom=1000
    plain_says "oom_score_adj: 1000"
}

@test "handover: clang keeps the child's SCHED_IDLE" {
    same_without_and_with_shim timeout 60 skc fork-execvp c:sched=idle
    plain_says "sched: idle priority 0"
}

@test "handover: clang keeps the child's idle I/O priority" {
    same_without_and_with_shim timeout 60 skc fork-execvp c:ioprio=idle
    plain_says "ioprio: class 3 data 0"
}

@test "handover: clang keeps the child's parent-death signal" {
    same_without_and_with_shim timeout 60 skc fork-execvp c:pdeathsig=9
    plain_says "pdeathsig: 9"
}

@test "handover: clang stays in the cgroup the child moved to" {
    [ "$(id -u)" -eq 0 ] || skip "needs root (a cgroup of its own)"
    CGROUP=$(make_memory_cgroup "skcexec-test-$$-$BATS_TEST_NUMBER" 1024 v1) ||
        skip "no writable cgroup v1 memory hierarchy at /sys/fs/cgroup/memory"
    export STATE_CGROUP=$CGROUP
    same_without_and_with_shim timeout 60 skc fork-execvp c:cgroup
    # the hierarchy's number, as /proc/PID/cgroup prints it
    local id
    id=$(sed -n 's/^\([0-9]*\):memory:.*/\1/p' /proc/self/cgroup)
    plain_says "cgroup: $id:memory:/${CGROUP##*/}"
}

# As root, Landlock needs no no_new_privs (CAP_SYS_ADMIN will do), so the
# child's identity (no_new_privs, seccomp, ...) does not change with it.
@test "handover: clang stays in the child's Landlock sandbox" {
    [ "$(id -u)" -eq 0 ] || skip "needs root (Landlock without no_new_privs)"
    OUTSIDE=$(mktemp -d /tmp/skcexec-outside.XXXXXX)
    export STATE_SANDBOX=$T STATE_OUTSIDE_DIR=$OUTSIDE
    # A kernel without Landlock: the child says "skip: ..." and exits 77.
    same_without_and_with_shim timeout 60 skc fork-execvp c:landlock
    plain_says "write outside: EACCES"
}

# A forked child that drops its privileges and execs clang: clang runs
# with the child's ids, never with skc's.  skc is privdrop_caller, clang
# busy_clang (it prints its ids).  Run in a directory nobody can reach
# (bats' own is 0700), library included.
@test "a child's privilege drop before its exec of clang is kept" {
    [ "$(id -u)" -eq 0 ] || skip "needs root (setuid to 65534)"
    PRIV_DIR=$(mktemp -d /tmp/skcexec-privdrop.XXXXXX)
    chmod 755 "$PRIV_DIR"
    mkdir -m 755 "$PRIV_DIR/bin"
    cp "$BUILD/fixtures/privdrop_caller" "$PRIV_DIR/bin/skc"
    cp "$BUILD/fixtures/busy_clang" "$PRIV_DIR/bin/clang++"
    cp "$LIB" "$PRIV_DIR/libskcexec.so"
    LIB=$PRIV_DIR/libskcexec.so
    PATH="$PRIV_DIR/bin:$PATH"
    # shellcheck disable=SC2034 # read by observe (helpers.bash)
    RUN_BASE=$PRIV_DIR
    same_without_and_with_shim timeout 60 skc
    plain_says "clang: uid=65534 gid=65534"
    plain_says "child: exit 0"
}
