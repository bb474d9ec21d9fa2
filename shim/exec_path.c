/* SPDX-License-Identifier: MIT */
/* exec_path.c - see exec_path.h.  Async-signal-safe: it runs between fork
 * and exec. */
#include "exec_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "barrier.h"
#include "handover.h"
#include "policy.h"
#include "process.h"
#include "resolve.h"

extern char **environ;

/* In the child of a caller's fork: offer the exec to the parent.  Out of
 * line: a grandchild made by _Fork or clone (not handover_child()) passes
 * through exec_in_caller without this frame. */
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

/* The caller itself execs: it replaces itself anyway, only the barrier
 * applies.  Out of line, like offer(). */
static __attribute__((noinline)) void barrier_only(const char *prog,
                                                   char *const argv[])
{
    const struct settings *s = process_settings();
    struct spawn_view v = { prog, argv, 0, 0, 0, 1 };
    struct decision d;
    policy_decide(&v, &s->targets, &d);
    int b = d.act && !d.via_env ? barrier_wait(AT_FDCWD, argv + d.cmd,
                                               s->wait_ms) : 0;
    if (b > 0)
        barrier_warn(b, s->wait_ms, "exec'ing clang anyway");
}

void exec_in_caller(const char *prog, int use_path, char *const argv[],
                    char *const envp[])
{
    int saved = errno;
    if (handover_in_child) {
        if (handover_child())
            offer(prog, use_path, argv, envp);
        handover_release();
    } else {
        barrier_only(prog, argv);
    }
    errno = saved;
}
