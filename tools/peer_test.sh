#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# peer_test.sh - real programs' own process-spawning test suites must give
# the same results without and with libskcexec preloaded.
#
#   tools/peer_test.sh [path/to/libskcexec.so]      (make peer-test)
#
# Suites (Debian packages, installed with apt-get when missing):
#   python  CPython's regression tests of subprocess, os, posix (incl.
#           os.posix_spawn/posix_spawnp with file actions), pty, signal,
#           asyncio subprocesses, ... from libpython3.X-testsuite, run by
#           Debian's /usr/bin/python3.X (the version the tests belong to),
#           3.X being the release's default python3 (3.11 on Debian 12,
#           3.13 on Debian 13; PEER_PY_VERSION=3.X chooses another).
#   glib    GLib's installed tests (libglib2.0-tests; 2.74 on Debian 12)
#           that start child processes: g_spawn*/GSubprocess (posix_spawn
#           with file actions, fork+exec), GTestDBus (posix_spawnp of
#           dbus-daemon), g_test_trap_subprocess, codegen/mkenums scripts.
#           Tests of the list below that a newer GLib no longer installs
#           are named and left out.
#
# Each suite runs in three modes, the preload exported into the suite's
# environment so that every child process inherits it:
#   plain    no preload
#   preload  LD_PRELOAD=lib: every process must find the shim inert
#   caller   LD_PRELOAD=lib and SKCEXEC_CALLERS naming the suite's own
#            programs (python3.X; each GLib test binary and its helpers),
#            so the shim's active paths (spawn/fork/exec/system decisions,
#            file-action shadowing, fork handover) run for every process
#            start in the suite; no clang is involved, so nothing is
#            replaced and the results must still be identical.
#   target   (optional) as caller, and SKCEXEC_TARGETS naming the same
#            programs and sh, true, echo, ...: their spawns and execs after
#            fork also pass the name test and reach the argv check (no LLVM
#            IR: not replaced).
#
# Per test module it compares the outcome and the pass/fail/skip counts.  A
# module whose results differ is run once more alone, without the preload and
# in the mode that differed; if the two re-runs agree the first difference is
# reported as flaky and tolerated, otherwise it is a real difference.
#
# Environment: PEER_SUITES ("python glib"), PEER_MODES ("plain preload
# caller"; "target" can be added), PEER_JOBS (2), PEER_OUT (result folder; default a new one under
# ${TMPDIR:-/tmp}), PEER_PY_MODULES / PEER_GLIB_TESTS (space-separated
# subsets of the lists below).  Exit status: 0 same results, 1 a difference, 2 setup
# failure.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIB=${1:-${SKCEXEC_LIB:-$ROOT/build/libskcexec.so}}
SUITES=${PEER_SUITES:-python glib}
MODES=${PEER_MODES:-plain preload caller}
JOBS=${PEER_JOBS:-2}
# The release's default python3.X: what /usr/bin/python3 is, else what
# apt's python3 depends on (before it is installed).
py_version() {
    local v
    v=$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) ||
        v=$(apt-cache depends python3 2>/dev/null |
            sed -n 's/^ *Depends: python\(3\.[0-9][0-9]*\)$/\1/p' | head -n 1)
    echo "${v:-3}"
}
PYV=${PEER_PY_VERSION:-$(py_version)}
PY=/usr/bin/python$PYV
GLIB_META=/usr/share/installed-tests/glib

PY_MODULES=(test_subprocess test_posix test_os test_popen test_pty
            test_wait3 test_wait4 test_fork1 test_signal test_cmd_line
            test_cmd_line_script test_asyncio.test_subprocess test_shutil)
PY_CALLERS=python$PYV,python3

# The GLib tests that start processes, found by counting the processes each
# of the 287 installed tests starts; left out: `file` and `fileutils` (fail
# as root), `codegen.py`, `gvariant` (long, and start few processes).
GLIB_TESTS=(gsubprocess spawn-singlethread spawn-multithreaded
            spawn-path-search spawn-test gdbus-connection-slow
            gdbus-subscribe gdbus-names gdbus-exit-on-close gdbus-connection
            gdbus-peer gdbus-proxy gdbus-proxy-well-known-name
            gdbus-proxy-unique-name gdbus-proxy-threads
            gdbus-address-get-session gdbus-test-codegen gapplication actions
            fdo-notification-backend debugcontroller gnotification
            gmenumodel protocol mkenums.py genmarshal.py gobject-query.py
            assert-msg-test.py mem-overflow logging network-monitor-race
            option-context io-channel-basic convert utils task signals
            param test-printf deprecated-properties testing unix contexts)
if [[ -n ${PEER_PY_MODULES:-} ]]; then read -ra PY_MODULES <<<"$PEER_PY_MODULES"; fi
if [[ -n ${PEER_GLIB_TESTS:-} ]]; then read -ra GLIB_TESTS <<<"$PEER_GLIB_TESTS"; fi
GLIB_HELPERS=python$PYV,dbus-daemon,gsubprocess-testprog,spawn-test-helper,spawn-path-search-helper,test-spawn-echo,echo-script

die() { echo "peer-test: $*" >&2; exit 2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }

# A clean environment: no inherited preload, shim settings or Python knobs
# (PYTHONUNBUFFERED alone makes test_cmd_line fail).
unset LD_PRELOAD
while IFS= read -r v; do
    case $v in SKCEXEC_* | PYTHON*) unset "$v" ;; esac
done < <(compgen -e)

[[ -f $LIB ]] || die "no library at $LIB (run make first)"
LIB=$(realpath "$LIB")
OUT=${PEER_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/peer-test.XXXXXX")}
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
rm -rf "$OUT"/python.* "$OUT"/glib.* "$OUT"/report.txt "$OUT"/verdicts

# --- packages ----------------------------------------------------------------

need_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q 'install ok installed' || missing+=("$p")
    done
    ((${#missing[@]} == 0)) && return 0
    local sudo=()
    ((EUID == 0)) || sudo=(sudo)
    echo "peer-test: installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null ||
        die "apt-get install ${missing[*]} failed"
}

# --- running a command in a mode ---------------------------------------------

# run_mode MODE CALLERS CMD...: CMD with the mode's environment.
run_mode() {
    local mode=$1 callers=$2
    shift 2
    case $mode in
        plain) "$@" ;;
        preload) env LD_PRELOAD="$LIB" "$@" ;;
        caller) env LD_PRELOAD="$LIB" SKCEXEC_CALLERS="$callers" "$@" ;;
        target) env LD_PRELOAD="$LIB" SKCEXEC_CALLERS="$callers" \
            SKCEXEC_TARGETS="$callers,sh,bash,true,false,echo,cat,env" "$@" ;;
        *) die "unknown mode $mode" ;;
    esac
}

# The caller modes are worthless if the shim does not see the process as a
# caller: check that it speaks (SKCEXEC_VERBOSE=2) about a spawn.
check_caller() {
    local log=$OUT/caller-check.log
    env LD_PRELOAD="$LIB" SKCEXEC_CALLERS="$PY_CALLERS" SKCEXEC_VERBOSE=2 \
        "$PY" -c 'import os
os.waitpid(os.posix_spawn("/bin/true", ["true"], os.environ), 0)' 2>"$log" ||
        true
    if ! grep -q 'spawns true: inert (not a target)' "$log"; then
        die "the shim does not act as configured in a caller (see $log)"
    fi
}

# --- python ------------------------------------------------------------------

# py_run MODE DIR MODULE...: regrtest, then DIR/rows and DIR/tests.
py_run() {
    local mode=$1 dir=$2
    shift 2
    mkdir -p "$dir"
    (cd "$dir" && run_mode "$mode" "$PY_CALLERS" "$PY" -m test -j"$JOBS" \
        --timeout 900 --junit-xml "$dir/junit.xml" "$@" >"$dir/log" 2>&1) || true
    "$PY" - "$dir" "$@" <<'EOF'
# rows: "python/MODULE STATUS PASS FAIL SKIP"; tests: "python/MODULE::ID OUTCOME"
import os, re, sys
import xml.etree.ElementTree as ET
d, mods = sys.argv[1], sys.argv[2:]
status = {m: "missing" for m in mods}
for line in open(os.path.join(d, "log"), errors="replace"):
    m = re.search(r"\[\s*\d+/\d+(?:/\d+)?\] (\S+) (.*)$", line.rstrip())
    if m and m.group(1) in status:
        s = m.group(2).split(" -- ")[0]
        s = re.sub(r"\s*\((?:\d+ (?:hour|min) )*[\d.]+ (?:sec|ms)\)", "", s)
        status[m.group(1)] = s.strip().replace(" ", "_") or "?"
counts = {m: [0, 0, 0] for m in mods}
tests = []
try:
    root = ET.parse(os.path.join(d, "junit.xml")).getroot()
    cases = root.iter("testcase")
except (OSError, ET.ParseError):
    cases = []
by_len = sorted(mods, key=len, reverse=True)
for c in cases:
    name = c.get("name", "")
    mod = next((m for m in by_len if name.startswith("test." + m + ".")), None)
    if mod is None:
        continue
    kids = {k.tag for k in c}
    out = 1 if kids & {"failure", "error"} else 2 if "skipped" in kids else 0
    counts[mod][out] += 1
    tests.append("python/%s::%s %s" % (mod, name, ("pass", "fail", "skip")[out]))
with open(os.path.join(d, "rows"), "w") as f:
    for m in sorted(mods):
        f.write("python/%s %s %d %d %d\n" % (m, status[m], *counts[m]))
with open(os.path.join(d, "tests"), "w") as f:
    f.write("".join(t + "\n" for t in sorted(tests)))
EOF
}

# --- glib --------------------------------------------------------------------

# glib_one NAME: one installed test, in its own scratch folder, TAP output.
# Runs under xargs, so it reads its mode from the environment.
glib_one() {
    local name=$1 rc=0 tmp exec_line
    exec_line=$(sed -n 's/^Exec=//p' "$GLIB_META/$name.test")
    local -a cmd
    read -ra cmd <<<"$exec_line"
    tmp=$(mktemp -d)
    local t0=$EPOCHREALTIME
    (cd "$tmp" && run_mode "$PEER_MODE" "$name,$GLIB_HELPERS" \
        timeout 300 "${cmd[@]}" </dev/null >"$PEER_DIR/$name.tap" \
        2>"$PEER_DIR/$name.err") || rc=$?
    echo "$rc" >"$PEER_DIR/$name.rc"
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", b - a }' \
        >"$PEER_DIR/$name.time"
    rm -rf "$tmp"
}

# glib_run MODE DIR TEST...: then DIR/rows and DIR/tests.
glib_run() {
    local mode=$1 dir=$2 t
    shift 2
    mkdir -p "$dir"
    export -f glib_one run_mode die
    export LIB GLIB_META GLIB_HELPERS
    # shellcheck disable=SC2016 # $1 is bash -c's own argument
    printf '%s\n' "$@" |
        PEER_MODE=$mode PEER_DIR=$dir xargs -P "$JOBS" -n 1 \
            bash -c 'glib_one "$1"' glib_one
    : >"$dir/rows"
    : >"$dir/tests"
    for t in "$@"; do
        # TAP: "ok N /path", "ok N /path # SKIP why", "not ok N /path".
        awk -v t="glib/$t" -v rc="$(cat "$dir/$t.rc")" -v tests="$dir/tests" '
            /^ok / && /# [Ss][Kk][Ii][Pp]/ { s++; print t "::" $3, "skip" >> tests; next }
            /^ok /                         { p++; print t "::" $3, "pass" >> tests; next }
            /^not ok / && /# TODO/         { s++; print t "::" $4, "todo" >> tests; next }
            /^not ok /                     { f++; print t "::" $4, "fail" >> tests; next }
            /^Bail out!/                   { bail = "_bail_out" }
            END { printf "%s rc=%s%s %d %d %d\n", t, rc, bail, p, f, s }
        ' "$dir/$t.tap" >>"$dir/rows"
    done
    LC_ALL=C sort -o "$dir/rows" "$dir/rows"
    LC_ALL=C sort -o "$dir/tests" "$dir/tests"
}

# --- one suite, all modes ----------------------------------------------------

# suite_run SUITE MODE DIR [MODULE...]: all of the suite's modules by default.
suite_run() {
    local suite=$1 mode=$2 dir=$3
    shift 3
    case $suite in
        python) (($#)) || set -- "${PY_MODULES[@]}"; py_run "$mode" "$dir" "$@" ;;
        glib) (($#)) || set -- "${GLIB_TESTS[@]}"; glib_run "$mode" "$dir" "$@" ;;
    esac
}

declare -A WALL
FAILED=0
REPORT=$OUT/report.txt
: >"$REPORT"

row_of() { awk -v m="$1" '$1 == m' "$2"; }
tests_of() { awk -v m="$1::" 'index($1, m) == 1' "$2"; }

compare_suite() {
    local suite=$1 mode mod b r
    for mode in $MODES; do
        [[ $mode == plain ]] && continue
        # Modules whose rows differ from the plain run's.
        while read -r mod; do
            [[ -n $mod ]] || continue
            echo "== $suite: $mod differs in mode $mode; re-running it alone" |
                tee -a "$REPORT"
            local short=${mod#*/}
            suite_run "$suite" plain "$OUT/$suite.rerun.plain.$short" "$short"
            suite_run "$suite" "$mode" "$OUT/$suite.rerun.$mode.$short" "$short"
            b=$(cat "$OUT/$suite.rerun.plain.$short/rows")
            r=$(cat "$OUT/$suite.rerun.$mode.$short/rows")
            {
                echo "   first:  plain   $(row_of "$mod" "$OUT/$suite.plain/rows")"
                echo "           $mode $(row_of "$mod" "$OUT/$suite.$mode/rows")"
                echo "   rerun:  plain   $b"
                echo "           $mode $r"
                echo "   tests that differed the first time:"
                diff <(tests_of "$mod" "$OUT/$suite.plain/tests") \
                    <(tests_of "$mod" "$OUT/$suite.$mode/tests") |
                    grep '^[<>]' | head -20 | sed 's/^/     /' || true
            } | tee -a "$REPORT"
            if [[ $b == "$r" ]]; then
                echo "   => flaky: the re-runs agree" | tee -a "$REPORT"
                echo "$mod $mode flaky" >>"$OUT/verdicts"
            else
                echo "   => DIFFERENT" | tee -a "$REPORT"
                echo "$mod $mode DIFFERENT" >>"$OUT/verdicts"
                FAILED=1
            fi
        done < <(LC_ALL=C join -a1 -a2 -e none -o 0,1.2,1.3,1.4,1.5,2.2,2.3,2.4,2.5 \
            "$OUT/$suite.plain/rows" "$OUT/$suite.$mode/rows" |
            awk '$2 != $6 || $3 != $7 || $4 != $8 || $5 != $9 { print $1 }')
    done
}

print_table() {
    local suite=$1 mode files=() header="module"
    for mode in $MODES; do
        files+=("$OUT/$suite.$mode/rows")
        header+=" $mode"
    done
    echo
    echo "$suite: outcome pass/fail/skip per module"
    {
        echo "$header verdict"
        awk -v nmodes="${#files[@]}" -v verdicts="$OUT/verdicts" '
            BEGIN { while ((getline l < verdicts) > 0) { split(l, v, " "); ver[v[1]] = ver[v[1]] v[2] ":" v[3] " " } }
            { key = $1; cell = $2 "_" $3 "/" $4 "/" $5
              if (!(key in row)) order[++n] = key
              row[key] = row[key] " " cell
              if (FNR == 1) file++
              if (file == 1) { for (i = 3; i <= 5; i++) tot[i] += $i } }
            END {
              for (i = 1; i <= n; i++) {
                k = order[i]; split(substr(row[k], 2), c, " ")
                same = 1; for (j = 2; j <= nmodes; j++) if (c[j] != c[1]) same = 0
                printf "%s%s %s\n", k, row[k], same ? "same" : (k in ver ? ver[k] : "DIFFERENT")
              }
              printf "TOTAL(plain) %d_tests %d_passed %d_failed %d_skipped\n", tot[3] + tot[4] + tot[5], tot[3], tot[4], tot[5]
            }' "${files[@]}"
    } | column -t | tee -a "$REPORT"
}

# --- main ----------------------------------------------------------------------

pkgs=()
for s in $SUITES; do
    case $s in
        python) pkgs+=("python$PYV" "libpython$PYV-testsuite") ;;
        glib) pkgs+=(libglib2.0-tests dbus-daemon) ;;
        *) die "unknown suite $s (python, glib)" ;;
    esac
done
need_packages "${pkgs[@]}"
if [[ " $SUITES " == *" glib "* ]]; then
    present=() absent=()
    for t in "${GLIB_TESTS[@]}"; do
        if [[ -f $GLIB_META/$t.test ]]; then present+=("$t"); else absent+=("$t"); fi
    done
    ((${#absent[@]} == 0)) || echo "peer-test: glib: not installed by this GLib, left out: ${absent[*]}"
    ((${#present[@]})) || die "none of the GLib tests is installed in $GLIB_META"
    GLIB_TESTS=("${present[@]}")
fi
check_caller
: >"$OUT/verdicts"

echo "peer-test: library $LIB, results in $OUT, $JOBS jobs"
for s in $SUITES; do
    for m in $MODES; do
        t0=$(now)
        suite_run "$s" "$m" "$OUT/$s.$m"
        WALL[$s.$m]=$(elapsed "$t0" "$(now)")
        echo "peer-test: $s $m: ${WALL[$s.$m]} s"
    done
    compare_suite "$s"
done

for s in $SUITES; do
    print_table "$s"
done
echo
{
    echo "wall time (s):"
    for s in $SUITES; do
        line="  $s:"
        for m in $MODES; do line+=" $m ${WALL[$s.$m]}"; done
        echo "$line"
    done
    echo "total: ${SECONDS} s"
} | tee -a "$REPORT"
if ((FAILED)); then
    echo "peer-test: RESULTS DIFFER (details in $REPORT)"
    exit 1
fi
echo "peer-test: same results in every mode ($REPORT)"
