#!/bin/sh
# SPDX-License-Identifier: MIT
# exports.sh LIST LIBC > MAP: the version script for libskcexec.so.
# For each name in LIST that LIBC defines, export it under LIBC's default
# version of it (the one objdump prints without parentheses); local: *
# hides everything else.
set -eu
list=$1
libc=$2
objdump -T "$libc" | awk -v list="$list" '
    BEGIN {
        while ((getline line < list) > 0)
            if (line !~ /^#/ && line != "") want[line] = 1
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
