#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# system() in a caller: the library against a real system().
#
# The caller is system_caller, installed as skc: it writes x.ll, then its
# last act is system(CMD), and it exits with what system() returned (128 +
# N for a signal).  Each command runs twice, in a fresh copy of the same
# directory: once with an empty library preloaded (a real system()) and
# once with libskcexec.  Compared: the caller's wait status as its parent
# sees it (exit 143 is not death by SIGTERM), its stdout and stderr, the
# report of every fake clang run (argv, env, cwd, fds; not pid and ppid,
# which an exec in place changes), and the directory afterwards (names,
# types, modes, sizes, symlink targets, contents of files up to 1 KiB).
# The preload list, wherever it shows, is replaced by <preload>.
#
# The commands come from gen_system_cmds (see there), seeded:
#   SYSFUZZ_N     how many (default 300: 40-85 s here on 2 cores, quiet
#                 or loaded; for CI, 3000: 9-11 min loaded)
#   SYSFUZZ_SEED  the seed (default 1)
# A difference prints the case, its command and a diff (the first 20 in
# full, then the command only) and fails the test; `gen_system_cmds SEED 1
# RUNDIR I` makes case I again alone.  The fuzz test ends with the line
# "system fuzz: N commands, M differ" (also as a TAP comment).
# tests/system_cmd.bats tests three such cases on their own (a clang killed
# by a signal, a leading '-', a missing interpreter).
#
# SHIM_PRELOAD set to the empty library compares it with itself: every
# case must then be the same, so the comparison adds no difference of its
# own.  Under make asan, SHIM_PRELOAD is "ASAN_RT LIB" and the run without
# the library preloads "ASAN_RT EMPTY".

load helpers

setup() {
    setup_fixtures
    ulimit -c 0                 # no core file in the compared directory
    cp "$BUILD/fixtures/system_caller" "$T/bin/skc"
    cp "$BUILD/fixtures/fake_clang" "$T/bin/clang++-20"
    EMPTY="$BUILD/fixtures/empty.so"
    [ -f "$EMPTY" ] || { echo "no $EMPTY (make $EMPTY)"; return 1; }
    RUN="$T/run" O="$T/o"
    make_template "$T/template"
}

# The files the commands name (RUN is a fresh copy of this for each run):
# fake clangs in sub/, -x/, +y/; a symlink to one, a script that prints,
# one that is not executable, a directory, a script whose #! interpreter is
# missing; IR complete (z.ll, 'sp ace.ll') and not (y.ll); x.ll is written
# by the caller.
make_template() {
    local d=$1 fc="$BUILD/fixtures/fake_clang" n
    mkdir -p "$d/sub" "$d/link" "$d/script" "$d/-x" "$d/+y" "$d/badbin" \
        "$d/noexec" "$d/dirbin/clang++" "$d/home"
    for n in clang++ clang clang-19 llvm-ar; do cp "$fc" "$d/sub/$n"; done
    cp "$fc" "$d/-x/clang++"
    cp "$fc" "$d/+y/clang"
    cp "$fc" "$d/noexec/clang++"
    chmod 644 "$d/noexec/clang++"
    ln -s ../sub/clang++ "$d/link/clang++"
    # shellcheck disable=SC2016 # $* is the script's
    printf '#!/bin/sh\necho "script clang: $*"\n' >"$d/script/clang++"
    printf '#!/nonexistent/interpreter\n' >"$d/badbin/clang++"
    chmod 755 "$d/script/clang++" "$d/badbin/clang++"
    printf '%s\n' 'define i32 @main() {' '  ret i32 0' '}' '; skc-ir-end' >"$d/z.ll"
    cp "$d/z.ll" "$d/sp ace.ll"
    printf 'define i32 @main() {\n' >"$d/y.ll"
    printf 'int main(void) { return 0; }\n' >"$d/x.c"
    printf 'input line\n' >"$d/in.txt"
}

# The preload list without the library: SHIM_PRELOAD's (or the library)
# with its last entry replaced by the empty library, so that a sanitizer
# runtime put first stays first.
plain_preload() {
    local p=${SHIM_PRELOAD:-$LIB}
    case $p in
        *' '*) echo "${p% *} $EMPTY" ;;
        *) echo "$EMPTY" ;;
    esac
}

# run_side PRELOAD ENV: runs the command in $T/cmd through the caller, with
# PRELOAD and ENV (NAME=VALUE, or empty) in a small fixed environment, in a
# fresh $RUN; stdin /dev/null, stdout and stderr to files, and fd 5 open
# (one the caller inherits and passes on).  $seen is what was seen.
run_side() {
    local preload=$1 v
    rm -rf "$RUN" "$O"
    cp -a "$T/template" "$RUN"
    mkdir -p "$O/rep"
    local envs=(PATH="$T/bin:/usr/bin:/bin" HOME="$RUN/home" LC_ALL=C A=outer
                FAKECLANG_REPORT_DIR="$O/rep" LD_PRELOAD="$preload")
    if [ -n "$2" ]; then envs+=("$2"); fi
    for v in ASAN_OPTIONS UBSAN_OPTIONS; do
        if [ -n "${!v:-}" ]; then envs+=("$v=${!v}"); fi
    done
    (
        cd "$RUN"
        # Only 0-2 and 5 open: none of bats's own descriptors.
        for v in /proc/self/fd/*; do
            v=${v##*/}
            if [ "$v" -gt 2 ]; then exec {v}>&-; fi
        done
        exec env -i "${envs[@]}" "$BUILD/fixtures/wait_status" "$O/status" 60 \
            skc --ir x.ll --cmd-file "$T/cmd" </dev/null >"$O/stdout" 2>"$O/stderr" \
            5>"$O/fd5"
    )
    seen=$(observed)
    seen=${seen//"$preload"/<preload>}
}

# What one run left, normalised (see the top): status, stdout, stderr
# (a pid before a signal's name, as bash prints it, becomes PID), the
# reports sorted, the directory.
observed() {
    local f line b blocks=()
    printf 'status: %s\n--- stdout\n' "$(cat "$O/status")"
    cat "$O/stdout"
    printf '\n--- stderr\n'
    sed -E 's/[0-9]+ (Aborted|Killed|Terminated|Hangup|Interrupt|Alarm clock|User defined signal [12]|Broken pipe|Quit|Segmentation fault)/PID \1/' \
        "$O/stderr"
    for f in "$O"/rep/*; do
        [ -e "$f" ] || continue
        f=${f##*/}
        b="--- report ${f%.*}"
        while IFS= read -r line || [ -n "$line" ]; do
            case $line in pid=* | ppid=*) continue ;; esac
            if [[ $line =~ ^(fd=[0-9]+\ target=[a-z]+:\[)[0-9]+(\].*)$ ]]; then
                line=${BASH_REMATCH[1]}N${BASH_REMATCH[2]}
            fi
            b+=$'\n'$line
        done <"$O/rep/$f"
        blocks+=("$b")
    done
    if [ "${#blocks[@]}" -gt 1 ]; then
        printf '%s\0' "${blocks[@]}" | LC_ALL=C sort -z | tr '\0' '\n'
    elif [ "${#blocks[@]}" -eq 1 ]; then
        printf '%s\n' "${blocks[0]}"
    fi
    printf -- '--- files\n'
    (cd "$RUN" && find . -mindepth 1 -printf '%y %m %s %P %l\n' | LC_ALL=C sort &&
        find . -type f -size -1025c -exec grep -aHn '' {} + | LC_ALL=C sort)
}

# show_difference WHAT ENV CMD: prints a difference between $plain and $seen.
show_difference() {
    printf -- '--- %s: env [%s], command:\n%q\n' "$1" "$2" "$3"
    diff <(printf '%s\n' "$plain") <(printf '%s\n' "$seen") |
        sed 's/^</without:/; s/^>/   with:/' || true
}

# same_as_real ENV CMD: runs CMD without and with the library; fails on a
# difference.  $plain is then what the run without it showed.
same_as_real() {
    printf '%s' "$2" >"$T/cmd"
    run_side "$(plain_preload)" "$1"
    plain=$seen
    run_side "${SHIM_PRELOAD:-$LIB}" "$1"
    if [ "$plain" != "$seen" ]; then
        show_difference "without and with the library differ" "$1" "$2"
        return 1
    fi
}

# $plain has a line matching the extended regex $1.
plain_has() {
    grep -qE -- "$1" <<<"$plain" || {
        echo "without the library, no line matching '$1':"
        printf '%s\n' "$plain"
        return 1
    }
}

# Is /bin/sh dash (Debian's)?  Its messages are asserted only then.
sh_is_dash() {
    [[ $(readlink -f /bin/sh) == */dash ]]
}

@test "system() fuzz: generated commands run as under a real system()" {
    local n=${SYSFUZZ_N:-300} seed=${SYSFUZZ_SEED:-1} i=0 differ=0 env cmd
    local lib=${SHIM_PRELOAD:-$LIB} without
    without=$(plain_preload)
    while IFS= read -r -d '' env && IFS= read -r -d '' cmd; do
        printf '%s' "$cmd" >"$T/cmd"
        run_side "$without" "$env"
        plain=$seen
        if [[ $plain == 'status: timeout'* ]]; then
            differ=$((differ + 1))
            printf -- '--- case %d (seed %s) hangs without the library: %q\n' \
                "$i" "$seed" "$cmd"
        else
            run_side "$lib" "$env"
            if [ "$plain" != "$seen" ]; then
                differ=$((differ + 1))
                if [ "$differ" -le 20 ]; then
                    show_difference "case $i (seed $seed)" "$env" "$cmd"
                else        # the first 20 in full are enough to read
                    printf -- '--- case %d (seed %s) differs too: env [%s] %q\n' \
                        "$i" "$seed" "$env" "$cmd"
                fi
            fi
        fi
        i=$((i + 1))
    done < <("$BUILD/fixtures/gen_system_cmds" "$seed" "$n" "$RUN")
    echo "system fuzz: $i commands, $differ differ"
    echo "# system fuzz: $i commands, $differ differ" >&3
    [ "$i" -eq "$n" ]
    [ "$differ" -eq 0 ]
}

# A clang killed by a signal: sh is its parent, reports the death on
# stderr (dash: "Aborted", "Terminated") and exits 128 + N, which system()
# hands to the caller.  An exec of clang in sh's place would let clang die
# silently, and the caller's parent would see the signal instead.
