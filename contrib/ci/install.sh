#!/bin/sh
# contrib/ci/install.sh - CI step 1: build and install libskcexec on the
# runner (contrib/install-debian.sh, from the checkout holding this file,
# e.g. a git submodule of the project being built).
#   SKCEXEC_PREFIX  install prefix (default /usr/local)
# Runs as is when root or when the prefix is writable, else through sudo
# (a non-root CI user with passwordless sudo, as on GitHub's runners).  If
# the prefix's bin/ is not on PATH, later steps get it through
# $GITHUB_PATH (GitHub Actions) or $BASH_ENV (CircleCI) when they exist.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${SKCEXEC_PREFIX:-/usr/local}

if [ "$(id -u)" -eq 0 ] || { mkdir -p "$prefix" 2>/dev/null && [ -w "$prefix" ]; }; then
    PREFIX=$prefix sh "$here/../install-debian.sh"
else
    sudo env PREFIX="$prefix" sh "$here/../install-debian.sh"
fi

case :$PATH: in
    *:"$prefix/bin":*) ;;
    *)
        if [ -n "${GITHUB_PATH:-}" ]; then echo "$prefix/bin" >>"$GITHUB_PATH"; fi
        if [ -n "${BASH_ENV:-}" ]; then echo "export PATH=\"$prefix/bin:\$PATH\"" >>"$BASH_ENV"; fi
        echo "ci/install: $prefix/bin added to PATH for the next steps" ;;
esac
