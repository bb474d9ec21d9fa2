# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# bench/lib.sh - shell functions shared by the benchmark (bench/run.sh),
# the demo (bench/demo.sh), the paths benchmark (bench/paths.sh) and the
# container test (tests/container/).  POSIX sh, so both bash and sh can
# source it.

# gen_ir CLANG FUNCS OPS OUT: writes a generated real-size IR of FUNCS
# functions of OPS operations each (bench/gen_ir.c) to OUT.  The IR names
# clang's own target triple, as skc's does (no -Woverride-module noise).
# clang's peak grows with FUNCS * OPS: on clang 14, 100 * 6000 (a 48 MB
# IR) peaks at about 380 MiB (cgroup; 480 MiB max RSS) and takes 4 s at -O2.
gen_ir() {
    { printf 'target triple = "%s"\n' "$("$1" -print-target-triple)" &&
      "$BUILD/bench/gen_ir" "$2" "$3"; } >"$4"
}

# machine_info: one line naming the machine a figure was measured on.
machine_info() {
    printf 'machine: %s cores, %s MiB RAM, kernel %s, %s; %s\n' \
        "$(nproc)" \
        "$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)" \
        "$(uname -r)" \
        "$("${CLANG:-clang++}" --version 2>/dev/null | head -n 1)" \
        "$(date -u '+%Y-%m-%d %H:%M UTC')"
}

# median N...: the median of the numbers given (mean of the middle two when
# their count is even); nothing when none is given.
median() {
    printf '%s\n' "$@" | sort -g | awk '
        { v[NR] = $1 }
        END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
