#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# vfork must stay vfork: its child shares the parent's memory until it
# execs or exits, and programs rely on it.  The documented idiom (skc is
# vfork_errno): the child execvp's a program that does not exist, writes
# errno into a variable of the parent's and _exits; the parent reads it.
# A fork in vfork's place leaves the parent's copy at 0.

load helpers

setup() {
    setup_fixtures
    cp "$BUILD/fixtures/vfork_errno" "$T/bin/skc"
}

@test "vfork in a caller: the parent reads the errno its child stored" {
    same_without_and_with_shim timeout 60 skc
    plain_says "the child's exec errno, as the parent reads it: 2"
}
