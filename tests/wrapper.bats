#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# skcexec, the wrapper command (cmd/skcexec.in, built as $BUILD/bin/skcexec):
# LD_PRELOAD handling, options, exit status, the end-to-end effect, --check,
# the installed form, and the man page.
# shellcheck disable=SC2016 # the sh -c '...' scripts expand in the child

load helpers

REPO="$BATS_TEST_DIRNAME/.."

setup() {
    setup_fixtures
    SKCEXEC="$BUILD/bin/skcexec"
    [ -x "$SKCEXEC" ] || skip "$SKCEXEC not built (make $SKCEXEC)"
    OTHER="$BUILD/fixtures/other_preload.so"
    # Under make asan, SHIM_PRELOAD is "ASAN_RT LIB": the runtime must stay
    # first, so it is the LD_PRELOAD the wrapper starts from.
    PRE=${SHIM_PRELOAD:+${SHIM_PRELOAD% *}}
    unset LD_PRELOAD SKC
}

# The wrapper, started with no preload of ours.
sx() { LD_PRELOAD="$PRE" "$SKCEXEC" "$@"; }

# LD_PRELOAD as the wrapper leaves it for CMD ("unset" if it is not set).
preload_seen() { "$@" sh -c 'printf "%s\n" "${LD_PRELOAD-unset}"'; }

@test "the library is appended to an existing LD_PRELOAD, and both are loaded" {
    run preload_seen env LD_PRELOAD="${PRE:+$PRE }$OTHER" "$SKCEXEC"
    [ "$status" -eq 0 ]
    [ "$output" = "${PRE:+$PRE }$OTHER $LIB" ]
    # both are in the memory map of CMD
    LD_PRELOAD="${PRE:+$PRE }$OTHER" "$SKCEXEC" cat /proc/self/maps >maps
    grep -qF "$(readlink -f "$LIB")" maps
    grep -qF "$(readlink -f "$OTHER")" maps
}

@test "both preloads act: clang in place, and the other library saw the spawn" {
    export OTHER_PRELOAD_LOG="$T/other.log"
    LD_PRELOAD="${PRE:+$PRE }$OTHER" run "$SKCEXEC" skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
    grep -q "^posix_spawnp clang++ pid=$(cat skc.pid)$" other.log
}

@test "a colon-separated LD_PRELOAD is kept as it is" {
    run preload_seen env LD_PRELOAD="${PRE:+$PRE:}$OTHER:$OTHER" "$SKCEXEC"
    [ "$output" = "${PRE:+$PRE:}$OTHER:$OTHER $LIB" ]
}

@test "without LD_PRELOAD (unset or empty) the library alone is added" {
    [ -z "$PRE" ] || skip "make asan preloads its runtime in every process"
    run preload_seen "$SKCEXEC"
    [ "$output" = "$LIB" ]
    run preload_seen env LD_PRELOAD= "$SKCEXEC"
    [ "$output" = "$LIB" ]
}

@test "the library is not added twice (same path, another path to it, any libskcexec.so)" {
    ln -s "$LIB" "$T/alias.so"
    mkdir -p "$T/elsewhere"
    cp "$LIB" "$T/elsewhere/libskcexec.so"
    for list in "$LIB" "$OTHER $LIB" "$LIB:$OTHER" "$OTHER $T/alias.so" \
                "$T/elsewhere/libskcexec.so"; do
        run preload_seen env LD_PRELOAD="${PRE:+$PRE }$list" "$SKCEXEC"
        [ "$output" = "${PRE:+$PRE }$list" ]
    done
}

@test "a relative libskcexec.so in LD_PRELOAD is made absolute: it loads in every directory" {
    mkdir -p sub
    cp "$LIB" sub/libskcexec.so
    run preload_seen env LD_PRELOAD="${PRE:+$PRE }sub/libskcexec.so" "$SKCEXEC"
    [ "$output" = "${PRE:+$PRE }$T/sub/libskcexec.so" ]
    # a process in another directory (skargo's env -C, make -C): no loader
    # error, and a skc there is replaced in place
    run --separate-stderr env LD_PRELOAD="${PRE:+$PRE }sub/libskcexec.so" \
        "$SKCEXEC" sh -c 'cd / && exec skc -o "$0/out" --pidfile "$0/skc.pid"' "$T"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
    # any other relative entry that names a file here is made absolute too
    mkdir -p rel
    cp "$OTHER" rel/other.so
    run preload_seen env LD_PRELOAD="${PRE:+$PRE }rel/other.so" "$SKCEXEC"
    [ "$output" = "${PRE:+$PRE }$T/rel/other.so $LIB" ]
}

@test "a stale libskcexec.so entry is replaced by the wrapper's library, a second one dropped" {
    for stale in gone/libskcexec.so /nonexistent/libskcexec.so libskcexec.so; do
        run --separate-stderr preload_seen env LD_PRELOAD="${PRE:+$PRE }$OTHER $stale" "$SKCEXEC"
        [ "$output" = "${PRE:+$PRE }$OTHER $LIB" ]
        run --separate-stderr preload_seen env LD_PRELOAD="${PRE:+$PRE }$stale:$OTHER" "$SKCEXEC"
        [ "$output" = "${PRE:+$PRE }$LIB:$OTHER" ]
    done
    # one copy only, even when the list names it twice
    run preload_seen env LD_PRELOAD="${PRE:+$PRE }$LIB $OTHER $LIB" "$SKCEXEC"
    [ "$output" = "${PRE:+$PRE }$LIB $OTHER" ]
    # the library missing too: the stale entry goes, the rest stays
    SKCEXEC_LIB=/nonexistent/x.so run --separate-stderr preload_seen \
        env LD_PRELOAD="${PRE:+$PRE }$OTHER gone/libskcexec.so" "$SKCEXEC"
    [ "$output" = "${PRE:+$PRE }$OTHER" ]
}

@test "SKCEXEC_LIB overrides the library path; a relative one is made absolute" {
    cp "$LIB" "$T/copy.so"
    SKCEXEC_LIB="$T/copy.so" run preload_seen env LD_PRELOAD="$PRE" "$SKCEXEC"
    [ "$output" = "${PRE:+$PRE }$T/copy.so" ]
    SKCEXEC_LIB=copy.so run preload_seen env LD_PRELOAD="$PRE" "$SKCEXEC"
    [ "$output" = "${PRE:+$PRE }$T/copy.so" ]
}

@test "a missing library: one line on stderr, CMD runs without it" {
    SKCEXEC_LIB=/nonexistent/libskcexec.so run --separate-stderr \
        preload_seen env LD_PRELOAD="$OTHER" "$SKCEXEC"
    [ "$status" -eq 0 ]
    [ "$output" = "$OTHER" ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "skcexec: /nonexistent/libskcexec.so: no such file"* ]]
}

@test "normal use prints nothing" {
    run --separate-stderr sx true
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    [ -z "$stderr" ]
}

@test "exit status of CMD passes through: 0, 3, and 137 for SIGKILL" {
    run sx true
    [ "$status" -eq 0 ]
    run sx sh -c 'exit 3'
    [ "$status" -eq 3 ]
    run sx sh -c 'kill -KILL $$'
    [ "$status" -eq 137 ]
    # what a calling shell sees, without bats in between
    run bash -c '"$0" sh -c "kill -TERM \$\$"; echo "status=$?"' "$SKCEXEC"
    [ "${lines[-1]}" = "status=143" ]
}

@test "CMD replaces the wrapper: same pid" {
    run sh -c 'echo $$; exec "$0" sh -c "echo \$\$"' "$SKCEXEC"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 2 ]
    [ "${lines[0]}" = "${lines[1]}" ]
}

@test "a CMD that does not exist: 127, one line" {
    run -127 --separate-stderr sx no-such-command-here
    [ "$status" -eq 127 ]
    [ "$stderr" = "skcexec: no-such-command-here: command not found" ]
}

@test "a CMD that cannot be run: 126 and one skcexec line, not the shell's" {
    printf 'echo hi\n' >plain
    chmod 644 plain
    mkdir dir
    printf '#!/nonexistent/sh\necho hi\n' >badint
    chmod 755 badint
    cp plain "$T/bin/plain-in-path"
    for c in ./plain "$T/dir" ./badint plain-in-path; do
        run -126 --separate-stderr sx "$c" arg
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == "skcexec: $c: "* ]]
        [ -z "$output" ]
    done
    [ "$(sx ./plain 2>&1)" = "skcexec: ./plain: permission denied (not executable)" ]
    [ "$(sx ./badint 2>&1)" = "skcexec: ./badint: bad interpreter '/nonexistent/sh' on its #! line" ]
}

@test "a CMD that is no program (a shell builtin, a missing path): 127, one skcexec line" {
    for c in cd usage bad_usage ./missing; do
        run -127 --separate-stderr sx "$c"
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == "skcexec: $c: "* ]]
    done
    # a program later in PATH than a non-executable file of the same name runs
    mkdir -p "$T/first"
    printf 'echo no\n' >"$T/first/twice"
    printf '#!/bin/sh\necho yes\n' >"$T/bin/twice"
    chmod +x "$T/bin/twice"
    PATH="$T/first:$PATH" run sx twice
    [ "$status" -eq 0 ]
    [ "$output" = yes ]
}

@test "--help shows every option of the man page, --callers=LIST included" {
    run sx --help
    [ "$status" -eq 0 ]
    # the options as the man page's OPTIONS section spells them
    # (the line after each .TP or .TQ)
    opts=$(awk '/^\.SH / { on = ($2 == "OPTIONS") }
                on && tag && /^\.B[IR]? / { sub(/^\.B[IR]? /, ""); print }
                { tag = /^\.T[PQ]$/ }' "$REPO/man/skcexec.1" |
           sed 's/\\-/-/g; s/" *//g; s/,//g')
    [ -n "$opts" ]
    while read -r a b; do
        case $a in --callers=*) a="$a$b" b= ;; --callers) a="$a $b" b= ;; esac
        for o in $a $b; do
            [[ "$output" == *"$o"* ]] || { echo "not in --help: $o"; false; }
        done
    done <<<"$opts"
    [[ "$output" == *"--callers=LIST"* ]]
}

@test "-vv is -v -v: single-letter options can be given together" {
    run --separate-stderr sx -vv sh -c 'echo "$SKCEXEC_VERBOSE"'
    [ "$status" -eq 0 ]
    [ "$output" = 2 ]
    run sx -vvv sh -c 'echo "$SKCEXEC_VERBOSE"'
    [ "$output" = 2 ]
    run sx -vV
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "skcexec "* ]]
    run --separate-stderr sx -vx true
    [ "$status" -eq 2 ]
    [ "$stderr" = "skcexec: unknown option '-x' (see skcexec --help)" ]
}

@test "--callers that the library would ignore is refused: exit 2, one line" {
    many=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p
    run sx --callers "$many" sh -c 'echo "$SKCEXEC_CALLERS"'
    [ "$output" = "$many" ]
    for bad in "$many,q" "$(printf 'a\tb')" "a,$(printf '\001')" $'sk\303\251c' \
               "$(printf '%0600d' 0)"; do
        run --separate-stderr sx --callers "$bad" true
        [ "$status" -eq 2 ]
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == "skcexec: "*"(see skcexec --help)" ]]
    done
}

@test "-- ends the options: a CMD beginning with '-' runs" {
    printf '#!/bin/sh\necho "dash-cmd $*"\n' >"$T/bin/-dash"
    chmod +x "$T/bin/-dash"
    run sx -- -dash a --verbose
    [ "$status" -eq 0 ]
    [ "$output" = "dash-cmd a --verbose" ]
    # without --, it is an option, and an unknown one
    run sx -dash
    [ "$status" -eq 2 ]
}

@test "options stop at CMD: later arguments are CMD's" {
    run sx sh -c 'echo "${SKCEXEC_VERBOSE-unset} $*"' sh --verbose --callers x
    [ "$output" = "unset --verbose --callers x" ]
}

@test "an unknown option: exit 2 and one line on stderr" {
    run --separate-stderr sx --x true
    [ "$status" -eq 2 ]
    [ "$stderr" = "skcexec: unknown option '--x' (see skcexec --help)" ]
    [ -z "$output" ]
}

@test "no CMD, or a bad --callers: exit 2 and one line" {
    for args in "" "--verbose" "--callers" "--callers= true" "--callers a/b true" \
                "--callers a,,b true" "--check extra"; do
        # shellcheck disable=SC2086 # the words are the arguments
        run --separate-stderr sx $args
        [ "$status" -eq 2 ]
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == "skcexec: "*"(see skcexec --help)" ]]
        [ -z "$output" ]
    done
}

@test "--version and --help" {
    run --separate-stderr sx --version
    [ "$status" -eq 0 ]
    version=$(sed -n 's/^VERSION *:= *//p' "$REPO/Makefile")
    [ "${lines[0]}" = "skcexec $version" ]
    [ "${lines[1]}" = "library: $LIB" ]
    run --separate-stderr sx --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "usage: skcexec [OPTIONS] [--] CMD [ARGS...]" ]]
    for opt in --callers --verbose --check --help --version SKCEXEC_LIB; do
        [[ "$output" == *"$opt"* ]]
    done
    [ -z "$stderr" ]
    # every placeholder of the template was filled in
    ! grep -n '@[A-Z]*@' "$SKCEXEC"
}

@test "--verbose and --callers set the library's variables" {
    run sx --verbose --callers skc,myskc sh -c 'echo "$SKCEXEC_VERBOSE $SKCEXEC_CALLERS"'
    [ "$output" = "1 skc,myskc" ]
    run sx -v -v --callers=other sh -c 'echo "$SKCEXEC_VERBOSE $SKCEXEC_CALLERS"'
    [ "$output" = "2 other" ]
}

@test "end to end: skcexec skc ... runs clang in skc's pid; without it clang is a child" {
    run sx skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    r=$(report clang++)
    [ "$(field "$r" pid)" = "$(cat skc.pid)" ]
    rm -f "$T"/rep/* skc.pid
    run skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" ppid)" = "$(cat skc.pid)" ]
}

@test "end to end: clang's failure status comes back through skcexec" {
    FAKECLANG_EXIT=5 run sx skc -o out --pidfile skc.pid
    [ "$status" -eq 5 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat skc.pid)" ]
}

@test "end to end: --callers makes another name a caller; --verbose makes it speak" {
    cp "$BUILD/fixtures/skc" "$T/bin/myskc"
    run --separate-stderr sx --verbose --callers myskc myskc -o out --pidfile p
    [ "$status" -eq 0 ]
    [ "$(field "$(report clang++)" pid)" = "$(cat p)" ]
    [[ "$stderr" == *"skcexec: pid $(cat p): myskc replaced by clang++"* ]]
    rm -f "$T"/rep/* p
    run sx myskc -o out --pidfile p
    [ "$(field "$(report clang++)" ppid)" = "$(cat p)" ]
}

@test "--check passes here: one line per check, a verdict, exit 0" {
    run --separate-stderr sx --check
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    [[ "${lines[0]}" == "ok   library $LIB loads"* ]]
    [[ "${lines[1]}" == "ok   skc at $T/bin/skc is dynamically linked: LD_PRELOAD reaches it" ]]
    [[ "${lines[2]}" == "ok   clang++ at $T/bin/clang++"* ]]
    [[ "${lines[3]}" == *"memory: "*"MemTotal "*" MiB"* ]]
    [[ "${lines[4]}" == "ok   end to end: a test skc (pid "*") was replaced by clang++ in place (same pid)" ]]
    [ "${lines[5]}" = "verdict: skcexec works here" ]
    [ "${#lines[@]}" -eq 6 ]
}

@test "--check with a relative TMPDIR passes, and leaves nothing in it" {
    mkdir rt
    TMPDIR=rt run --separate-stderr sx --check
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"ok   end to end: a test skc"* ]]
    [ -z "$(ls -A rt)" ]
    # a TMPDIR that cannot hold a directory: one line, exit 1
    TMPDIR=$T/nonexistent run --separate-stderr sx --check
    [ "$status" -eq 1 ]
    [ "$stderr" = "skcexec: cannot create a temporary directory in $T/nonexistent (TMPDIR)" ]
}

@test "--check | head -n 1: the temporary directory is removed, no noise, status 141" {
    mkdir tmp
    for _ in 1 2 3; do
        # SIGPIPE as a shell gives it, whatever bats was started with
        run --separate-stderr bash -c 'TMPDIR=$1 LD_PRELOAD=$2 env --default-signal=PIPE \
            "$0" --check | head -n 1; echo "status=${PIPESTATUS[0]}"' "$SKCEXEC" "$T/tmp" "$PRE"
        [ "${lines[0]}" = "ok   library $LIB loads${lines[0]#"ok   library $LIB loads"}" ]
        [ "${lines[1]}" = "status=141" ]
        [ -z "$stderr" ]
        [ -z "$(ls -A tmp)" ]
    done
}

@test "--check killed by SIGTERM: the temporary directory is removed, status 143" {
    mkdir tmp
    # a test skc that hangs, so that the check is surely running
    printf '#!/bin/sh\necho $$ >"%s/hang.pid"\nexec sleep 30\n' "$T" >"$T/bin/skc.hang"
    chmod +x "$T/bin/skc.hang"
    mkdir -p "$T/libexec"
    cp "$BUILD/check/clang++" "$T/libexec/"
    ln -s "$T/bin/skc.hang" "$T/libexec/skc"
    sed "s|^LIBEXEC=.*|LIBEXEC='$T/libexec'|" "$SKCEXEC" >"$T/skcexec.hang"
    chmod +x "$T/skcexec.hang"
    # in a process group of its own, killed as a CI timeout kills a job
    LD_PRELOAD="$PRE" TMPDIR=$T/tmp setsid "$T/skcexec.hang" --check >/dev/null 2>&1 &
    pid=$!
    wait_for hang.pid
    [ -n "$(ls -A tmp)" ]
    kill -TERM -- "-$pid"
    status=0
    wait "$pid" || status=$?
    [ "$status" -eq 143 ]
    [ -z "$(ls -A tmp)" ]
}

@test "--check without skc on PATH: a warning, still exit 0" {
    rm "$T/bin/skc"
    run sx --check
    [ "$status" -eq 0 ]
    [[ "$output" == *"warn skc not on PATH (run this where skargo finds skc)"* ]]
    [[ "$output" == *"verdict: skcexec works here (warnings: 1)"* ]]
}

@test "--check looks for skc (and clang++) as skargo's spawn would: no builtin, no function" {
    # names the wrapper's shell knows as a function or a builtin
    for name in fail usage cd; do
        SKC=$name run sx --check
        [ "$status" -eq 0 ]
        [[ "$output" == *"warn $name not on PATH (run this where skargo finds skc)"* ]]
    done
    SKC=./nothing run sx --check
    [[ "$output" == *"warn ./nothing is not an executable file (SKC)"* ]]
    # a non-executable skc first in PATH is skipped, as posix_spawnp does
    mkdir -p "$T/first"
    echo 'not a program' >"$T/first/skc"
    PATH="$T/first:$PATH" run sx --check
    [ "$status" -eq 0 ]
    [[ "$output" == *"ok   skc at $T/bin/skc is dynamically linked"* ]]
}

@test "--check with a missing library: FAIL, exit 1" {
    SKCEXEC_LIB=/nonexistent run sx --check
    [ "$status" -eq 1 ]
    [[ "$output" == *"FAIL library /nonexistent: no such file"* ]]
    [[ "$output" == *"FAIL end to end: not run without a loadable library"* ]]
    [[ "${lines[-1]}" == "verdict: skcexec will NOT work here"* ]]
}

@test "--check with a file the loader refuses: FAIL with the loader's words" {
    SKCEXEC_LIB="$BUILD/fixtures/skc" run sx --check
    [ "$status" -eq 1 ]
    [[ "$output" == *"FAIL library $BUILD/fixtures/skc does not load: "*"cannot be preloaded"* ]]
}

@test "--check with a statically linked skc: FAIL, exit 1" {
    printf 'int main(void) { return 0; }\n' >st.c
    cc -static -o "$T/bin/skc" st.c 2>/dev/null || skip "cc -static fails (no libc.a)"
    run sx --check
    [ "$status" -eq 1 ]
    [[ "$output" == *"FAIL skc at $T/bin/skc is statically linked: LD_PRELOAD cannot reach it"* ]]
    # $SKC (what skargo runs when set) is the one examined
    SKC="$BUILD/fixtures/skc" run sx --check
    [ "$status" -eq 0 ]
    [[ "$output" == *"ok   skc at $BUILD/fixtures/skc is dynamically linked"* ]]
}

@test "--check with a 32-bit skc: FAIL (the loader skips a 64-bit library)" {
    printf 'int main(void) { return 0; }\n' >m32.c
    cc -m32 -o "$T/bin/skc" m32.c 2>/dev/null || skip "no 32-bit toolchain (gcc-multilib)"
    run "$T/bin/skc"
    [ "$status" -ne 126 ] || skip "this kernel does not run 32-bit programs"
    run sx --check
    [ "$status" -eq 1 ]
    [[ "$output" == *"FAIL skc at $T/bin/skc is built for another ELF class or machine"* ]]
}

@test "--check end to end notices a library that does not act" {
    SKCEXEC_DISABLE=1 run sx --check
    [ "$status" -eq 1 ]
    [[ "$output" == *"FAIL end to end: clang++ ran as a child of the test skc, not in its place"* ]]
    run sx --callers foo --check
    [ "$status" -eq 1 ]
    [[ "$output" == *"(SKCEXEC_CALLERS=foo does not name skc)"* ]]
}

# Runs skcexec --check in a fresh memory cgroup limited to $1 MiB; sets
# output.  Skips where no cgroup can be made.
check_in_cgroup() {
    local cg
    cg=$(make_memory_cgroup "skcexec-wrapper-$$-$BATS_TEST_NUMBER" "$1") ||
        skip "no writable cgroup v1 or v2 memory controller"
    output=$( (echo "$BASHPID" >"$cg/cgroup.procs" && exec "$SKCEXEC" --check) )
    rmdir "$cg"
}

@test "--check explains the cgroup memory limit" {
    check_in_cgroup 4000
    echo "$output"
    [[ "$output" == *"ok   memory: cgroup limit 4000 MiB (cgroup v"[12]"), MemTotal "*"would exceed it without skcexec; with it the peak is ~max(skc, clang), which fits"* ]]
    check_in_cgroup 2000
    echo "$output"
    [[ "$output" == *"warn memory: cgroup limit 2000 MiB"*"skc alone"* ]]
}

@test "installed form: paths from PREFIX, rewritten when PREFIX changes, --check works" {
    # A private build dir: only the script's rule runs there.
    b="$T/b"
    env -u MAKEFLAGS -u MAKELEVEL make -s -C "$REPO" BUILD="$b" PREFIX="$T/x" "$b/install/skcexec"
    inst="$b/install/skcexec"
    lib=$(SKCEXEC_LIB='' "$inst" --version | sed -n 's/^library: //p')
    [[ "$lib" == "$T/x/lib/"*"libskcexec.so" ]]
    grep -qx "LIBEXEC='$T/x/libexec/skcexec'" "$inst"
    ! grep -n '@[A-Z]*@' "$inst"
    # lay out an install by hand (mk/install.mk's job) and check it
    mkdir -p "$(dirname "$lib")" "$T/x/libexec/skcexec"
    cp "$LIB" "$lib"
    cp "$BUILD/check/skc" "$BUILD/check/clang++" "$T/x/libexec/skcexec/"
    run --separate-stderr env LD_PRELOAD="$PRE" "$inst" --check
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"ok   end to end: a test skc"* ]]
    # another PREFIX: the script is rewritten
    env -u MAKEFLAGS -u MAKELEVEL make -s -C "$REPO" BUILD="$b" PREFIX="$T/y" "$b/install/skcexec"
    grep -qx "LIBEXEC='$T/y/libexec/skcexec'" "$inst"
}

@test "the man page renders without warnings" {
    command -v groff >/dev/null || skip "groff not installed (groff-base)"
    # -P-cbu: plain text: no SGR colour codes (groff 1.23 emits them by
    # default), and no overstriking for bold and italics
    run --separate-stderr groff -man -Tutf8 -ww -P-cbu "$REPO/man/skcexec.1"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS ENVIRONMENT "EXIT STATUS" \
                   EXAMPLES FILES "SEE ALSO"; do
        printf '%s\n' "${lines[@]}" | grep -qx "$section"
    done
    # every variable the library reads is documented
    for var in $(grep -oh '"SKCEXEC_[A-Z_]*"' "$REPO"/shim/*.c | tr -d '"' | sort -u); do
        [[ "$output" == *"$var"* ]]
    done
}
