#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# AT_SECURE (setuid, setgid, capabilities): the library must stay inert,
# without reading the environment.  The loader itself only preloads into
# such a process a library from a standard directory that is set-user-ID,
# named without a slash; this test installs one there for the duration.

load helpers

setup() {
    setup_fixtures
    [ "$(id -u)" -eq 0 ] || skip "needs root (to make a set-user-ID program)"
    id nobody >/dev/null 2>&1 || skip "needs the user nobody"
    command -v setpriv >/dev/null || skip "needs setpriv"
    LIBDIR=$(dirname "$(cc -print-file-name=libc.so.6)")
    LIBDIR=$(cd "$LIBDIR" && pwd -P)
    TESTLIB="libskcexec-secure-test-$$.so"
    # a world-readable tree nobody can run from
    S=$(mktemp -d /tmp/skcexec-secure.XXXXXX)
    chmod 755 "$S"
    mkdir -p "$S/bin" "$S/rep" "$S/w"
    chmod 777 "$S/rep" "$S/w"
    cp "$BUILD/fixtures/skc" "$S/bin/skc"
    cp "$BUILD/fixtures/fake_clang" "$S/bin/clang++"
    chmod 755 "$S/bin" "$S/bin/"*
    install -m 4755 "${SHIM_PRELOAD:-$LIB}" "$LIBDIR/$TESTLIB" 2>/dev/null ||
        skip "cannot install into $LIBDIR"
}

teardown() {
    [ -n "${TESTLIB:-}" ] && rm -f "$LIBDIR/$TESTLIB"
    [ -n "${S:-}" ] && rm -rf "$S"
    true
}

as_nobody() {
    (cd "$S/w" && setpriv --reuid=nobody --regid=nogroup --clear-groups \
        env PATH="$S/bin:/usr/bin:/bin" FAKECLANG_REPORT_DIR="$S/rep" \
        LD_PRELOAD="$TESTLIB" SKCEXEC_VERBOSE=2 "$@")
}

@test "a set-user-ID skc is left alone (AT_SECURE)" {
    # control: the same library, an ordinary skc run by nobody: it acts
    run as_nobody skc -o "$S/w/out1" --pidfile "$S/w/pid1"
    echo "control: $status $output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"skc replaced by clang++"* ]]
    [ "$(field "$S/rep/clang++."* pid)" = "$(cat "$S/w/pid1")" ]
    rm -f "$S"/rep/*

    # the same program set-user-ID root: AT_SECURE, inert and silent
    chmod 4755 "$S/bin/skc"
    findmnt -n -o OPTIONS --target "$S" | grep -qw nosuid &&
        skip "$S is on a nosuid mount"
    # The set-user-ID bit must take effect at all: not under qemu-user
    # registered without binfmt_misc's C flag, where the kernel runs the
    # interpreter with the caller's credentials.
    install -m 4755 "$(command -v id)" "$S/bin/suid-id"
    [ "$(as_nobody suid-id -u)" = 0 ] ||
        skip "set-user-ID programs do not run set-user-ID here (qemu-user without binfmt_misc's C flag?)"
    run as_nobody skc -o "$S/w/out2" --pidfile "$S/w/pid2"
    [ "$status" -eq 0 ]
    [[ "$output" != *"skcexec"* ]]
    [ "$(field "$S/rep/clang++."* ppid)" = "$(cat "$S/w/pid2")" ]
}
