/* SPDX-License-Identifier: MIT */
/* inplace.h - become clang: replay the spawn's effects on this process and
 * execve, or undo them all.
 *
 * Every change (fds, cwd, signal dispositions, scheduler, umask, signal
 * mask) is journaled before it is made.  If any step or the execve
 * itself fails, the journal is unwound in reverse and the process is as it
 * was, so the caller can run the real posix_spawn and get libc's own result.
 */
#ifndef SKCEXEC_INPLACE_H
#define SKCEXEC_INPLACE_H

#include "plan.h"

#include "log.h"

/* Does not return on success.  Returns the errno of the failed step; when
 * the exec would let go early of something another process can see
 * (released.h), everything is undone, EBUSY is returned and *refused says
 * why (static text; else NULL).  `announce`, when not NULL, is written
 * once nothing is left but the execve itself. */
int inplace_exec(const struct exec_plan *p, const struct log_msg *announce,
                 const char **refused);

#endif
