/* SPDX-License-Identifier: MIT */
/* handover.h - fork + exec in a caller: the child hands its exec of clang
 * over to the parent, which execs clang in place.
 *
 * Exec'ing clang in a forked child frees nothing: the parent still holds its
 * heap.  So, in callers only, fork makes a CLOEXEC socket pair and a shared
 * page holding one arbitration word, and the parent waits (at most
 * SKCEXEC_FORK_WAIT_MS) for the child's first exec:
 *   - a child exec'ing anything else, exiting, or forking again closes its
 *     end: the parent's fork returns at once, as without the shim;
 *   - a child about to exec clang checks that it is still what its parent
 *     is (every row of exec-kept state: snapshot.h), then
 *     sends path, argv, envp, its cwd and every fd it would pass on
 *     (SCM_RIGHTS), its signal mask, ignored signals and umask, and waits;
 *     the parent replays that state on itself (the pipe rule maps capture
 *     pipes back to its own stdout/stderr), passes the IR barrier, flushes
 *     stdio, and execs.
 * The word settles who runs clang, once: the parent moves it from OPEN to
 * PARENT_EXECS just before its exec, or to CHILD_EXECS when it declines,
 * gives up waiting, or its exec failed (then it has undone everything);
 * the child moves it from OPEN to CHILD_EXECS when it stops waiting.  So
 * every wait is bounded, on both sides, even when another process holds a
 * copy of the socket (a worker forked by another thread): the child waits
 * for a verdict at most SKCEXEC_WAIT_MS plus a margin, and after
 * PARENT_EXECS only until the parent's image has changed (its exec
 * succeeded: the child _exits) or the word says CHILD_EXECS.
 * Everything the child runs is async-signal-safe: no malloc, stdio or locks
 * (another thread may have held the malloc lock at fork time).
 */
#ifndef SKCEXEC_HANDOVER_H
#define SKCEXEC_HANDOVER_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#define HANDOVER_MAGIC 0x58434b53u      /* "SKCX": an offer */
#define HANDOVER_DECLINE 0x4e434b53u    /* "SKCN": the child execs itself; */
                                        /* argc says why (below) */
/* Why a child declines: a snapshot row (snapshot.h), or one of these. */
#define HANDOVER_SAME 0xffffffffu
#define HANDOVER_UNREADABLE 1000u       /* its state cannot be read */
#define HANDOVER_CONFINED 1001u         /* confined apart from its parent */
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

enum { HANDOVER_OPEN = 0, HANDOVER_PARENT_EXECS = 1, HANDOVER_CHILD_EXECS = 2 };

/* How long either side waits for the other's next message, on top of the
 * configured waits. */
#define HANDOVER_MARGIN_MS 2000

extern int handover_in_child;   /* set in children of a caller's fork */

typedef pid_t (*fork_fn)(void);

/* The caller's fork (handover_fork.c). */
pid_t handover_fork(fork_fn real_fork);

/* The child's side (handover_offer.c).  Right after the fork, in the
 * child: arm it; `fd` is its end of the socket pair. */
struct snapshot;
void handover_arm(int fd, pid_t parent, int *word, long wait_ms,
                  const struct snapshot *parent_snap);

/* In the child: let the parent's fork return (idempotent). */
void handover_release(void);

/* In the child, the exec wrappers' call: an exec of clang is offered to
 * the parent; any other lets the parent's fork return.  `prog` is what the
 * exec function was given (a path, or a file name to search in PATH when
 * use_path).  Returns when the real exec must run (the child's own);
 * _exits if the parent became clang.  errno kept. */
void handover_exec(const char *prog, int use_path, char *const argv[],
                   char *const envp[]);

/* The parent's side (handover_take.c): wait for the child's offer, act on
 * it, and settle *word. */
void handover_take(int sock, int *word);

/* Move *word from OPEN to `to`; 1 if this call did, or it already was. */
static inline int handover_settle(int *word, int to)
{
    int open = HANDOVER_OPEN;
    return __atomic_compare_exchange_n(word, &open, to, 0, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE) || open == to;
}

#endif
