#!/bin/bash
# SPDX-License-Identifier: MIT
# tap_count.sh - counts the results in a test log and prints one line,
# "PASSED FAILED SKIPPED" (three numbers), for the scripts that end a run
# with a totals line: tools/run_tests.sh, tools/check_asan.sh,
# tools/test_in_root.sh and .ci/run.
#
# usage: tools/tap_count.sh LOG
#
# What counts, one result a line:
#   ok N ... # skip ...       a skipped test (bats TAP)
#   ok N ...                  a passed test
#   not ok N ...              a failed test
#   unit_x: P passed, F failed               a unit program: one test
#   faults: F failed                         make faults: one test
#   fuzz: N executions, C crashes            tools/fuzz.sh: one test
#   check: STAGE ok | check: STAGE FAILED    tools/check_all.sh: one a stage
# A log holds only the lines its own run printed, so a line of one kind
# never turns up where another run is counted.
set -u
[ "$#" -eq 1 ] || { echo "usage: tools/tap_count.sh LOG" >&2; exit 2; }
awk '
    /^ok [0-9]+ .*# skip/ { s++; next }
    /^ok [0-9]+/          { p++; next }
    /^not ok [0-9]+/      { f++; next }
    /^unit_[a-z_]+: [0-9]+ passed, [0-9]+ failed$/ { if ($4 == 0) p++; else f++ }
    /^faults: [0-9]+ failed$/ { if ($2 == 0) p++; else f++ }
    /^fuzz: [0-9?]+ executions, [0-9]+ crashes$/ { if ($4 == 0) p++; else f++ }
    /^check: [a-z-]+ ok$/      { p++ }
    /^check: [a-z-]+ FAILED/   { f++ }
    END { print p + 0, f + 0, s + 0 }' "$1"
