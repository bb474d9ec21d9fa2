#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# skcexec-profile: the memory profiler (cmd/skcexec-profile.c).  The fixture
# hog (tests/fixtures/hog.c) makes processes of known size; sizes are
# asserted with a margin, never times.

load helpers

# The profiler counts orphans, and ends what a job leaves, as the job's
# child subreaper.  qemu-user does not emulate PR_SET_CHILD_SUBREAPER
# (EINVAL): the profiler then says so on stderr, and most of these tests,
# which assert its stderr, orphans and signals, cannot hold.  Once per file.
setup_file() {
    local why
    why=$("$BUILD/bin/skcexec-profile" -- true 2>&1 >/dev/null |
          grep -m 1 'PR_SET_CHILD_SUBREAPER') || true
    export PROFILE_SKIP=${why:+"no child subreaper here ($why)"}
}

setup() {
    [ -z "${PROFILE_SKIP:-}" ] || skip "$PROFILE_SKIP"
    setup_fixtures
    PROFILE="$BUILD/bin/skcexec-profile"
    HOG="$BUILD/fixtures/hog"
    [ -x "$PROFILE" ] && [ -x "$HOG" ] ||
        { echo "build $PROFILE and $HOG first (make bats)" >&2; return 1; }
}

# Processes a test may leave behind when the profiler under test fails
# (a hang): their pid files, ended in teardown if they still run one of
# the programs named here.
teardown() {
    local f pid
    for f in "$T"/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        case "$(cat "/proc/$pid/comm" 2>/dev/null)" in
        sleep | skcexec-profile | gnuplot) kill -KILL "$pid" 2>/dev/null || true ;;
        esac
    done
}

# The negation as a command (see gone in helpers.bash).
no_group_left() { ! groups_left "$1"; }

# signal_job PID KILL_ARGS...: kill KILL_ARGS, then wait for PID (the
# profiler, a `&` job of the test) to be gone and set status to its exit
# status.
signal_job() {
    local pid=$1
    shift
    kill "$@"
    gone_within "$pid"
    status=0
    wait "$pid" || status=$?
}

# Whether any group of the profiler whose pid is $1 is left.
groups_left() {
    [ -n "$(find /sys/fs/cgroup -maxdepth 8 -type d \
        \( -name "skcexec-profile.$1" -o -name "skcexec-profile.$1.*" \) 2>/dev/null)" ]
}

# The value of KEY= in the summary line of the report in file $1.
field_of() {
    local line
    line=$(grep '^skcexec-profile: peak_mib=' "$1") || return 1
    printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

@test "sampled: 200 MiB + a concurrent 100 MiB child peak at about 300 MiB" {
    "$PROFILE" --no-cgroup --interval 20 -- "$HOG" -c 100 -m 200 -s 1000 2>prof.log
    cat prof.log
    [ "$(field_of prof.log source)" = sampled ]
    [ "$(field_of prof.log oom_kill)" = "?" ]
    peak=$(field_of prof.log peak_mib)
    [ "$peak" -ge 280 ] && [ "$peak" -lt 400 ]
    grep -q "^peak: $peak MiB (sampled every 20 ms: an estimate" prof.log
    # both hogs are in the PEAK line, and the total is the summary's
    grep -Eq "^T\+[0-9]+\.[0-9]s  PEAK  hog [0-9]+ MiB \+ hog [0-9]+ MiB = $peak MiB total$" prof.log
}

@test "sampled: 200 MiB then 100 MiB one after the other peak at about 200 MiB" {
    # shellcheck disable=SC2016 # expanded by the inner sh
    "$PROFILE" --no-cgroup --interval 20 -- \
        sh -c '"$0" -m 200 -s 500 && "$0" -m 100 -s 500' "$HOG" 2>prof.log
    cat prof.log
    peak=$(field_of prof.log peak_mib)
    [ "$peak" -ge 190 ] && [ "$peak" -lt 260 ]
    # two hogs, two pids, each with its own maximum
    [ "$(grep -Ec '^T\+.*  hog\[[0-9]+\]  exited, max 2[01][0-9] MiB$' prof.log)" -eq 1 ]
    [ "$(grep -Ec '^T\+.*  hog\[[0-9]+\]  exited, max 1[01][0-9] MiB$' prof.log)" -eq 1 ]
}

@test "the command's exit status passes through, and is in the summary" {
    run --separate-stderr "$PROFILE" --quiet -- true
    [ "$status" -eq 0 ]
    [[ "$stderr" == *" status=0 "* ]]
    run --separate-stderr "$PROFILE" --quiet -- sh -c 'exit 3'
    [ "$status" -eq 3 ]
    [[ "$stderr" == *" status=3 "* ]]
    run --separate-stderr "$PROFILE" --quiet -- sh -c 'kill -9 $$'
    [ "$status" -eq 137 ]
    [[ "$stderr" == *" status=137 "* ]]
}

@test "a command that cannot be found is 127, one that cannot run 126" {
    run -127 --separate-stderr "$PROFILE" --quiet -- no-such-command-here
    [ "$status" -eq 127 ]
    [[ "$stderr" == *"skcexec-profile: no-such-command-here: No such file or directory"* ]]
    [[ "$stderr" == *" status=127 "* ]]
    printf 'not a program\n' >notexec
    chmod 644 notexec
    run --separate-stderr "$PROFILE" --quiet -- ./notexec
    [ "$status" -eq 126 ]
}

@test "bad options: one line on stderr, status 2, the command not run" {
    for args in "--bogus" "--interval 0" "--interval abc" "--interval" \
                "--top 0" "--limit -5" "--chart out.jpg" "--csv /nonexistent/dir/x.csv" \
                "--no-cgroup --limit 100"; do
        # shellcheck disable=SC2086 # the options are split on purpose
        run --separate-stderr "$PROFILE" $args -- touch ran
        echo "args '$args': status $status, stderr: $stderr"
        [ "$status" -eq 2 ]
        [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
        [[ "$stderr" == "skcexec-profile: "* ]]
        [ -z "$output" ]
        [ ! -e ran ]
    done
    run --separate-stderr "$PROFILE"
    [ "$status" -eq 2 ]
    [ "$stderr" = "skcexec-profile: no command given (see skcexec-profile --help)" ]
}

@test "--help and --version" {
    run "$PROFILE" --version
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^skcexec-profile\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
    run "$PROFILE" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--interval MS"* ]]
}

@test "the report goes to stderr or --output, never into the command's stdout" {
    "$PROFILE" -- sh -c 'echo from-cmd' >out 2>err
    [ "$(cat out)" = from-cmd ]
    grep -q '^skcexec-profile: peak_mib=' err
    "$PROFILE" --output prof.log -- sh -c 'echo from-cmd; echo cmd-err >&2' >out 2>err
    [ "$(cat out)" = from-cmd ]
    [ "$(cat err)" = cmd-err ]
    grep -q '^skcexec-profile: peak_mib=' prof.log
}

@test "time line: one line per event of the biggest processes, then the summary" {
    "$PROFILE" --interval 20 -- "$HOG" -c 100 -m 200 -s 800 2>prof.log
    cat prof.log
    grep -q '^time line (RSS sampled every 20 ms; the 2 biggest processes):$' prof.log
    # every line is a time line entry or one of the summary lines
    [ "$(grep -Evc '^(time line |T\+[0-9]+\.[0-9]s  |peak: |skcexec-profile: peak_mib=)' prof.log)" -eq 0 ]
    [ "$(grep -c '^skcexec-profile: peak_mib=' prof.log)" -eq 1 ]
    [ "$(grep -c '^peak: ' prof.log)" -eq 1 ]
    [ "$(grep -c '  PEAK  ' prof.log)" -eq 1 ]
    [ "$(grep -Ec '^T\+[0-9.]+s  hog\[[0-9]+\]  [0-9]+ MiB  \(started\)$' prof.log)" -eq 2 ]
    [ "$(grep -c 'exited, max' prof.log)" -eq 2 ]
    [ "$(grep -c '^T+' prof.log)" -le 40 ]
    # --quiet: the summary only
    "$PROFILE" --quiet -- "$HOG" -m 10 2>prof.log
    [ "$(wc -l <prof.log)" -eq 2 ]
    ! grep -q '^T+' prof.log
}

@test "--top limits the processes shown" {
    "$PROFILE" --top 1 --interval 20 -- "$HOG" -c 50 -m 150 -s 600 2>prof.log
    cat prof.log
    [ "$(grep -c '(started)' prof.log)" -eq 1 ]
    grep -Eq '^T\+.*  hog\[[0-9]+\]  exited, max 1[45][0-9] MiB$' prof.log
    # the PEAK line names one process and counts the other
    grep -Eq '  PEAK  hog [0-9]+ MiB \+ 1 other [0-9]+ MiB = [0-9]+ MiB total$' prof.log
}

@test "--csv: a header, one row per process per sample, a TOTAL row per sample" {
    "$PROFILE" --quiet --csv s.csv --interval 20 -- "$HOG" -m 200 -s 500 2>prof.log
    [ "$(head -n 1 s.csv)" = "t_ms,pid,comm,rss_kib" ]
    [ "$(tail -n +2 s.csv | grep -Evc '^[0-9]+,[0-9]+,[^,]+,[0-9]+$')" -eq 0 ]
    totals=$(grep -c '^[0-9]*,0,TOTAL,' s.csv)
    [ "$totals" -ge 5 ]
    # one sample's rows add up to its TOTAL row, and the hog's peak is there
    awk -F, 'NR > 1 && $3 != "TOTAL" { sum[$1] += $4 }
             $3 == "TOTAL" && sum[$1] != $4 { bad = 1 }
             $3 == "hog" && $4 > max { max = $4 }
             END { exit bad || max < 190 * 1024 }' s.csv
    # only the command's processes: none of ours or our parents'
    [ "$(cut -d, -f3 s.csv | tail -n +2 | sort -u | tr '\n' ' ')" = "TOTAL hog " ]
}

@test "--chart without gnuplot: one line, the run goes on, the status is the command's" {
    mkdir nognuplot
    run --separate-stderr env PATH="$T/nognuplot" "$PROFILE" --quiet --chart c.png \
        -- /bin/sh -c 'exit 3'
    [ "$status" -eq 3 ]
    [ "$(printf '%s\n' "$stderr" | grep -c 'gnuplot')" -eq 1 ]
    [[ "$stderr" == *"skcexec-profile: gnuplot not found; no chart (apt-get install gnuplot-nox)"* ]]
    [[ "$stderr" == *" status=3 "* ]]
    [ ! -e c.png ]
}

@test "--chart with gnuplot: a PNG and an SVG" {
    command -v gnuplot >/dev/null || skip "gnuplot is not installed"
    run --separate-stderr "$PROFILE" --quiet --chart c.png --interval 20 -- "$HOG" -c 50 -m 100 -s 300
    [ "$status" -eq 0 ]
    [ -s c.png ]
    [ "$(head -c 4 c.png | od -An -c | tr -d ' ')" = '211PNG' ]
    run --separate-stderr "$PROFILE" --quiet --chart c.svg --interval 20 -- "$HOG" -m 100 -s 300
    [ "$status" -eq 0 ]
    grep -q '<svg' c.svg
    grep -q 'total' c.svg
}

@test "in-place exec (the shim): skc and clang++ show with one pid" {
    export FAKECLANG_ALLOC_MB=50 FAKECLANG_HOLD_MS=500
    # --late-writer: skc stays skc for 300 ms (the shim waits for its IR),
    # so even a loaded machine's sampler sees it before the exec
    "$PROFILE" --interval 20 -- env LD_PRELOAD="${SHIM_PRELOAD:-$LIB}" \
        skc --hold-mb 100 --late-writer 300 -o out --pidfile skc.pid 2>prof.log
    cat prof.log
    pid=$(cat skc.pid)
    grep -Eq "^T\+.*  skc\[$pid\]  exec'd clang\+\+, max [0-9]+ MiB$" prof.log
    grep -Eq "^T\+.*  clang\+\+\[$pid\]  [0-9]+ MiB  \(exec in the same pid, was skc\)$" prof.log
    # control: without the shim clang++ is another process
    "$PROFILE" --interval 20 -- skc --hold-mb 100 -o out --pidfile skc.pid 2>prof.log
    cat prof.log
    # (a loaded machine may sample the forked child as skc before its
    # exec: "exec in the same pid, was skc", of the child's pid)
    grep -Eq "^T\+.*  clang\+\+\[[0-9]+\]  " prof.log
    ! grep -q "clang++\[$(cat skc.pid)\]" prof.log
}

@test "orphans (a child outliving its parent) are still counted" {
    "$PROFILE" --no-cgroup --interval 20 -- "$HOG" -c 150 -o -s 600 2>prof.log
    cat prof.log
    # the child touches its 150 MiB only once its parent is gone
    peak=$(field_of prof.log peak_mib)
    [ "$peak" -ge 140 ]
    [ "$(field_of prof.log status)" -eq 0 ]
    grep -Eq '^T\+.*  hog\[[0-9]+\]  exited, max 1[45][0-9] MiB$' prof.log
}

@test "SIGTERM to the profiler reaches the command; the report still comes" {
    "$PROFILE" --quiet -- sh -c 'echo up >up; exec sleep 60' 2>prof.log &
    pid=$!
    wait_for up
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    cat prof.log
    [ "$status" -eq 143 ]
    [ "$(field_of prof.log status)" -eq 143 ]
}

@test "cgroup: the peak is the kernel's, the group is removed afterwards" {
    memory_cgroup_root >/dev/null || skip "no writable cgroup v1 or v2 memory controller"
    # sh tells the profiler's pid, which names the group
    sh -c 'echo $$ >profiler.pid; exec "$0" --interval 20 -- "$1" -c 100 -m 200 -s 500' \
        "$PROFILE" "$HOG" 2>prof.log
    cat prof.log
    source=$(field_of prof.log source)
    [[ "$source" == cgroup-v[12] ]]
    [ "$(field_of prof.log oom_kill)" = 0 ]
    peak=$(field_of prof.log peak_mib)
    [ "$peak" -ge 290 ] && [ "$peak" -lt 400 ]
    grep -q "^peak: $peak MiB (cgroup v[12] .*: authoritative; sampled RSS sum [0-9]* MiB)$" prof.log
    no_group_left "$(cat profiler.pid)"
}

@test "--limit: a command above the limit is OOM-killed and the summary says so" {
    memory_cgroup_root >/dev/null || skip "no writable cgroup v1 or v2 memory controller"
    run --separate-stderr "$PROFILE" --quiet --limit 64 -- "$HOG" -m 300 -s 100
    echo "$stderr"
    [ "$status" -eq 137 ]
    [[ "$stderr" == *"oom: the kernel killed 1 process of the group (memory limit reached)"* ]]
    [[ "$stderr" == *" oom_kill=1 status=137 "* ]]
    # under the limit: no OOM
    run --separate-stderr "$PROFILE" --quiet --limit 200 -- "$HOG" -m 50
    [ "$status" -eq 0 ]
    [[ "$stderr" == *" oom_kill=0 status=0 "* ]]
}

@test "no writable cgroup: sampled with the reason; --limit refuses to run" {
    [ "$(id -u)" -eq 0 ] || skip "needs root (a mount namespace hiding /sys/fs/cgroup)"
    unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"
    # A private mount namespace where /sys/fs/cgroup is an empty tmpfs.
    # shellcheck disable=SC2016 # expanded by the inner sh
    run --separate-stderr unshare -m sh -c \
        'mount -t tmpfs none /sys/fs/cgroup && exec "$0" --quiet -- "$1" -m 20' \
        "$PROFILE" "$HOG"
    echo "$stderr"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"source=sampled oom_kill=? status=0 "* ]]
    [[ "$stderr" == *"(sampled every 100 ms: an estimate, the true peak may be higher; no memory cgroup: "* ]]
    # shellcheck disable=SC2016 # expanded by the inner sh
    run --separate-stderr unshare -m sh -c \
        'mount -t tmpfs none /sys/fs/cgroup && exec "$0" --limit 100 -- touch ran' "$PROFILE"
    echo "$stderr"
    [ "$status" -eq 2 ]
    [ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
    [[ "$stderr" == "skcexec-profile: --limit needs a writable memory cgroup: "* ]]
    [ ! -e ran ]
}

# ---- signals, odd paths and clashes -----------------------------------------

@test "^C ends the run once CMD has exited: the job and the daemon it left are ended" {
    # Like a terminal's ^C: SIGINT to the whole process group the profiler
    # leads.  The `&` job ignores SIGINT; the setsid daemon is in another
    # session and ignores SIGTERM too, so only the SIGKILL after the grace
    # period ends it.
    # shellcheck disable=SC2016 # expanded by the inner sh
    setsid env --default-signal=INT "$PROFILE" --interval 50 -- sh -c \
        'sleep 60 & echo $! >job.pid
         setsid sh -c "trap \"\" TERM HUP; exec sleep 60" & echo $! >daemon.pid
         exit 0' 2>prof.log &
    pid=$!
    echo "$pid" >profiler.pid
    wait_for job.pid && wait_for daemon.pid
    sleep 0.3
    signal_job "$pid" -INT -- "-$pid"
    cat prof.log
    gone "$(cat job.pid)"
    gone "$(cat daemon.pid)"
    # the status stays the command's, the report comes, the group goes
    [ "$status" -eq 0 ]
    grep -q '^stopped: SIGINT received; what was left of the tree was ended$' prof.log
    [ "$(field_of prof.log status)" -eq 0 ]
    no_group_left "$pid"
}

@test "a signal reaches the processes started after the last sample" {
    # One sample only (at the start, when sh is all there is); the job
    # appears after it.
    for cgroup in no yes; do
        args=(--interval 3600000)
        [ "$cgroup" = yes ] || args+=(--no-cgroup)
        rm -f job.pid
        # shellcheck disable=SC2016 # expanded by the inner sh
        "$PROFILE" "${args[@]}" -- sh -c \
            'sleep 0.3; sleep 60 & echo $! >job.pid; exec sleep 60' 2>prof.log &
        pid=$!
        echo "$pid" >profiler.pid
        wait_for job.pid
        signal_job "$pid" -TERM "$pid"
        cat prof.log
        gone "$(cat job.pid)"
        [ "$status" -eq 143 ]
    done
}

@test "SIGPIPE on the report, SIGQUIT, SIGUSR1: the group is removed, the status is CMD's" {
    # The reader of the report goes away: the report ends quietly.
    # shellcheck disable=SC2016 # expanded by the inner sh
    sh -c 'echo $$ >profiler.pid; exec "$0" -- sh -c "seq 100000; sleep .3"' "$PROFILE" 2>&1 |
        head -n 3 >head.out
    [ "${PIPESTATUS[0]}" -eq 0 ]
    [ "$(cat head.out)" = "$(seq 3)" ]
    no_group_left "$(cat profiler.pid)"
    # Other signals that would kill the profiler end the run instead.
    # (env: a `&` job of a script starts with SIGQUIT ignored.)
    ulimit -c 0
    for sig in QUIT USR1; do
        env --default-signal=QUIT "$PROFILE" -- sh -c 'echo up >up; exec sleep 60' 2>prof.log &
        pid=$!
        echo "$pid" >profiler.pid
        wait_for up
        signal_job "$pid" "-$sig" "$pid"
        cat prof.log
        [ "$status" -eq $((128 + $(kill -l "$sig"))) ]
        grep -q "^stopped: SIG$sig received" prof.log
        grep -q '^skcexec-profile: peak_mib=' prof.log
        no_group_left "$pid"
        rm -f up
    done
}

@test "a fault of the profiler (SIGSEGV) still ends the group's processes and removes it" {
    memory_cgroup_root >/dev/null || skip "no writable cgroup v1 or v2 memory controller"
    # shellcheck disable=SC2016 # expanded by the inner sh
    "$PROFILE" -- sh -c 'echo $$ >cmd.pid; exec sleep 60' 2>prof.log &
    pid=$!
    echo "$pid" >profiler.pid
    wait_for cmd.pid
    ulimit -c 0
    signal_job "$pid" -SEGV "$pid"
    [ "$status" -eq 139 ]
    gone_within "$(cat cmd.pid)" 5
    no_group_left "$pid"
}

@test "cgroup: a unique name, made inside our own group even when the pid's name is taken" {
    own=$(own_memcg) && [ -w "$own" ] || skip "no writable cgroup v1 memory group of our own"
    # A group left by an earlier profiler with the same pid.
    # shellcheck disable=SC2016 # expanded by the inner sh
    sh -c 'echo $$ >profiler.pid; mkdir "$1/skcexec-profile.$$" || exit 99
           exec "$0" --quiet -- sh -c "sed -n \"s/^[0-9]*:memory://p\" /proc/self/cgroup >cmd.cg"' \
        "$PROFILE" "$own" 2>prof.log || status=$?
    pid=$(cat profiler.pid)
    rmdir "$own/skcexec-profile.$pid"
    cat prof.log cmd.cg
    [ "${status:-0}" -eq 0 ]
    [ "$(field_of prof.log source)" = cgroup-v1 ]
    rel=${own#/sys/fs/cgroup/memory}
    [[ "$(cat cmd.cg)" == "$rel/skcexec-profile.$pid."* ]]
    no_group_left "$pid"
}

@test "cgroup: when our own group cannot hold a group, sampled with the reason, never elsewhere" {
    own=$(own_memcg) && [ -w "$own" ] || skip "no writable cgroup v1 memory group of our own"
    unshare -m true 2>/dev/null || skip "unshare -m is not permitted here"
    # A mount namespace where our own group is read-only (the hierarchy's
    # root is still writable).
    # shellcheck disable=SC2016 # expanded by the inner sh
    run --separate-stderr unshare -m sh -c \
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" &&
         exec "$0" --quiet -- sh -c "sed -n \"s/^[0-9]*:memory://p\" /proc/self/cgroup >cmd.cg"' \
        "$PROFILE" "$own"
    echo "$stderr"
    [ "$status" -eq 0 ]
    [[ "$stderr" == *"source=sampled "* ]]
    [[ "$stderr" == *"; no memory cgroup: "*"cgroup v1: cannot make a group in our group $own: Read-only file system)"* ]]
    [ "$(cat cmd.cg)" = "${own#/sys/fs/cgroup/memory}" ]
}

@test "--chart: a title from CMD's arguments cannot run gnuplot commands" {
    command -v gnuplot >/dev/null || skip "gnuplot is not installed"
    run --separate-stderr "$PROFILE" --quiet --chart c.svg -- \
        sh -c : "$(printf 'x\nsystem("touch pwned")\nset title "y')"
    echo "$stderr"
    [ "$status" -eq 0 ]
    [ ! -e pwned ]
    grep -q '<svg' c.svg
}

@test "--chart: gnuplot starts with no blocked signal, and a signal ends it" {
    # A gnuplot that tells its signal state, then hangs.  Perl (Essential
    # in Debian), not sh: dash unblocks every signal when it starts.
    [ -x /usr/bin/perl ] || skip "no /usr/bin/perl"
    mkdir gp
    cat >gp/gnuplot <<'SCRIPT'
#!/usr/bin/perl
open(my $in, '<', '/proc/self/status') or die;
open(my $out, '>', 'gnuplot.sigs.new') or die;
print $out grep { /^Sig(Blk|Ign):/ } <$in>;
close($out);
rename('gnuplot.sigs.new', 'gnuplot.sigs');
open($out, '>', 'gnuplot.pid') or die;
print $out "$$\n";
close($out);
exec('sleep', '60');
SCRIPT
    chmod +x gp/gnuplot
    PATH="$T/gp:$PATH" "$PROFILE" --quiet --chart c.png -- sh -c 'exit 3' 2>prof.log &
    pid=$!
    echo "$pid" >profiler.pid
    wait_for gnuplot.sigs && wait_for gnuplot.pid
    cat gnuplot.sigs
    # No signal blocked, none ignored but SIGFPE (bit 7: perl ignores it
    # itself) and libc's own 32 and 33 (bits 31 and 32), which no program
    # can reset and libc sets up in every one.
    blk=$(sed -n 's/^SigBlk:\t//p' gnuplot.sigs)
    ign=$(sed -n 's/^SigIgn:\t//p' gnuplot.sigs)
    [ "$((0x$blk))" -eq 0 ]
    [ "$((0x$ign & ~0x180000080))" -eq 0 ]
    signal_job "$pid" -TERM "$pid"
    cat prof.log
    gone "$(cat gnuplot.pid)"
    [ "$status" -eq 3 ]
    grep -q 'gnuplot failed; no chart' prof.log
    [ ! -e c.png ]
}

# A pid namespace without its own /proc: the profiler is pid 1 there, and
# /proc shows the host's numbers.
pidns_available() {
    [ "$(id -u)" -eq 0 ] && unshare --pid --fork true 2>/dev/null
}

@test "pid namespace with the host's /proc: the tree is CMD's, not init's children" {
    pidns_available || skip "needs root and unshare --pid"
    unshare --pid --fork "$PROFILE" --quiet --no-cgroup --interval 20 --csv s.csv \
        -- sh -c 'sleep 0.5' 2>prof.log
    cat prof.log
    [ "$(cut -d, -f3 s.csv | tail -n +2 | sort -u | tr '\n' ' ')" = "TOTAL sh sleep " ]
}

@test "pid namespace with the host's /proc: SIGTERM ends the job CMD left" {
    pidns_available || skip "needs root and unshare --pid"
    # CMD tells the profiler's host pid (its parent in /proc) and the job's.
    # shellcheck disable=SC2016 # expanded by the inner sh
    unshare --pid --fork "$PROFILE" --no-cgroup --interval 3600000 -- sh -c \
        'sh -c "read -r p rest </proc/self/stat; echo \$p >job.pid; exec sleep 60" &
         read -r a b c ppid rest </proc/self/stat; echo $ppid >profiler.pid; exit 0' \
        2>prof.log &
    wait_for profiler.pid && wait_for job.pid
    pid=$(cat profiler.pid)
    kill -TERM "$pid"
    gone_within "$pid"
    cat prof.log
    gone "$(cat job.pid)"
    grep -q '^stopped: SIGTERM received' prof.log
}

@test "--output, --csv, --chart: a planted link is never written through" {
    printf 'precious\n' >victim
    ln -s victim link.log
    ln victim hard.csv
    run --separate-stderr "$PROFILE" --quiet --output link.log -- touch ran
    echo "$stderr"
    [ "$status" -eq 2 ]
    [[ "$stderr" == "skcexec-profile: --output: link.log: is a symbolic link"* ]]
    [ ! -e ran ]
    run --separate-stderr "$PROFILE" --quiet --csv link.log -- true
    [ "$status" -eq 2 ]
    # a hard link: the name gets a new file, the other name keeps its own
    run --separate-stderr "$PROFILE" --quiet --csv hard.csv -- true
    [ "$status" -eq 0 ]
    [ "$(head -n 1 hard.csv)" = "t_ms,pid,comm,rss_kib" ]
    if command -v gnuplot >/dev/null; then
        ln -s victim link.svg
        run --separate-stderr "$PROFILE" --quiet --chart link.svg -- true
        echo "$stderr"
        [ "$status" -eq 0 ]
        [[ "$stderr" == *"skcexec-profile: --chart: link.svg: is a symbolic link"* ]]
    fi
    [ "$(cat victim)" = precious ]
    [ -L link.log ]
    # pipes and devices are still written in place; no file is left over
    "$PROFILE" --quiet --output /dev/null --csv >(cat >piped.csv) -- true
    sleep 0.5
    [ "$(head -n 1 piped.csv)" = "t_ms,pid,comm,rss_kib" ]
    [ -z "$(find . -name '.*.??????')" ]
}
