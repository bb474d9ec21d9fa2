#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# contrib/Dockerfile and the CI recipes in a real container engine (podman
# with runc) under a memory limit, on the stand-in for skiplabs/skip:latest
# made by tools/container_base.sh.  Run by tools/container_test.sh (`make
# container-test`), which says in one line why when no engine can run here.
#
# The workload is a skargo-like build: the skc-like fixture holds
# SKC_HOLD_MB MiB, writes a generated IR and runs the image's real clang++
# -O2 on it.  Sizes (container peaks, from the container's own memory
# cgroup) are measured first, skc alone and clang alone; the limit is then
# set midway between max(skc, clang) and their sum.
#   CT_HOLD_MB (600), CT_IR_FUNCS (100), CT_IR_OPS (6000): the workload
#   CT_RUNS (3): runs under the limit, without and with the library
# Figures are printed as TAP comments and saved in $BUILD/container/.
# bats file_tags=no-asan
# shellcheck disable=SC2016 # $... in single quotes: for the container's sh

bats_require_minimum_version 1.5.0

ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
# shellcheck source=/dev/null # checked on its own (make lint)
. "$ROOT/tools/container_lib.sh"
# shellcheck source=/dev/null
. "$ROOT/bench/lib.sh"

HOLD=${CT_HOLD_MB:-600}
RUNS=${CT_RUNS:-3}
BASE=skiplabs/skip:latest
OUT=${BUILD:-$ROOT/build}/container

setup_file() {
    : "${BUILD:?run through make container-test}"
    ct_ready || return 0          # each test skips with the reason
    # Names of this run's image and containers (the tests see exports).
    export CT_ID=$$ IMAGE=localhost/skcexec-test:$$
    mkdir -p "$OUT"
    : >"$OUT/results.txt"
    W=$BATS_FILE_TMPDIR
    # The build context: the sources as they are, without build/ (host
    # binaries) or .git.
    mkdir -p "$W/ctx" "$W/app/src"
    tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$W/ctx" -xf -
    gen_ir "$(command -v clang++)" "${CT_IR_FUNCS:-100}" "${CT_IR_OPS:-6000}" \
        "$W/app/src/main.ll"
    # contrib/Dockerfile as the README says to build it, on the stand-in.
    local start=$SECONDS
    pm build --pull=never --network host --layers=false --force-rm \
        -f "$W/ctx/contrib/Dockerfile" -t "$IMAGE" "$W/ctx" >"$W/build.log" 2>&1
    echo "$? $((SECONDS - start))" >"$W/build.status"
}

teardown_file() {
    ct_ready || return 0
    pm ps -a --format '{{.Names}}' | grep "^skcexec-test-$CT_ID-" |
        while read -r c; do pm rm -f "$c" >/dev/null 2>&1; done
    pm rmi -f "$IMAGE" >/dev/null 2>&1 || true
}

setup() {
    ct_ready || skip "$CT_WHY"
    W=$BATS_FILE_TMPDIR
}

say() { echo "# $*" >&3; echo "$*" >>"$OUT/results.txt"; }

# in_container NAME IMAGE [PODMAN RUN OPTIONS...] -- COMMAND: runs the sh
# COMMAND in a container of IMAGE, the package $W/app as its working
# directory, and sets STATUS (the container's exit status), PEAK (the
# container's cgroup peak, MiB), OOM (OOM kills in its cgroup), OOMKILLED
# (podman's State.OOMKilled) and LOG (its output).
in_container() {
    local name=skcexec-test-$CT_ID-$1 image=$2 opts=()
    shift 2
    while [ "$1" != -- ]; do opts+=("$1"); shift; done
    shift
    pm rm -f "$name" >/dev/null 2>&1 || true
    LOG=$(pm run --name "$name" --network none -v "$W/app:/src/app" -w /src/app \
        -e SKC_HOLD_MB="$HOLD" "${opts[@]}" "$image" /bin/sh -c "$1"'
        rc=$?
        cg=/sys/fs/cgroup/memory
        echo "cgroup: peak=$(cat $cg/memory.max_usage_in_bytes)" \
            "oom=$(sed -n "s/^oom_kill //p" $cg/memory.oom_control)"
        exit $rc' 2>&1) && STATUS=0 || STATUS=$?
    OOMKILLED=$(pm inspect --format '{{.State.OOMKilled}}' "$name" 2>/dev/null)
    pm rm -f "$name" >/dev/null 2>&1 || true
    local line
    line=$(echo "$LOG" | grep '^cgroup: peak=' | tail -n 1)
    PEAK=$(echo "$line" | sed -n 's/.*peak=\([0-9]*\).*/\1/p')
    PEAK=$((${PEAK:-0} >> 20))
    OOM=$(echo "$line" | sed -n 's/.*oom=\([0-9]*\).*/\1/p')
}

@test "stand-in base: a Debian 12 root with clang, skc and skargo, imported without a registry" {
    in_container base "$BASE" -- 'cat /etc/debian_version
        for c in skc skargo clang++ cc make; do command -v $c; done'
    echo "$LOG"
    [ "$STATUS" -eq 0 ]
    [[ "$LOG" == 12.* ]]
    [[ "$LOG" == *"/usr/local/bin/skc"*"/usr/local/bin/skargo"*"/usr/bin/clang++"* ]]
}

@test "podman build -f contrib/Dockerfile on the stand-in; skcexec --check passes in the build" {
    [ -f "$W/build.status" ]
    read -r rc secs <"$W/build.status"
    cat "$W/build.log"
    say "podman build -f contrib/Dockerfile: status $rc, ${secs} s"
    [ "$rc" -eq 0 ]
    # the last step is the check, and it passed
    [[ "$(grep 'STEP [0-9]*/[0-9]*: ' "$W/build.log" | tail -n 1)" == *"RUN skcexec --check" ]]
    grep -q '^verdict: skcexec works here' "$W/build.log"
    grep -q 'end to end: .* replaced by clang++ in place (same pid)' "$W/build.log"
    run pm run --rm --network none "$IMAGE" /bin/sh -c 'echo "$LD_PRELOAD"'
    [ "$output" = /usr/local/lib/libskcexec.so ]
}

@test "under a limit between max(skc, clang) and the sum: OOM-killed without LD_PRELOAD, built with it" {
    pm image exists "$IMAGE"
    local build='skargo build --release -vv && ./target/host/release/app && echo PROGRAM-RAN'
    # Sizes, each alone in a container without a limit.
    in_container skc "$IMAGE" -e LD_PRELOAD= -- \
        'skc --hold-mb "$SKC_HOLD_MB" --ir src/main.ll -o /tmp/app --clang true'
    [ "$STATUS" -eq 0 ]
    skc=$PEAK
    in_container clang "$IMAGE" -e LD_PRELOAD= -- 'clang++ -O2 -o /tmp/app src/main.ll -no-pie'
    [ "$STATUS" -eq 0 ]
    clang=$PEAK
    sum=$((skc + clang)) max=$((skc > clang ? skc : clang))
    limit=$(((max + sum) / 2))
    say "container sizes: skc-like (holds $HOLD MiB) $skc MiB alone, clang++ -O2 $clang MiB alone" \
        "($(($(wc -c <"$W/app/src/main.ll") / 1000000)) MB IR); max $max, sum $sum, limit $limit MiB"
    # The margin to each side must be real, or the test proves nothing.
    [ $((limit - max)) -ge 64 ]

    # Without a limit, both ways: the container's peak.
    in_container free-without "$IMAGE" -e LD_PRELOAD= -- "$build"
    [ "$STATUS" -eq 0 ]
    free_without=$PEAK
    in_container free-with "$IMAGE" -e SKCEXEC_VERBOSE=1 -- "$build"
    echo "$LOG"
    [ "$STATUS" -eq 0 ]
    [[ "$LOG" == *"skc replaced by clang++"* ]]
    free_with=$PEAK
    say "container peak, no limit: without the library $free_without MiB, with it $free_with MiB"

    # Under the limit, RUNS times each.
    local i killed=0 built=0 peaks_without=() peaks_with=() ooms=()
    for ((i = 1; i <= RUNS; i++)); do
        in_container "limit-without-$i" "$IMAGE" --memory "${limit}m" \
            --memory-swap "${limit}m" -e LD_PRELOAD= -- "$build"
        echo "without, run $i: status $STATUS, oom_kill $OOM, OOMKilled $OOMKILLED"
        echo "$LOG" | tail -n 3
        # skc is killed; skargo says so and fails
        [ "$STATUS" -ne 0 ]
        [ "${OOM:-0}" -ge 1 ]
        [[ "$LOG" == *"process did not exit successfully: \`skc\` (signal: 9)"* ]]
        killed=$((killed + 1)) peaks_without+=("$PEAK") ooms+=("$OOMKILLED")

        in_container "limit-with-$i" "$IMAGE" --memory "${limit}m" \
            --memory-swap "${limit}m" -e SKCEXEC_VERBOSE=1 -- "$build"
        echo "with, run $i: status $STATUS, oom_kill $OOM, OOMKilled $OOMKILLED"
        echo "$LOG" | tail -n 3
        [ "$STATUS" -eq 0 ]
        [ "${OOM:-1}" -eq 0 ]
        [[ "$LOG" == *"skc replaced by clang++"* ]]
        [[ "$LOG" == *PROGRAM-RAN* ]]
        built=$((built + 1)) peaks_with+=("$PEAK")
    done
    say "container under --memory ${limit}m: without the library $killed/$RUNS OOM-killed" \
        "(peaks ${peaks_without[*]} MiB; podman OOMKilled: ${ooms[*]})," \
        "with it $built/$RUNS built and ran, 0 OOM kills (peaks ${peaks_with[*]} MiB)"
    echo "$limit" >"$W/limit"
}

@test "CI recipes: install.sh, check.sh, build.sh as the YAML runs them, in the base under the limit" {
    [ -s "$W/limit" ] || skip "needs the limit measured by the test before"
    limit=$(cat "$W/limit")
    # The project, with libskcexec checked out as a submodule would be.
    mkdir -p "$W/app/third_party"
    rm -rf "$W/app/third_party/libskcexec" "$W/app/target"
    cp -a "$W/ctx" "$W/app/third_party/libskcexec"
    local name=skcexec-test-$CT_ID-ci
    pm run -d --name "$name" --network host --memory "${limit}m" --memory-swap "${limit}m" \
        -v "$W/app:/root/project" -w /root/project -e SKC_HOLD_MB="$HOLD" \
        -e SKCEXEC_DIR=third_party/libskcexec -e BASH_ENV=/tmp/bash_env \
        "$BASE" sleep infinity
    # Each step in its own shell, as CircleCI runs a `run:` step.
    step() { pm exec "$name" bash -eo pipefail -c "$1"; }
    run step 'sh "$SKCEXEC_DIR/contrib/ci/install.sh"'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"LD_PRELOAD=/usr/local/lib/"*"/libskcexec.so"* ]]
    run step 'sh "$SKCEXEC_DIR/contrib/ci/check.sh"'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"verdict: skcexec works here"* ]]
    [[ "$output" == *"cgroup limit $limit MiB"* ]]
    run step 'sh "$SKCEXEC_DIR/contrib/ci/build.sh"'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"skcexec-profile: peak_mib="*" status=0 "* ]]
    run step './target/host/release/project && cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes /sys/fs/cgroup/memory/memory.oom_control'
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"oom_kill 0"* ]]
    say "CI recipes in the base under --memory ${limit}m: install, check, build passed;" \
        "container peak $(( $(echo "$output" | head -n 1) >> 20 )) MiB"
    pm rm -f "$name" >/dev/null
}
