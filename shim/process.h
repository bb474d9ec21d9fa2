/* SPDX-License-Identifier: MIT */
/* process.h - is this process one the shim acts in?
 *
 * Decided once, at the first wrapped call that needs to know (a spawn, a
 * fork, an exec, system(), a file action), not at start-up (the library
 * has no constructor): most processes of a build (cc1, as, ld, sed,
 * true...) never call one, and then the library costs them nothing but
 * being mapped.  Reading /proc/self/exe
 * alone would add ~6% to a trivial program's start-up.  The answer is kept
 * in one word: afterwards each wrapper costs one load and a compare before it
 * tail-calls libc.  A process is active when all hold:
 *   - it is not AT_SECURE (setuid, setgid, capabilities): then nothing else,
 *     not even the environment, is looked at;
 *   - SKCEXEC_DISABLE is not 1;
 *   - the basename of /proc/self/exe or of argv[0] is in SKCEXEC_CALLERS
 *     (argv[0] too, because skc is often installed as a symlink);
 *   - its own argv has no --batch (one clang per unit: it must survive).
 * The settings are read from the environment as it is at that first call.
 * Only the process that decided acts: a child forked from a caller (by fork,
 * _Fork or clone; a worker, say) shares the verdict in its copy of memory,
 * but its pid differs, so it is inert unless it execs a caller again.
 */
#ifndef SKCEXEC_PROCESS_H
#define SKCEXEC_PROCESS_H

#include <sys/types.h>
#include <unistd.h>

#include "settings.h"

enum {
    PROCESS_UNDECIDED = 0,
    PROCESS_ACTIVE = 1,
    PROCESS_INERT = 2,
};

/* One of the above, or minus the id of the thread deciding. */
extern int process_state;
extern pid_t process_pid;       /* valid once decided */

/* The slow path of process_active(): decides (once per process). */
int process_decide(void);

static inline int process_active(void)
{
    int s = __atomic_load_n(&process_state, __ATOMIC_ACQUIRE);
    if (__builtin_expect(s == PROCESS_INERT, 1))
        return 0;
    if (s == PROCESS_ACTIVE)
        return getpid() == process_pid;     /* not in a forked child */
    return process_decide();
}

/* Valid once process_active() returned true. */
const struct settings *process_settings(void);
const char *process_name(void);         /* the caller's basename, for logs */

#endif
