#!/bin/sh
# SPDX-License-Identifier: MIT
# container_skargo.sh - installed as /usr/local/bin/skargo in the stand-in
# for skiplabs/skip:latest (tools/container_base.sh).  `skargo build
# [--release] [ARGS...]` in a package directory runs the project's
# skargo-like fixture (tests/fixtures/fake_skargo.c), which runs
# `env -C <package> skc ...` as skargo 0.2.0 does; skc is the skc-like
# fixture (tests/fixtures/fake_skc.c): it holds SKC_HOLD_MB MiB of heap
# (default 0), writes the package's src/main.ll (its generated IR; a tiny
# module when there is none) to <out>.ll and runs clang++ -O2 (-O0 without
# --release) on it.  The program is target/host/<profile>/<package name>.
# Other ARGS (--bin NAME, -vv) are accepted; -vv streams skc's output.
set -eu
usage() { echo "usage: skargo build [--release] [--bin NAME] [-vv]" >&2; exit 2; }
[ "${1-}" = build ] || usage
shift
opt=-O0 profile=debug verbose=
while [ "$#" -gt 0 ]; do
    case $1 in
        --release) opt=-O2 profile=release ;;
        --bin) [ "$#" -ge 2 ] || usage; shift ;;
        -vv) verbose=-vv ;;
        *) usage ;;
    esac
    shift
done
root=$PWD
name=$(basename "$root")
out=$root/target/host/$profile
mkdir -p "$out"
set -- -o "$out/$name" "$opt" --hold-mb "${SKC_HOLD_MB:-0}"
[ ! -f "$root/src/main.ll" ] || set -- "$@" --ir "$root/src/main.ll"
exec /usr/local/libexec/skargo-standin/skargo $verbose --pkg-root "$root" -- "$@"
