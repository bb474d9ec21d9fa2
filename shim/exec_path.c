/* SPDX-License-Identifier: MIT */
/* exec_path.c - see exec_path.h.  Async-signal-safe: it runs between fork
 * and exec. */
#include "exec_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "handover.h"
#include "resolve.h"

extern char **environ;

/* In the child of a caller's fork: offer the exec to the parent.  Out of
 * line: a grandchild made by _Fork or clone (not handover_child()) passes
 * through exec_in_child without this frame. */
static __attribute__((noinline)) void offer(const char *prog, int use_path,
                                            char *const argv[],
                                            char *const envp[])
{
    /* execvp and friends search the PATH of the calling process. */
    char path[PATH_MAX];
    if (prog != NULL && argv != NULL &&
        resolve_program(AT_FDCWD, prog, use_path, env_lookup(environ, "PATH"),
                        path, sizeof path) == 0)
        handover_offer(path, argv, envp);
}

void exec_in_child(const char *prog, int use_path, char *const argv[],
                   char *const envp[])
{
    int saved = errno;
    if (handover_child())
        offer(prog, use_path, argv, envp);
    handover_release();
    errno = saved;
}
