#!/bin/sh
# install-debian.sh - build and install libskcexec on a Debian or Ubuntu
# container or host: the steps contrib/Dockerfile runs, usable anywhere.
#
# usage: contrib/install-debian.sh [--env-file FILE]
#   PREFIX   where to install (default /usr/local)
#   DESTDIR  staging root prepended to every installed path (default: none)
#   --env-file FILE  also append `LD_PRELOAD=<library>` to FILE (the
#            KEY=VALUE format of docker --env-file, systemd's
#            EnvironmentFile and GitHub Actions' $GITHUB_ENV)
#
# Steps: apt-get install the build tools if any is missing (root only),
# `make`, `make install`, then print the LD_PRELOAD value.  The library is
# built here, against this machine's glibc: one built against a newer glibc
# cannot be loaded by an older one.  Nothing is written to
# /etc/ld.so.preload: preloading is for the builds that ask for it
# (`skcexec CMD`, or LD_PRELOAD set in a Dockerfile or CI job).
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-/usr/local}
destdir=${DESTDIR:-}
env_file=

while [ "$#" -gt 0 ]; do
    case $1 in
        --env-file)
            [ "$#" -ge 2 ] || { echo "install-debian: --env-file needs a FILE" >&2; exit 2; }
            env_file=$2; shift 2 ;;
        -h|--help)
            sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *)
            echo "install-debian: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

# Build tools: a C compiler, make, glibc's headers.  Only what is missing is
# installed, so on a machine that has them this needs neither root nor apt.
missing=
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v make >/dev/null 2>&1 || missing="$missing make"
[ -e /usr/include/stdio.h ] || missing="$missing libc6-dev"
if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install-debian: missing:$missing; run as root, or apt-get install$missing first" >&2
        exit 1
    fi
    echo "install-debian: apt-get install$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# BUILD=build: a BUILD variable in the environment would move the tree.
make -C "$src" --no-print-directory BUILD=build
make -C "$src" --no-print-directory BUILD=build install PREFIX="$prefix" DESTDIR="$destdir"

lib=$(make -C "$src" --no-print-directory -s print-preload PREFIX="$prefix")
[ -f "$destdir$lib" ] || { echo "install-debian: $destdir$lib was not installed" >&2; exit 1; }
echo "install-debian: installed under $destdir$prefix"
echo "LD_PRELOAD=$lib"
if [ -n "$env_file" ]; then
    echo "LD_PRELOAD=$lib" >>"$env_file"
fi
