/* SPDX-License-Identifier: MIT */
/* equivalence.h - would clang exec'd in this process be indistinguishable
 * from clang spawned as its child?
 *
 * The rows of docs/process-state.md that concern the caller itself: what
 * fork(2) does not pass to a child (timers, pending signals, record locks,
 * the parent-death signal, the subreaper flag, reset-on-fork scheduling,
 * ...), and what skc, waiting at its pid, would go on holding or reacting
 * to while clang runs (signals, children, descriptors with an owner).
 * Each row is read from the kernel; a row that cannot be read counts as
 * different.  The spawn's own attributes and file actions are replayed
 * (inplace.c); the descriptors the exec releases are judged there, at the
 * exec; other threads and the IR are the barrier's.
 *
 * Runs only in a caller that decided to act: never in an inert process.
 */
#ifndef SKCEXEC_EQUIVALENCE_H
#define SKCEXEC_EQUIVALENCE_H

struct exec_plan;

/* NULL when every row is known equal for the exec `p` describes (its
 * signal mask and ignored signals after the exec); else the first row that
 * is not, as a static reason.  With p NULL, the rows that do not depend on
 * a plan (the fork wrapper asks before it offers a handover). */
const char *equivalence_refusal(const struct exec_plan *p);

#endif
