#!/bin/bash
# SPDX-License-Identifier: MIT
# deps.sh - the Debian packages each part of the project needs, in one place:
# `make test` and `make demo` (their first step), tools/check_all.sh and
# .ci/run call it.  Works on any current Debian-family release: no package
# name names an LLVM version, except the fuzzer's, which is chosen from what
# apt offers.
#
# usage: tools/deps.sh GROUP...     make sure GROUPs' packages are installed
#        tools/deps.sh --fuzz-cc    print the clang that links libFuzzer
# GROUPs:
#   build   cc, make, libc headers, binutils     (every target)
#   demo    build + clang++                      (make demo)
#   test    build + bats; and what single tests use, else they skip:
#           clang++, gawk, groff, dpkg-dev, lintian, python3-yaml,
#           gnuplot-nox (the profiler's charts), valgrind and strace
#           (tests/startup_budget.bats), the 32-bit toolchain (x86_64)
#   checks  cppcheck, clang-tidy, shellcheck, valgrind (make lint/valgrind)
#   fuzz    a clang-N with its libclang-rt-N-dev (libFuzzer, sanitizers)
#   ci      all of them
#
# Nothing missing: silent, status 0.  As root: `apt-get update`, then
# `apt-get install` of what is missing (never removing a package: the
# 32-bit toolchain conflicts with Debian's cross compilers and is then left
# out, with a line saying so).  Not root: prints the exact command to run;
# status 1 if something required is missing, 0 if only the packages some
# tests use are (those tests skip).  DEPS=0 in the environment: do nothing.
set -u

say() { echo "deps: $*" >&2; }

[ "${DEPS:-1}" = 0 ] && exit 0

have() { command -v "$1" >/dev/null 2>&1; }

# fuzz_cc: the newest clang (clang-N first, then clang) that links a
# libFuzzer + ASan + UBSan program; empty if none does.
fuzz_cc() {
    local c dir
    dir=$(mktemp -d) || return 1
    printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$dir/f.c"
    for c in $(compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -u -t- -k2,2nr) clang; do
        if have "$c" && "$c" -fsanitize=fuzzer,address,undefined -o "$dir/f" \
                "$dir/f.c" >/dev/null 2>&1; then
            echo "$c"
            break
        fi
    done
    rm -rf "$dir"
}

# candidate PKG: does apt offer PKG (installed or installable)?
candidate() {
    local v
    v=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    [ -n "$v" ] && [ "$v" != "(none)" ]
}

# fuzz_pkgs: clang-N libclang-rt-N-dev for the N to install: an installed
# clang-N whose runtime apt offers (the smallest download), else the newest
# N apt offers both for.  Empty when apt knows none (no package lists yet).
fuzz_pkgs() {
    local n installed offered
    installed=$(compgen -c clang- | sed -n 's/^clang-\([0-9][0-9]*\)$/\1/p' | sort -unr)
    offered=$(apt-cache pkgnames libclang-rt- 2>/dev/null |
              sed -n 's/^libclang-rt-\([0-9][0-9]*\)-dev$/\1/p' | sort -nr)
    # shellcheck disable=SC2086 # lists of numbers
    for n in $(printf '%s\n' $installed $offered | awk '!seen[$0]++'); do
        if candidate "clang-$n" && candidate "libclang-rt-$n-dev"; then
            echo "clang-$n libclang-rt-$n-dev"
            return
        fi
    done
}

if [ "${1:-}" = --fuzz-cc ]; then
    c=$(fuzz_cc)
    [ -n "$c" ] && echo "$c"
    [ -n "$c" ]
    exit
fi
[ "$#" -gt 0 ] || { echo "usage: tools/deps.sh GROUP... | --fuzz-cc" >&2; exit 2; }

required=() optional=() m32=0 fuzz=0
need() { have "$1" || required+=("$2"); }   # COMMAND PACKAGE
want() { have "$1" || optional+=("$2"); }

group_build() {
    need cc gcc
    need make make
    need nm binutils
    [ -e /usr/include/stdio.h ] || required+=(libc6-dev)
}

for g in "$@"; do
    case $g in
    build) group_build ;;
    demo) group_build; need clang++ clang ;;
    test)
        group_build
        need bats bats
        want clang++ clang
        want awk gawk
        want groff groff-base
        want dpkg-shlibdeps dpkg-dev
        want lintian lintian
        want unshare util-linux
        want gnuplot gnuplot-nox
        want valgrind valgrind
        want strace strace
        { have python3 && python3 -c 'import yaml' 2>/dev/null; } || optional+=(python3-yaml)
        if [ "$(uname -m)" = x86_64 ] && ! echo 'int main(void){return 0;}' |
                cc -m32 -x c -o /dev/null - 2>/dev/null; then
            m32=1
        fi ;;
    checks)
        group_build
        need cppcheck cppcheck
        need clang-tidy clang-tidy
        need shellcheck shellcheck
        need valgrind valgrind
        need objdump binutils
        need awk gawk ;;
    fuzz) [ -n "$(fuzz_cc)" ] || fuzz=1 ;;
    ci) exec bash "$0" build demo test checks fuzz ;;
    *) echo "deps: unknown group $g (build demo test checks fuzz ci)" >&2; exit 2 ;;
    esac
done

# one name once, in order
uniq_words() { printf '%s\n' "$@" | awk 'NF && !seen[$0]++'; }
mapfile -t required < <(uniq_words "${required[@]}")
mapfile -t optional < <(uniq_words "${required[@]}" "${optional[@]}" |
                        tail -n +$((${#required[@]} + 1)))
[ "${#required[@]}" -eq 0 ] && [ "${#optional[@]}" -eq 0 ] &&
    [ "$m32" = 0 ] && [ "$fuzz" = 0 ] && exit 0

APT=(apt-get install -y -q --no-install-recommends --no-remove)

if [ "$(id -u)" -ne 0 ]; then
    pkgs=("${required[@]}" "${optional[@]}")
    [ "$m32" = 1 ] && pkgs+=(gcc-multilib)
    fz=""
    if [ "$fuzz" = 1 ]; then
        fz=$(fuzz_pkgs)
        # shellcheck disable=SC2206 # two package names
        [ -n "$fz" ] && pkgs+=($fz)
    fi
    if [ "${#pkgs[@]}" -gt 0 ]; then
        say "missing: ${pkgs[*]}; as root, run:"
        echo "    sudo apt-get update && sudo ${APT[*]} ${pkgs[*]}" >&2
    fi
    if [ "$fuzz" = 1 ] && [ -z "$fz" ]; then
        say "no clang with libFuzzer, and apt lists none: run  sudo tools/deps.sh fuzz"
    fi
    if [ "${#required[@]}" -gt 0 ] || [ "$fuzz" = 1 ]; then
        exit 1
    fi
    say "going on: the tests needing ${optional[*]}${optional[*]:+ }$([ "$m32" = 1 ] && echo gcc-multilib) skip"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
say "apt-get update"
apt-get update -q >/dev/null || { say "apt-get update FAILED"; exit 1; }
pkgs=("${required[@]}")
if [ "$fuzz" = 1 ]; then
    fz=$(fuzz_pkgs)
    [ -n "$fz" ] || { say "apt offers no clang-N with its libclang-rt-N-dev"; exit 1; }
    # shellcheck disable=SC2206 # two package names
    pkgs+=($fz)
fi
if [ "${#pkgs[@]}" -gt 0 ]; then
    say "installing ${pkgs[*]}"
    "${APT[@]}" "${pkgs[@]}" >/dev/null || { say "apt-get install FAILED"; exit 1; }
fi
# What single tests use: a failure here only makes them skip.
[ "$m32" = 1 ] && optional+=(gcc-multilib)
# All at once; if that fails, one at a time, to leave out only the one.
if [ "${#optional[@]}" -gt 0 ]; then
    say "installing ${optional[*]}"
    if ! "${APT[@]}" "${optional[@]}" >/dev/null 2>&1; then
        for p in "${optional[@]}"; do
            "${APT[@]}" "$p" >/dev/null 2>&1 || say "$p could not be installed (a conflict: gcc-multilib and a cross compiler?): the tests using it skip"
        done
    fi
fi
exit 0
