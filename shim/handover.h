/* handover.h - fork + exec in a caller: the child hands its exec of clang
 * over to the parent, which execs clang in place.
 *
 * Exec'ing clang in a forked child frees nothing: the parent still holds its
 * heap.  So, in callers only, fork makes a CLOEXEC socket pair and the parent
 * waits (at most SKCEXEC_FORK_WAIT_MS) for the child's first exec:
 *   - a child exec'ing anything else, exiting, or forking again closes its
 *     end: the parent's fork returns at once, as without the shim;
 *   - a child about to exec clang sends path, argv, envp, its cwd and every
 *     fd it would pass on (SCM_RIGHTS), its signal mask, ignored signals and
 *     umask, then waits; the parent replays that state on itself (the pipe
 *     rule maps capture pipes back to its own stdout/stderr), passes the IR
 *     barrier, flushes stdio, tells the child 'X' and execs.  If that fails,
 *     the parent undoes everything, tells the child 'G' and returns from
 *     fork: the child then execs clang itself.
 *   - after 'X', EOF means the parent is clang now: the child _exits.
 * Everything the child runs is async-signal-safe: no malloc, stdio or locks
 * (another thread may have held the malloc lock at fork time).
 */
#ifndef SKCEXEC_HANDOVER_H
#define SKCEXEC_HANDOVER_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#define HANDOVER_MAGIC 0x58434b53u      /* "SKCX" */
#define HANDOVER_FDS_MAX 250            /* SCM_RIGHTS takes 253 at most */
#define HANDOVER_BYTES_MAX (64u << 20)  /* argv + envp: far above ARG_MAX */

struct handover_msg {
    uint32_t magic;
    uint32_t n_fds;             /* child fd numbers that follow */
    uint32_t path_len;          /* with its NUL */
    uint32_t argc, envc;
    uint64_t argv_bytes, envp_bytes;
    sigset_t sigmask;
    sigset_t ignored;
    uint32_t umask;
};

extern int handover_in_child;   /* this process is a child of a caller's fork */

typedef pid_t (*fork_fn)(void);

/* The caller's fork (and vfork): see above. */
pid_t handover_fork(fork_fn real_fork);

/* In the child: offer the exec of `path` (resolved) to the parent.  Returns
 * if the child must exec by itself; _exits if the parent became clang. */
void handover_offer(const char *path, char *const argv[], char *const envp[]);

/* In the child: let the parent's fork return (idempotent). */
void handover_release(void);

/* In the parent (handover_parent.c): wait for the child's offer. */
void handover_wait(int sock);

#endif
