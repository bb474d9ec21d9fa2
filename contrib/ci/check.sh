#!/bin/sh
# SPDX-License-Identifier: MIT
# contrib/ci/check.sh - CI step 2: `skcexec --check` says, in plain words,
# whether the shim will work on this runner (library loads, skc dynamically
# linked, clang found, the memory limit and what it means) and fails the
# job if it will not, before a long build is spent finding out.
set -eu
exec skcexec --check
