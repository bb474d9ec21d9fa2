/* SPDX-License-Identifier: MIT */
/* stdio_flush.h - write out the caller's buffered stdio before its process
 * image goes, without ever blocking.
 *
 * fflush(NULL) locks every FILE; a thread blocked in fgets(stdin) holds
 * stdin's lock forever.  So: single-threaded, fflush(NULL); otherwise only
 * stdout and stderr, each only if its lock is free.  Returns 0, or -1 when
 * a lock is busy (the caller then stays a spawn).
 */
#ifndef SKCEXEC_STDIO_FLUSH_H
#define SKCEXEC_STDIO_FLUSH_H

int stdio_flush(void);

#endif
