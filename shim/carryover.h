/* SPDX-License-Identifier: MIT */
/* carryover.h - what an in-place exec would carry over that a spawned child
 * would not have.
 *
 * execve keeps the process: its CPU time (counted against RLIMIT_CPU), its
 * armed interval timers and alarm, its pending signals, and, at the pid
 * that skc's parent knows, the reaction to termination signals.  A spawned
 * clang starts fresh on all of these, and the caller goes on reacting as it
 * did.  Where they would differ, the spawn stays a spawn.  A released skc
 * sets no limits, arms no timers and touches no signal, so none of this
 * stops the library for it.
 */
#ifndef SKCEXEC_CARRYOVER_H
#define SKCEXEC_CARRYOVER_H

#include <signal.h>

/* NULL when an exec in place, after which `blocked` is the signal mask and
 * `ignored` the ignored signals, is indistinguishable from the spawn it
 * replaces in all of the above; else why not (static text). */
const char *carryover_refusal(const sigset_t *blocked, const sigset_t *ignored);


/* The same for the exec a plan describes (its mask, default and ignored
 * signals), or for an exec with the caller's own signal state (p == NULL). */
struct exec_plan;
const char *carryover_refusal_for(const struct exec_plan *p);

#endif
