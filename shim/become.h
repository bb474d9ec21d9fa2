/* SPDX-License-Identifier: MIT */
/* become.h - become clang: every check, then the exec.
 *
 * The one place where the library decides that replacing the caller by
 * clang is indistinguishable from the spawn it replaces (but for the pid
 * and the memory: docs/process-state.md), and does it.  Each way of
 * starting clang (posix_spawn, a forked child's exec, system()) builds a
 * plan and calls become_clang once:
 *   1. get ready: the barrier (no other thread, the IR complete), every row
 *      of the state table (equivalence.h), stdio flushed;
 *   2. exec: the log line, the journaled replay and execve (inplace.h),
 *      which also judges what the exec lets go of (released.h).
 * Runs in a caller only, in the thread that spawns, never in a child.
 */
#ifndef SKCEXEC_BECOME_H
#define SKCEXEC_BECOME_H

#include "plan.h"

/* How the caller started clang, for its messages. */
struct become_how {
    const char *verb;           /* "spawns", "forks and execs", "runs" */
    const char *instead;        /* what happens when it does not act */
    int *claim;                 /* a handover's arbitration word: claimed */
                                /* just before the exec; else NULL */
};

/* Does not return when the caller became clang.  Otherwise everything is
 * as it was, and it returns why not (static text), or NULL when the exec
 * itself failed (that is logged at SKCEXEC_VERBOSE=1). */
const char *become_clang(const struct exec_plan *p, const struct become_how *how);

/* The SKCEXEC_VERBOSE=2 line for a call left alone: "skc spawns clang++:
 * inert (why)"; `arg`, when not NULL, is the argument that decided. */
void become_explain(const struct become_how *how, const char *prog,
                    const char *why, const char *arg);

#endif
