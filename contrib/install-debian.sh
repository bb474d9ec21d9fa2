#!/bin/sh
# SPDX-License-Identifier: MIT
# install-debian.sh - build and install libskcexec on a Debian or Ubuntu
# container or host: the steps contrib/Dockerfile runs, usable anywhere.
#
# usage: contrib/install-debian.sh [--env-file FILE]
#   PREFIX   where to install (default /usr/local; an absolute path)
#   DESTDIR  staging root prepended to every installed path (default: none;
#            a relative one is taken from the current directory)
#   --env-file FILE  also set `LD_PRELOAD=<library>` in FILE (the KEY=VALUE
#            format of docker --env-file, systemd's EnvironmentFile and
#            GitHub Actions' $GITHUB_ENV): a line is added, or the last
#            LD_PRELOAD line gets the library (in place of any libskcexec.so
#            in it) and earlier ones, which it overrides, go; run twice, the
#            file does not change
#
# Steps: apt-get install the build tools if any is missing (root only),
# `make`, `make install`, then print the LD_PRELOAD value.  The library is
# built here, against this machine's glibc: one built against a newer glibc
# cannot be loaded by an older one.  Nothing is written to
# /etc/ld.so.preload: preloading is for the builds that ask for it
# (`skcexec CMD`, or LD_PRELOAD set in a Dockerfile or CI job).
set -eu
unset CDPATH    # cd would print the directory it found, into $src

src=$(cd -P -- "$(dirname -- "$0")/.." && pwd)
prefix=${PREFIX:-/usr/local}
destdir=${DESTDIR:-}
env_file=

die() {
    echo "install-debian: $1" >&2
    exit "${2:-1}"
}

# set_env_preload's temporary file goes on every way out.
tmp=
trap '[ -z "$tmp" ] || rm -f "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

while [ "$#" -gt 0 ]; do
    case $1 in
        --env-file)
            [ "$#" -ge 2 ] || { echo "install-debian: --env-file needs a FILE" >&2; exit 2; }
            env_file=$2; shift 2 ;;
        -h|--help)
            sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *)
            die "unknown argument '$1' (see --help)" 2 ;;
    esac
done

# make runs in $src: a relative DESTDIR would name a directory there.
case $destdir in
    '' | /*) ;;
    *) destdir=$(pwd)/$destdir ;;
esac
# The library's path goes into LD_PRELOAD, read from every directory.
case $prefix in
    /*) ;;
    *) die "PREFIX=$prefix is not an absolute path; nothing installed" 2 ;;
esac
# The env file is checked before anything is built or installed.
if [ -n "$env_file" ]; then
    if [ -e "$env_file" ]; then
        [ -f "$env_file" ] && [ -w "$env_file" ] ||
            die "--env-file $env_file: not a writable file; nothing installed" 2
    else
        [ -d "$(dirname -- "$env_file")" ] && [ -w "$(dirname -- "$env_file")" ] ||
            die "--env-file $env_file: cannot be created; nothing installed" 2
    fi
fi

# Sets LD_PRELOAD in env file $1 to hold library $2 (see the usage above).
set_env_preload() {
    if [ -f "$1" ] && grep -q '^LD_PRELOAD=' -- "$1"; then
        tmp=$(mktemp) || die "cannot create a temporary file"
        # shellcheck disable=SC2016 # awk's own $
        awk -v lib="$2" '
            { line[NR] = $0 }
            /^LD_PRELOAD=/ { last = NR }
            END {
                for (i = 1; i <= NR; i++) {
                    if (line[i] !~ /^LD_PRELOAD=/) { print line[i]; continue }
                    if (i != last) continue
                    n = split(substr(line[i], 12), e, /[ :]+/)
                    out = ""; have = 0
                    for (k = 1; k <= n; k++) {
                        if (e[k] == "") continue
                        if (e[k] ~ /(^|\/)libskcexec\.so$/) {
                            if (have++) continue
                            e[k] = lib
                        }
                        out = out (out == "" ? "" : " ") e[k]
                    }
                    if (!have) out = out (out == "" ? "" : " ") lib
                    print "LD_PRELOAD=" out
                }
            }' <"$1" >"$tmp"    # stdin: awk reads an operand X=Y as an assignment
        # written in place: the file keeps its owner and mode
        cmp -s -- "$tmp" "$1" || cat -- "$tmp" >"$1"
        rm -f "$tmp"
        tmp=
        return
    fi
    # a last line without its newline would be glued to ours
    if [ -s "$1" ] && [ -n "$(tail -c 1 -- "$1")" ]; then
        printf '\n' >>"$1"
    fi
    printf 'LD_PRELOAD=%s\n' "$2" >>"$1"
}

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
# print-preload first: make refuses a PREFIX or DESTDIR it cannot install
# to (a blank, ':', ...) with one line, before anything is built.
lib=$(make -C "$src" --no-print-directory -s BUILD=build print-preload \
      PREFIX="$prefix" DESTDIR="$destdir")
make -C "$src" --no-print-directory BUILD=build
make -C "$src" --no-print-directory BUILD=build install PREFIX="$prefix" DESTDIR="$destdir"

[ -f "$destdir$lib" ] || die "$destdir$lib was not installed"
echo "install-debian: installed under $destdir$prefix"
echo "LD_PRELOAD=$lib"
if [ -n "$env_file" ]; then
    set_env_preload "$env_file" "$lib"
fi
