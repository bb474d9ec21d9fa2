#!/bin/sh
# SPDX-License-Identifier: MIT
# contrib/ci/install.sh - CI step 1: build and install libskcexec on the
# runner (contrib/install-debian.sh, from the checkout holding this file,
# e.g. a git submodule of the project being built).
#   SKCEXEC_PREFIX  install prefix (default /usr/local)
# Runs as is when root or when the prefix is writable, else through sudo
# (a non-root CI user with passwordless sudo, as on GitHub's runners).  If
# the prefix's bin/ is not on PATH, later steps get it through
# $GITHUB_PATH (GitHub Actions) or $BASH_ENV (CircleCI) when they exist (a
# line added once; with neither, it says so on stderr).
set -eu
unset CDPATH    # cd would print the directory it found, into $here
here=$(cd -P -- "$(dirname -- "$0")" && pwd)
prefix=${SKCEXEC_PREFIX:-/usr/local}

case $prefix in
    /*) ;;
    *) echo "ci/install: SKCEXEC_PREFIX=$prefix is not an absolute path; nothing installed" >&2
       exit 2 ;;
esac

# Adds line $2 to file $1 unless the file has it already; a last line
# without its newline gets one first (the two would be glued together).
add_line() {
    if [ -f "$1" ] && grep -qxF -- "$2" "$1"; then return 0; fi
    if [ -s "$1" ] && [ -n "$(tail -c 1 -- "$1")" ]; then printf '\n' >>"$1" || return 1; fi
    printf '%s\n' "$2" >>"$1"
}

if [ "$(id -u)" -eq 0 ] || { mkdir -p "$prefix" 2>/dev/null && [ -w "$prefix" ]; }; then
    PREFIX=$prefix sh "$here/../install-debian.sh"
else
    sudo env PREFIX="$prefix" sh "$here/../install-debian.sh"
fi

case :$PATH: in
    *:"$prefix/bin":*) ;;
    *)
        via=
        if [ -n "${GITHUB_PATH:-}" ] && add_line "$GITHUB_PATH" "$prefix/bin"; then
            via=GITHUB_PATH
        fi
        if [ -n "${BASH_ENV:-}" ] && add_line "$BASH_ENV" "export PATH=\"$prefix/bin:\$PATH\""; then
            via="${via:+$via and }BASH_ENV"
        fi
        if [ -n "$via" ]; then
            echo "ci/install: $prefix/bin added to PATH for the next steps (through $via)"
        else
            echo "ci/install: $prefix/bin is not on PATH, and neither GITHUB_PATH nor BASH_ENV is set: add it to PATH for the next steps" >&2
        fi ;;
esac
