#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# make install / uninstall / deb, contrib/install-debian.sh, contrib/Dockerfile
# and the CI step scripts in contrib/ci/.  Each test works in its own
# temporary PREFIX or DESTDIR; the dpkg test (root only) removes the package
# again, also when it fails.
# Left out under ASan: these tests run make on the plain build tree (BUILD
# for `make asan` is the instrumented one, whose programs need its runtime).
# bats file_tags=no-asan
# shellcheck disable=SC2016 # '$PATH' in expected file lines, sh -c scripts

load helpers

ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
MA=$(cc -print-multiarch 2>/dev/null)
LIBSUB=lib${MA:+/$MA}

setup() {
    setup_fixtures
    # A make started by `make test` must not inherit that make's flags.
    unset MAKEFLAGS MFLAGS MAKELEVEL
}

teardown() {
    if [ -n "${DPKG_INSTALLED:-}" ]; then
        dpkg_waiting -r skcexec >/dev/null 2>&1 || true
    fi
}

mk() { make -C "$ROOT" --no-print-directory BUILD="$BUILD" "$@"; }

# Files and links under $1, relative, sorted (directories left out).
files_under() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort); }
# Everything under $1, with type and mode: the state a test compares.
tree_of() { (cd "$1" && find . -printf '%y %m %p\n' | sort); }

# What `make install PREFIX=P` must put, relative to P (the libexec pair is
# skcexec --check's test skc and clang++).
expected_files() {
    printf '%s\n' bin/skcexec bin/skcexec-profile \
        "$LIBSUB/libskcexec.so" libexec/skcexec/clang++ libexec/skcexec/skc \
        share/doc/skcexec/README.md share/man/man1/skcexec-profile.1 \
        share/man/man1/skcexec.1
    [ -z "$MA" ] || echo lib/libskcexec.so
}

# `skargo build --release [ARGS]`, as the CI build step runs it: checks the
# words, then runs the fake skargo fixture on a package in $T/pkg (its skc
# writes its pid to $T/skc.pid and the extra ARGS to $T/skargo.args).
fake_skargo_build() {
    mv "$T/bin/skargo" "$T/bin/skargo.fixture"
    cat >"$T/bin/skargo" <<EOF
#!/bin/sh
[ "\$1 \$2" = "build --release" ] || { echo "fake skargo: \$*" >&2; exit 64; }
shift 2
echo "\$*" >"$T/skargo.args"
exec "$T/bin/skargo.fixture" --pkg-root "$T/pkg" -- -o "$T/pkg/app" \
    --pidfile "$T/skc.pid" "\$@"
EOF
    chmod +x "$T/bin/skargo"
}

# clang ran in the fake skc's own pid: the shim acted.
clang_ran_in_place() {
    local r
    r=$(report clang++)
    [ "$(field "$r" pid)" = "$(cat "$T/skc.pid")" ]
}

@test "make install DESTDIR: exactly the expected files, modes, the link" {
    mk install DESTDIR="$T/d" PREFIX=/usr/local
    [ "$(files_under "$T/d/usr/local")" = "$(expected_files | sort)" ]
    # the list uninstall uses is the list install wrote
    [ "$(mk -s print-install-files DESTDIR="$T/d" PREFIX=/usr/local |
         sed 's|^/usr/local/||' | sort)" = "$(expected_files | sort)" ]
    p=$T/d/usr/local
    [ "$(stat -c %a "$p/$LIBSUB/libskcexec.so")" = 644 ]
    [ "$(stat -c %a "$p/bin/skcexec")" = 755 ]
    [ "$(stat -c %a "$p/bin/skcexec-profile")" = 755 ]
    [ "$(stat -c %a "$p/libexec/skcexec/skc")" = 755 ]
    [ "$(stat -c %a "$p/share/man/man1/skcexec.1")" = 644 ]
    cmp "$BUILD/libskcexec.so" "$p/$LIBSUB/libskcexec.so"
    [ -z "$MA" ] || [ "$(readlink "$p/lib/libskcexec.so")" = "$MA/libskcexec.so" ]
    # paths written into the wrapper are the installed ones, without DESTDIR
    grep -q "/usr/local/$LIBSUB/libskcexec.so" "$p/bin/skcexec"
    grep -q "/usr/local/libexec/skcexec" "$p/bin/skcexec"
    ! grep -q "$T/d" "$p/bin/skcexec"
    [ "$(mk -s print-preload PREFIX=/usr/local)" = "/usr/local/$LIBSUB/libskcexec.so" ]
}

@test "staged install works with SKCEXEC_LIB pointing into DESTDIR" {
    mk install DESTDIR="$T/d" PREFIX=/usr/local
    SKCEXEC_LIB="$T/d/usr/local/lib/libskcexec.so" \
        run "$T/d/usr/local/bin/skcexec" skc -o out --pidfile skc.pid
    [ "$status" -eq 0 ]
    clang_ran_in_place
}

@test "install to a user PREFIX: skcexec --check passes, a build runs under it" {
    mk install PREFIX="$T/p"
    run "$T/p/bin/skcexec" --version
    [ "$status" -eq 0 ]
    [[ "$output" == *"skcexec 0.1.0"* ]]
    [[ "$output" == *"$T/p/$LIBSUB/libskcexec.so"* ]]
    run "$T/p/bin/skcexec" --check
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"verdict: skcexec works here"* ]]
    [[ "$output" == *"end to end"*"in place"* ]]
    rm -f "$T/rep/"*    # --check's own test clang may report here too
    run "$T/p/bin/skcexec" skargo --pkg-root "$T/pkg" -- -o "$T/pkg/out" \
        --pidfile "$T/skc.pid"
    [ "$status" -eq 0 ]
    clang_ran_in_place
    run "$T/p/bin/skcexec-profile" --version
    [ "$status" -eq 0 ]
    [ "$output" = "skcexec-profile 0.1.0" ]
}

@test "uninstall from an empty DESTDIR: no file left, its own directories gone" {
    mk install DESTDIR="$T/d" PREFIX=/usr/local
    mk uninstall DESTDIR="$T/d" PREFIX=/usr/local
    [ -z "$(files_under "$T/d")" ]
    [ ! -e "$T/d/usr/local/libexec/skcexec" ]
    [ ! -e "$T/d/usr/local/share/doc/skcexec" ]
    # the shared directories install made stay (uninstall never guesses
    # whether something else wants them)
    [ -d "$T/d/usr/local/bin" ]
}

@test "uninstall leaves a populated prefix exactly as it was" {
    p=$T/p
    mkdir -p "$p/bin" "$p/$LIBSUB" "$p/share/man/man1" "$p/share/doc/other" \
        "$p/libexec/skcexec"
    echo x >"$p/bin/other"
    echo x >"$p/$LIBSUB/libother.so"
    echo x >"$p/share/man/man1/other.1"
    echo x >"$p/share/doc/other/README"
    echo x >"$p/libexec/skcexec/user-note"    # not ours: stays, dir stays
    ln -s other "$p/bin/other-link"
    before=$(tree_of "$p")
    mk install PREFIX="$p"
    [ "$(tree_of "$p")" != "$before" ]
    mk uninstall PREFIX="$p"
    [ "$(tree_of "$p")" = "$before" ]
    # twice: nothing left to remove is not an error, nothing else goes
    mk uninstall PREFIX="$p"
    [ "$(tree_of "$p")" = "$before" ]
}

@test "install and uninstall refuse a path with ':' or a blank: one line, nothing written" {
    w=$T/w
    mkdir -p "$w/opt" "$w/my"
    echo user >"$w/opt/x"           # a user's file where PREFIX=.../x:y would go
    before=$(tree_of "$w")
    for args in "PREFIX=$w/opt/x:y" "PREFIX=$w/my tools" "DESTDIR=$w/opt/x:y" \
                "DESTDIR=$w/my d" "BINDIR=$w/opt/x:bin" "LIBDIR=$w/my lib" \
                "MANDIR=$w/opt/x;y" "LIBEXECDIR=$w/opt/x'y" "DOCDIR=$w/opt/\$\$x"; do
        for goal in install uninstall print-install-files; do
            run --separate-stderr mk "$goal" PREFIX="$w/p" "$args"
            [ "$status" -ne 0 ]
            [ -z "$output" ]
            [ "${#stderr_lines[@]}" -eq 1 ]
            [[ "$stderr" == *"skcexec: ${args%%=*}="*"an install path may hold only"*"nothing installed"* ]]
        done
    done
    diff <(echo "$before") <(tree_of "$w")
    [ "$(cat "$w/opt/x")" = user ]
}

@test "make deb and make clean refuse a BUILD with a blank: nothing removed" {
    mkdir -p "$T/w/a"
    echo keep >"$T/w/a/file"
    for goal in deb clean; do
        run --separate-stderr make -C "$ROOT" --no-print-directory BUILD="$T/w/a b" "$goal"
        [ "$status" -ne 0 ]
        # (the Makefile's own rules warn first: BUILD is in their targets)
        [[ "${stderr_lines[-1]}" == *"skcexec: BUILD=\"$T/w/a b\": may hold only"*"nothing removed"* ]]
        [ "$(cat "$T/w/a/file")" = keep ]
    done
}

@test "install refuses a relative PREFIX or install directory: one line, nothing written" {
    before=$(tree_of "$ROOT")
    for args in PREFIX=rel PREFIX= BINDIR=bin LIBDIR=lib; do
        run --separate-stderr mk install "$args"
        [ "$status" -ne 0 ]
        [[ "$stderr" == *"skcexec: ${args%%=*}="*"not an absolute path; nothing installed"* ]]
    done
    [ "$(tree_of "$ROOT")" = "$before" ]
}

@test "uninstall: the directories that stay are the ones docs/install.md names" {
    mk install PREFIX="$T/p"
    mk uninstall PREFIX="$T/p"
    [ -z "$(files_under "$T/p")" ]
    left=$(cd "$T/p" && find . -mindepth 1 -type d | sed 's|^\./||' | sort)
    # docs/install.md: "the shared directories install made ... (`bin/`, ...) stay"
    named=$(tr '\n' ' ' <"$ROOT/docs/install.md" |
            grep -o 'the shared *directories install made when they were missing *([^)]*) *stay' |
            grep -o '`[a-z0-9/<>]*/`' | tr -d '`' | sed "s|/\$||; s|<multiarch>|$MA|" | sort -u)
    [ -n "$named" ]
    [ "$left" = "$named" ]
}

@test "make deb: the package holds the installed files, gzipped man pages, copyright" {
    command -v dpkg-deb >/dev/null || skip "dpkg-deb not installed"
    mk deb
    arch=$(dpkg --print-architecture)
    deb=$BUILD/skcexec_0.1.0_$arch.deb
    [ -f "$deb" ]
    run dpkg-deb --field "$deb" Package Version Architecture Section
    [ "$output" = "$(printf 'Package: skcexec\nVersion: 0.1.0\nArchitecture: %s\nSection: devel' "$arch")" ]
    [[ "$(dpkg-deb --field "$deb" Depends)" == "libc6 (>= 2."* ]]
    dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./||' | sort >"$T/got"
    { printf '%s\n' usr/bin/skcexec usr/bin/skcexec-profile \
        "usr/$LIBSUB/libskcexec.so" usr/libexec/skcexec/clang++ \
        usr/libexec/skcexec/skc usr/share/doc/skcexec/README.md \
        usr/share/doc/skcexec/changelog.gz usr/share/doc/skcexec/copyright \
        usr/share/lintian/overrides/skcexec \
        usr/share/man/man1/skcexec-profile.1.gz usr/share/man/man1/skcexec.1.gz
      [ -z "$MA" ] || echo usr/lib/libskcexec.so; } | sort >"$T/want"
    diff "$T/want" "$T/got"
    # installed paths are /usr ones; nothing under /etc (no ld.so.preload)
    dpkg-deb -x "$deb" "$T/x"
    grep -q "/usr/$LIBSUB/libskcexec.so" "$T/x/usr/bin/skcexec"
    [ ! -e "$T/x/etc" ]
    gzip -t "$T/x/usr/share/man/man1/skcexec.1.gz"
    # stripped: no .debug_info left in the library
    ! readelf -S "$T/x/usr/$LIBSUB/libskcexec.so" | grep -q '\.debug_info'
}

@test "make deb: lintian finds no error or warning" {
    command -v dpkg-deb >/dev/null || skip "dpkg-deb not installed"
    command -v lintian >/dev/null || skip "lintian not installed (apt-get install lintian)"
    mk deb
    run lintian --fail-on error,warning "$BUILD/skcexec_0.1.0_$(dpkg --print-architecture).deb"
    echo "$output"
    [ "$status" -eq 0 ]
}

# dpkg, waiting up to 2 minutes for the dpkg lock: an apt-get run by
# something else on the machine holds it for a while, and dpkg itself
# would fail at once ("dpkg frontend lock was locked by another process").
dpkg_waiting() {
    local i out rc
    for ((i = 0; i < 120; i++)); do
        out=$(dpkg "$@" 2>&1) && { echo "$out"; return 0; }
        rc=$?
        [[ "$out" == *"lock"*"locked by another process"* ]] || {
            echo "$out"; return "$rc"; }
        sleep 1
    done
    echo "$out"
    return "$rc"
}

@test "dpkg -i then dpkg -r: works installed, removed without leftovers" {
    [ "$(id -u)" -eq 0 ] || skip "needs root (dpkg -i)"
    command -v dpkg-deb >/dev/null || skip "dpkg-deb not installed"
    if dpkg-query -W -f='${Status}' skcexec 2>/dev/null | grep -q installed; then
        skip "skcexec is already installed here: left alone"
    fi
    [ ! -e /usr/bin/skcexec ] || skip "/usr/bin/skcexec exists: left alone"
    mk deb
    deb=$BUILD/skcexec_0.1.0_$(dpkg --print-architecture).deb
    DPKG_INSTALLED=1
    dpkg_waiting -i "$deb"
    mapfile -t owned < <(dpkg -L skcexec | while read -r f; do
        [ -d "$f" ] || echo "$f"; done)
    [ "${#owned[@]}" -ge 10 ]
    run /usr/bin/skcexec --version
    [ "$status" -eq 0 ]
    [[ "$output" == *"library: /usr/$LIBSUB/libskcexec.so"* ]]
    run /usr/bin/skcexec --check
    echo "$output"
    [ "$status" -eq 0 ]
    rm -f "$T/rep/"*
    /usr/bin/skcexec skc -o out --pidfile "$T/skc.pid"
    clang_ran_in_place
    dpkg_waiting -r skcexec
    DPKG_INSTALLED=
    for f in "${owned[@]}"; do
        [ ! -e "$f" ] && [ ! -L "$f" ] || { echo "left: $f"; false; }
    done
    [ ! -e /usr/libexec/skcexec ] && [ ! -e /usr/share/doc/skcexec ]
    # removed, not merely deconfigured (no conffiles, nothing to purge)
    run dpkg-query -W -f='${Status}' skcexec
    [ "$status" -ne 0 ] || [[ "$output" == *not-installed* ]]
}

@test "contrib/install-debian.sh: temp PREFIX and DESTDIR, LD_PRELOAD line, env file" {
    PREFIX="$T/p" DESTDIR="$T/d" run "$ROOT/contrib/install-debian.sh" \
        --env-file "$T/env"
    echo "$output"
    [ "$status" -eq 0 ]
    lib=$T/p/$LIBSUB/libskcexec.so
    [ "${lines[${#lines[@]} - 1]}" = "LD_PRELOAD=$lib" ]
    [ "$(cat "$T/env")" = "LD_PRELOAD=$lib" ]
    [ "$(files_under "$T/d$T/p")" = "$(expected_files | sort)" ]
    [ ! -e "$T/p" ]     # DESTDIR honoured: nothing outside it
    run "$ROOT/contrib/install-debian.sh" --bogus
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
}

@test "install-debian.sh --env-file: no glued line, one LD_PRELOAD line, run twice: the same file" {
    lib=$T/p/$LIBSUB/libskcexec.so
    printf 'FOO=bar' >"$T/env"                     # no final newline
    printf 'LD_PRELOAD=/o.so\nBAR=1\n' >"$T/env2"  # another preload: kept
    printf 'LD_PRELOAD=/a.so:/old/libskcexec.so\nLD_PRELOAD=/b.so /old/libskcexec.so\n' >"$T/env3"
    chmod 600 "$T/env2"
    for _ in 1 2; do
        for f in env env2 env3; do
            PREFIX="$T/p" DESTDIR="$T/d" run "$ROOT/contrib/install-debian.sh" --env-file "$T/$f"
            [ "$status" -eq 0 ]
        done
        [ "$(cat "$T/env")" = "$(printf 'FOO=bar\nLD_PRELOAD=%s' "$lib")" ]
        [ "$(cat "$T/env2")" = "$(printf 'LD_PRELOAD=/o.so %s\nBAR=1' "$lib")" ]
        # the last LD_PRELOAD line is the one that counts: its stale
        # libskcexec.so is replaced, the line it overrode goes
        [ "$(cat "$T/env3")" = "LD_PRELOAD=/b.so $lib" ]
        [ "$(stat -c %a "$T/env2")" = 600 ]
    done
    # as docker --env-file and a shell read it: FOO intact, LD_PRELOAD set
    [ "$(env -i sh -c 'set -a; . "$0"; echo "$FOO|$LD_PRELOAD"' "$T/env")" = "bar|$lib" ]
    # odd names: one awk would take for an assignment, one like an option
    cd "$T"
    printf 'LD_PRELOAD=/o.so\n' >x=y
    printf 'Q=1' >./-e
    for f in x=y -e; do
        PREFIX="$T/p" DESTDIR="$T/d" run timeout 120 "$ROOT/contrib/install-debian.sh" --env-file "$f"
        [ "$status" -eq 0 ]
    done
    [ "$(cat x=y)" = "LD_PRELOAD=/o.so $lib" ]
    [ "$(cat ./-e)" = "$(printf 'Q=1\nLD_PRELOAD=%s' "$lib")" ]
}

@test "install-debian.sh: an env file that cannot be written, a relative PREFIX: one line, nothing installed" {
    for args in "--env-file $T/no/such/dir/env" "--env-file $T"; do
        # shellcheck disable=SC2086 # two words
        PREFIX="$T/p" run --separate-stderr "$ROOT/contrib/install-debian.sh" $args
        [ "$status" -eq 2 ]
        [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == "install-debian: --env-file $T"*"nothing installed" ]]
    done
    PREFIX=rel run --separate-stderr "$ROOT/contrib/install-debian.sh"
    [ "$status" -eq 2 ]
    [ "$stderr" = "install-debian: PREFIX=rel is not an absolute path; nothing installed" ]
    # make's own refusal comes before the build: one line too
    PREFIX="$T/a:b" run --separate-stderr "$ROOT/contrib/install-debian.sh"
    [ "$status" -ne 0 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == *"skcexec: PREFIX=\"$T/a:b\""* ]]
    [ ! -e "$T/p" ] && [ ! -e "$T/a:b" ] && [ ! -e "$T/a" ] && [ ! -e "$ROOT/rel" ]
}

@test "install-debian.sh: a relative DESTDIR is taken from the current directory" {
    mkdir -p "$T/here"
    cd "$T/here"
    PREFIX="$T/p" DESTDIR=stage run "$ROOT/contrib/install-debian.sh"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(files_under "$T/here/stage$T/p")" = "$(expected_files | sort)" ]
    [ ! -e "$ROOT/stage" ] && [ ! -e "$T/p" ]
    [ "${lines[-2]}" = "install-debian: installed under $T/here/stage$T/p" ]
}

# A PATH of every command of this machine but make, cc, gcc and apt-get,
# plus a fake apt-get that logs its arguments and, on install, puts make
# and cc back: a machine without the build tools, as far as the script sees.
no_build_tools() {
    mkdir -p "$T/sys"
    for f in /usr/bin/* /bin/*; do
        n=${f##*/}
        case $n in make | cc | gcc | apt-get | id) continue ;; esac
        [ -e "$T/sys/$n" ] || ln -s "$f" "$T/sys/$n"
    done
    cat >"$T/sys/apt-get" <<EOF
#!/bin/sh
echo "\$*" >>"$T/apt.log"
if [ "\$1" = install ]; then ln -s /usr/bin/make /usr/bin/cc "$T/sys/"; fi
EOF
    chmod +x "$T/sys/apt-get"
}

@test "contrib/install-debian.sh: missing build tools, apt-get as root, a plain message otherwise" {
    no_build_tools
    # not root (a fake id): says what to install, installs nothing
    printf '#!/bin/sh\necho 1000\n' >"$T/sys/id"
    chmod +x "$T/sys/id"
    PATH="$T/sys" PREFIX="$T/p" run "$ROOT/contrib/install-debian.sh"
    [ "$status" -eq 1 ]
    [ "$output" = "install-debian: missing: gcc make; run as root, or apt-get install gcc make first" ]
    [ ! -e "$T/apt.log" ] && [ ! -e "$T/p" ]
    # root: apt-get installs exactly what was missing, then the install runs
    [ "$(id -u)" -eq 0 ] || skip "the apt-get branch runs as root only"
    rm "$T/sys/id"
    ln -s "$(command -v id)" "$T/sys/id"
    PATH="$T/sys" PREFIX="$T/p" run "$ROOT/contrib/install-debian.sh"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/apt.log")" = "$(printf 'update -qq\ninstall -y -qq --no-install-recommends gcc make')" ]
    [ "$(files_under "$T/p")" = "$(expected_files | sort)" ]
}

@test "contrib/Dockerfile runs install-debian.sh and its LD_PRELOAD is what install makes" {
    df=$ROOT/contrib/Dockerfile
    [ "$(grep -c '^FROM skiplabs/skip:latest' "$df")" -eq 2 ]
    grep -q 'DESTDIR=/stage PREFIX=/usr/local /usr/src/libskcexec/contrib/install-debian.sh' "$df"
    grep -q '^COPY --from=skcexec-build /stage/ /' "$df"
    preload=$(sed -n 's/^ENV LD_PRELOAD=//p' "$df")
    [ -n "$preload" ]
    # the same install, staged: the ENV path exists and is the library
    PREFIX=/usr/local DESTDIR="$T/stage" "$ROOT/contrib/install-debian.sh"
    [ -e "$T/stage$preload" ]
    cmp "$T/stage$preload" "$ROOT/build/libskcexec.so"
    # and it loads and acts from that path (what ENV LD_PRELOAD does)
    LD_PRELOAD="$T/stage$preload" skc -o out --pidfile skc.pid
    clang_ran_in_place
}

@test "CI steps: install.sh, check.sh, build.sh (fake skargo) run as the YAML runs them" {
    fake_skargo_build
    export GITHUB_PATH=$T/github_path BASH_ENV=$T/bash_env
    SKCEXEC_PREFIX="$T/p" run sh "$ROOT/contrib/ci/install.sh"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$(cat "$GITHUB_PATH")" = "$T/p/bin" ]
    grep -qF "export PATH=\"$T/p/bin:\$PATH\"" "$BASH_ENV"
    export PATH="$T/p/bin:$PATH"

    run sh "$ROOT/contrib/ci/check.sh"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"verdict: skcexec works here"* ]]
    rm -f "$T/rep/"*

    run --separate-stderr sh "$ROOT/contrib/ci/build.sh" --bin skjs
    echo "$output $stderr"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/skargo.args")" = "--bin skjs" ]
    clang_ran_in_place
    [[ "$stderr" == *"skcexec-profile: peak_mib="*" status=0 "* ]]
    # under skcexec fit: a verdict per limit; SKCEXEC_FIT_LIMIT is the gate
    [[ "$stderr" == *"skcexec-fit: limit_mib=4096 fits="* ]]
    SKCEXEC_FIT_LIMIT=1 run --separate-stderr sh "$ROOT/contrib/ci/build.sh" --hold-mb 20
    [ "$status" -eq 1 ]
    [[ "$stderr" == *"limit 1 MiB: does not fit, even with the library"* ]]

    # without the profiler; and a failing link fails the step with
    # skargo's status (3)
    rm -f "$T/rep/"* "$T/skc.pid"
    SKCEXEC_PROFILE=0 run --separate-stderr sh "$ROOT/contrib/ci/build.sh"
    [ "$status" -eq 0 ]
    [[ "$stderr" != *"skcexec-profile:"* ]]
    clang_ran_in_place
    FAKECLANG_EXIT=1 run sh "$ROOT/contrib/ci/build.sh"
    [ "$status" -eq 3 ]
}

@test "CI step install.sh: PATH lines added once, never glued; says so when it cannot add them" {
    unset GITHUB_PATH BASH_ENV
    SKCEXEC_PREFIX="$T/p" run --separate-stderr sh "$ROOT/contrib/ci/install.sh"
    [ "$status" -eq 0 ]
    [[ "$output" != *"added to PATH"* ]]
    [ "${stderr_lines[-1]}" = "ci/install: $T/p/bin is not on PATH, and neither GITHUB_PATH nor BASH_ENV is set: add it to PATH for the next steps" ]
    printf '/x/bin' >"$T/gp"            # no final newline
    printf 'A=1' >"$T/be"
    for _ in 1 2; do
        GITHUB_PATH=$T/gp BASH_ENV=$T/be SKCEXEC_PREFIX="$T/p" run sh "$ROOT/contrib/ci/install.sh"
        [ "$status" -eq 0 ]
        [ "${lines[-1]}" = "ci/install: $T/p/bin added to PATH for the next steps (through GITHUB_PATH and BASH_ENV)" ]
        [ "$(cat "$T/gp")" = "$(printf '/x/bin\n%s' "$T/p/bin")" ]
        [ "$(cat "$T/be")" = "$(printf 'A=1\nexport PATH="%s:$PATH"' "$T/p/bin")" ]
    done
    # a relative prefix: one line, nothing installed
    SKCEXEC_PREFIX=rel run --separate-stderr sh "$ROOT/contrib/ci/install.sh"
    [ "$status" -eq 2 ]
    [ "$stderr" = "ci/install: SKCEXEC_PREFIX=rel is not an absolute path; nothing installed" ]
    [ ! -e rel ]
}

@test "CI step check.sh fails the job when the shim cannot work" {
    mk install PREFIX="$T/p"
    SKCEXEC_LIB=/nonexistent/libskcexec.so PATH="$T/p/bin:$PATH" \
        run sh "$ROOT/contrib/ci/check.sh"
    [ "$status" -ne 0 ]
    [[ "$output" == *"will NOT work"* ]]
}

@test "CI YAML: parses, and runs exactly the three step scripts in order" {
    for y in circleci github-actions; do
        f=$ROOT/contrib/ci/$y.yml
        [ "$(grep -o 'contrib/ci/[a-z-]*\.sh' "$f" | tr '\n' ' ')" = \
          "contrib/ci/install.sh contrib/ci/check.sh contrib/ci/build.sh " ]
    done
    grep -q 'resource_class: medium' "$ROOT/contrib/ci/circleci.yml"
    grep -q 'image: skiplabs/skip:latest' "$ROOT/contrib/ci/circleci.yml"
    grep -q 'image: skiplabs/skip:latest' "$ROOT/contrib/ci/github-actions.yml"
    python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml not installed"
    for y in circleci github-actions; do
        python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' \
            "$ROOT/contrib/ci/$y.yml"
    done
    # the steps, as CI reads them (not just as text)
    python3 - "$ROOT/contrib/ci/github-actions.yml" <<'EOF'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))["jobs"]["build"]
runs = [s["run"] for s in job["steps"] if "run" in s]
assert [r.split("/")[-1].rstrip('"') for r in runs] == ["install.sh", "check.sh", "build.sh"], runs
assert job["container"]["image"] == "skiplabs/skip:latest"
EOF
    python3 - "$ROOT/contrib/ci/circleci.yml" <<'EOF'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))["jobs"]["build"]
cmds = [s["run"]["command"] for s in job["steps"] if isinstance(s, dict)]
assert [c.split("/")[-1].rstrip('"') for c in cmds[1:]] == ["install.sh", "check.sh", "build.sh"], cmds
assert job["resource_class"] == "medium"
EOF
}
