/* SPDX-License-Identifier: MIT */
/* fdtable.h - walk this process's open file descriptors.
 *
 * Reads /proc/self/fd with getdents64 into a stack buffer: no malloc, no
 * stdio, so it may also run where only async-signal-safe calls are allowed.
 */
#ifndef SKCEXEC_FDTABLE_H
#define SKCEXEC_FDTABLE_H

/* Calls fn(fd, ctx) for each open fd but the one used for the walk.  Stops
 * when fn returns non-zero and returns that value; returns 0 after a full
 * walk, -1 if /proc/self/fd cannot be read. */
int fdtable_each(int (*fn)(int fd, void *ctx), void *ctx);

#endif
