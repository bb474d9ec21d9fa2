/* SPDX-License-Identifier: MIT */
/* barrier.h - wait until the IR clang will read is complete.
 *
 * An in-place exec kills every other thread of the caller.  If one of them is
 * still writing a file clang reads, clang would see it truncated; so before
 * exec, every regular file named in clang's argv must have no descriptor
 * open for writing in this process.  The wait is bounded: on timeout the
 * caller falls back to the ordinary spawn (which is what would have happened
 * without the shim, race included).
 */
#ifndef SKCEXEC_BARRIER_H
#define SKCEXEC_BARRIER_H

/* `dirfd` is the directory clang will run in (relative names are looked up
 * there), or AT_FDCWD.  Returns 0 when no writer is left, 1 on timeout, 2 at
 * once when the process has a single thread (the writer is the caller
 * itself: no one will close the file while we wait), -1 when it cannot tell
 * (no /proc). */
int barrier_wait(int dirfd, char *const *argv, long wait_ms);

/* The one-line warning for a barrier result of 1 or 2, ending in `then`. */
void barrier_warn(int result, long wait_ms, const char *then);

#endif
