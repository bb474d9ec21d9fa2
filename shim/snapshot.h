/* SPDX-License-Identifier: MIT */
/* snapshot.h - what a forked child may have changed before its exec, for
 * the fork handover.
 *
 * A caller's child that is about to exec clang hands the exec to its
 * parent, which execs clang as itself.  That is right only if the child is
 * still exactly what the parent is in every row of process state that an
 * exec keeps (docs/process-state.md), but for what is sent along (argv,
 * environment, descriptors, directory, signal mask, ignored signals,
 * umask).  So the parent takes a snapshot before it forks, the child takes
 * one before it offers, and any difference makes the child exec clang
 * itself.  Readable rows are compared whole (every line of
 * /proc/self/status but a short list that differs between any two
 * processes, every namespace, every LSM attribute, ...); each row is kept
 * as a 64-bit FNV-1a hash, so a snapshot is small.  Rows the kernel does
 * not show are ruled out another way (snapshot_unseen_refusal,
 * snapshot_confined_apart).
 *
 * Async-signal-safe: syscalls and stack buffers only (the child may run in
 * a threaded program); about 6 KB of stack.
 */
#ifndef SKCEXEC_SNAPSHOT_H
#define SKCEXEC_SNAPSHOT_H

#include <stdint.h>
#include <sys/types.h>

#define SNAPSHOT_ROWS 18

struct snapshot {
    uint64_t row[SNAPSHOT_ROWS];
};

/* Fill *s; 0, or -1 if some row could not be read at all. */
int snapshot_take(struct snapshot *s);

/* The first row in which a and b differ, or -1. */
int snapshot_diff(const struct snapshot *a, const struct snapshot *b);

/* The row's name, for messages. */
const char *snapshot_row_name(int row);

/* In the parent, before it offers: NULL when a child could not change a
 * row the kernel does not show (a Yama ptracer exception, x86 I/O port
 * permissions, System V semaphore adjustments); else why. */
const char *snapshot_unseen_refusal(void);

/* In the child: 1 when it is confined apart from its parent (it entered a
 * Landlock domain or another LSM confinement the parent is not in), or
 * cannot tell.  landlock(7): a process may ptrace another only if the
 * other's domain is within its own, so a child allowed kcmp(2) on its
 * parent (a PTRACE_MODE_READ check) added no layer of its own. */
int snapshot_confined_apart(pid_t parent);

#endif
