#!/bin/sh
# SPDX-License-Identifier: MIT
# exports.sh DEF LIBC > MAP: the version script for libskcexec.so.
# exports.sh --names DEF: the exported names alone, one a line.
# DEF is shim/wrapped.def, the one list of the names the library exports
# (its WRAP(name, ...) and EXPORT(name) lines).  For each name that LIBC
# defines, export it under LIBC's default version of it (the one objdump
# prints without parentheses); local: * hides everything else.
set -eu

# names DEF: the names of DEF's WRAP( and EXPORT( lines.
names() {
    sed -n -e 's/^WRAP(\([A-Za-z0-9_]*\),.*/\1/p' \
           -e 's/^EXPORT(\([A-Za-z0-9_]*\)).*/\1/p' "$1"
}

if [ "$1" = --names ]; then
    names "$2"
    exit
fi
list=$(names "$1" | tr '\n' ' ')
[ -n "$list" ] || { echo "exports.sh: no names in $1" >&2; exit 1; }
libc=$2
objdump -T "$libc" | awk -v list="$list" '
    BEGIN {
        n = split(list, names, " ")
        for (i = 1; i <= n; i++) want[names[i]] = 1
    }
    # addr g DF .text size GLIBC_2.15 posix_spawn      (default version)
    # addr g DF .text size (GLIBC_2.2.5) posix_spawn   (compat: not ours)
    $4 == ".text" && $NF in want && $(NF - 1) ~ /^GLIBC_/ {
        print $(NF - 1), $NF
    }' | sort -u | awk '
    $1 != ver {
        if (ver != "") print "};"
        ver = $1
        print ver " {\n  global:"
    }
    { print "    " $2 ";" }
    END {
        if (ver == "") exit 1
        print "  local: *;\n};"
    }'
