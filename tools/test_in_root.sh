#!/bin/bash
# SPDX-License-Identifier: MIT
# test_in_root.sh - the project's tests in a Debian root of another release
# or architecture (tools/debroot.sh: built once with mmdebstrap, cached; a
# foreign architecture runs under qemu-user).  The working tree (without
# build/) is copied into a throw-away copy of the root and built there with
# the root's own compiler, so the library and the fixtures are built for
# the root's glibc and architecture.
#
# usage: tools/test_in_root.sh [--ci] [--bats NAMES] SUITE ARCH [TARGET...]
#        tools/test_in_root.sh --ci-run SUITE ARCH
#   TARGET    make targets to run in the root (default: test)
#   --ci-run  run .ci/run itself in the root, as on a fresh machine of that
#             release (it installs its tools with apt-get there); the
#             closing line then takes its counts from .ci/run's own
#             "tests: P passed, F failed, S skipped" line
#   --bats NAMES  only these bats files (space-separated names without
#             .bats, e.g. "spawn_path exec_paths"); the others are removed
#             from the root's copy before make runs
#   --jobs N  split the bats files into N groups of about equal test
#             counts and run each in its own copy of the root at the same
#             time (the unit programs in the first only); for an emulated
#             root, where each qemu process keeps one core busy.  Only with
#             the default target, test; ignored with --bats or --ci-run
#   --ci      a root that cannot be built or entered (not root, no mirror,
#             a mount refused) counts as one skipped test: exit status 0
#
# Output: one "# root: ..." line (release, glibc, gcc, machine), make's own
# output as it goes (the bats TAP lines and "unit_x: P passed, F failed"
# lines .ci/run counts), then the closing line
#   LABEL: P passed, F failed, S skipped (ROOT) in N s
# with LABEL e.g. debian13-amd64.  Where the root cannot be built or
# entered, instead one TAP line
#   ok 1 # skip LABEL: REASON
# and the exit status is 3 (0 with --ci).  Else it is make's.
set -u
cd "$(dirname "$0")/.." || exit 1

ci=0 ci_run=0 bats_only="" jobs=1
while [ "$#" -gt 0 ]; do
    case $1 in
        --ci) ci=1; shift ;;
        --ci-run) ci_run=1; shift ;;
        --jobs) if ! { [ "$#" -ge 2 ] && [ "$2" -ge 1 ]; } 2>/dev/null; then
                    echo "test_in_root: --jobs needs a number" >&2; exit 2
                fi
                jobs=$2; shift 2 ;;
        --bats) [ "$#" -ge 2 ] || { echo "test_in_root: --bats needs NAMES" >&2; exit 2; }
                bats_only=$2; shift 2 ;;
        -h | --help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "test_in_root: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done
[ "$#" -ge 2 ] || { echo "usage: tools/test_in_root.sh [--ci] [--bats NAMES] SUITE ARCH [TARGET...]" >&2; exit 2; }
suite=$1 arch=$2
shift 2
[ "$#" -gt 0 ] || set -- test

case $suite in
    bookworm) label=debian12 ;;
    trixie) label=debian13 ;;
    forky) label=debian14 ;;
    *) label=$suite ;;
esac
label=$label-$arch

unavailable() {   # $1: the reason
    echo "ok 1 # skip $label: $1"
    [ "$ci" -eq 1 ] && exit 0
    exit 3
}

start=$SECONDS
err=$(mktemp) && log=$(mktemp) || exit 1
trap 'rm -f "$err" "$log"' EXIT

# On a machine of that very release and architecture (a Debian 13 CI
# machine, or .ci/run inside the root itself) a root would only repeat
# the host's own make test.
# shellcheck disable=SC1091 # the running system's own file
if [ "$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")" = "$suite" ] &&
   [ "$(dpkg --print-architecture 2>/dev/null)" = "$arch" ]; then
    unavailable "this machine is Debian $suite $arch itself: its own make test covers it"
fi

# The root first, alone: a failure here is the environment's, not the tests'.
tools/debroot.sh build "$suite" "$arch" >/dev/null 2>"$err"
rc=$?
cat "$err" >&2
[ "$rc" -eq 0 ] || unavailable "cannot build a $suite $arch root: $(sed -n 's/^debroot: //p' "$err" | tail -n 1)"

# --jobs N: this script once per group of bats files, all at once, each
# into its own log; then the logs one after the other, and their closing
# lines summed.  Greedy: the file with the most tests first, into the group
# with the fewest so far.
if [ "$jobs" -gt 1 ] && [ -z "$bats_only" ] && [ "$ci_run" -eq 0 ] && [ "$*" = test ]; then
    parts=$(mktemp -d) || exit 1
    trap 'rm -f "$err" "$log"; rm -rf "$parts"' EXIT
    mapfile -t groups < <(for f in tests/*.bats; do
            n=${f#tests/}; echo "$(grep -c '^@test' "$f") ${n%.bats}"
        done | sort -k1,1nr -k2 | awk -v n="$jobs" '
            { b = 1; for (i = 2; i <= n; i++) if (load[i] < load[b]) b = i
              load[b] += $1; g[b] = g[b] " " $2 }
            END { for (i = 1; i <= n; i++) if (g[i] != "") print substr(g[i], 2) }')
    pids=() i=0
    for g in "${groups[@]}"; do
        i=$((i + 1))
        echo "# part $i of ${#groups[@]}: $g"
        target="test"; [ "$i" -gt 1 ] && target="bats"  # the units once
        "$0" --bats "$g" "$suite" "$arch" "$target" >"$parts/$i" 2>&1 &
        pids+=("$!")
    done
    rc=0
    for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
    for ((k = 1; k <= i; k++)); do echo "# part $k:"; cat "$parts/$k"; done
    read -r p f s < <(cat "$parts"/* | sed -n "s/^$label: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped (.*/\1 \2 \3/p" |
        awk '{ p += $1; f += $2; s += $3; n++ } END { print p + 0, (n == '"$i"' ? f + 0 : f + 1), s + 0 }')
    what=$(sed -n 's/^# root: //p' "$parts"/* | head -n 1)
    echo "$label: $p passed, $f failed, $s skipped (${what:-no root}) in $((SECONDS - start)) s, $i parts at once"
    exit "$rc"
fi

# Under qemu-user a process start takes ~0.1 s: the stress tests' 10^4
# starts each would take 20 min and hit their own time limit.  There, 10^3.
# (debroot.sh decides what runs emulated.)
stress_iters=""
[ -n "$(tools/debroot.sh qemu "$arch" 2>/dev/null)" ] && stress_iters=10

# In the root: what it is, the bats files left out, then make.
# shellcheck disable=SC2016 # expanded by the root's sh
inner='
printf "# root: Debian %s (%s), glibc %s, gcc %s, %s\n" "$(cat /etc/debian_version)" \
    "$1" "$(ldd --version | sed -n "1s/.* //p")" "$(gcc -dumpfullversion)" "$(uname -m)"
shift
if [ -n "$BATS_ONLY" ]; then
    for f in tests/*.bats; do
        n=${f#tests/}; n=${n%.bats}
        case " $BATS_ONLY " in *" $n "*) ;; *) rm -f "$f"; echo "# left out: $f" ;; esac
    done
fi
[ -n "$STRESS_ITERS" ] && echo "# stress tests: 100 threads x $STRESS_ITERS starts (emulated)" &&
    export STRESS_ITERS STRESS_EMULATED=qemu-user
[ "$CI_RUN" = 1 ] && exec bash .ci/run
exec make "$@"'
tools/debroot.sh run "$suite" "$arch" . /build/skcexec -- \
    env BATS_ONLY="$bats_only" CI_RUN="$ci_run" STRESS_ITERS="$stress_iters" /bin/sh -c "$inner" sh "$suite" "$@" 2>&1 |
    tee "$log"
rc=${PIPESTATUS[0]}

read -r p f s < <(bash tools/tap_count.sh "$log")
if [ "$rc" -eq 3 ] && [ "$((p + f + s))" -eq 0 ] && grep -q '^debroot: ' "$log"; then
    unavailable "cannot enter the $suite $arch root: $(sed -n 's/^debroot: //p' "$log" | tail -n 1)"
fi
if [ "$ci_run" -eq 1 ]; then    # .ci/run counted its stages itself
    read -r p f s < <(sed -n 's/^tests: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$log" |
                      tail -n 1)
    [ -n "${s:-}" ] || { p=0 f=1 s=0; }     # no closing line: never green
    label="$label .ci/run"
fi
what=$(sed -n 's/^# root: //p' "$log" | head -n 1)
echo "$label: $p passed, $f failed, $s skipped (${what:-no root}) in $((SECONDS - start)) s"
exit "$rc"
