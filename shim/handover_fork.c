/* SPDX-License-Identifier: MIT */
/* handover_fork.c - the caller's fork (handover.h): where an exec in place
 * could be equivalent, a socket pair and an arbitration word, the real
 * fork, then the child is armed to offer its exec and the parent waits
 * for the offer.  Everywhere else, a plain fork.
 */
#include "handover.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "equivalence.h"
#include "process.h"
#include "procfs.h"
#include "snapshot.h"

/* Offer a handover only where an exec in place could be equivalent: one
 * thread, no children, every row of the caller's own state
 * (equivalence.h), nothing a child could change unseen.  The parent's
 * snapshot, which the child compares its own with, is taken here. */
static int may_offer(struct snapshot *snap)
{
    return procfs_threads() == 1 && equivalence_refusal(NULL) == NULL &&
           snapshot_unseen_refusal() == NULL && snapshot_take(snap) == 0;
}

pid_t handover_fork(fork_fn real_fork)
{
    int saved = errno;
    struct snapshot snap;
    int sv[2];
    int *word = may_offer(&snap)
                    ? mmap(NULL, sizeof *word, PROT_READ | PROT_WRITE,
                           MAP_SHARED | MAP_ANONYMOUS, -1, 0)
                    : MAP_FAILED;
    if (word != MAP_FAILED &&
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        munmap(word, sizeof *word);
        word = MAP_FAILED;
    }
    errno = saved;
    if (word == MAP_FAILED)
        return real_fork();     /* a plain fork */
    long wait_ms = process_settings()->wait_ms;
    pid_t parent = getpid();
    pid_t pid = real_fork();
    if (pid == 0) {
        close(sv[0]);
        handover_arm(sv[1], parent, word, wait_ms, &snap);
        errno = saved;
        return 0;
    }
    int fork_errno = errno;
    close(sv[1]);
    if (pid > 0)
        handover_take(sv[0], word);  /* returns unless this process is clang */
    close(sv[0]);
    munmap(word, sizeof *word);
    errno = pid < 0 ? fork_errno : saved;
    return pid;
}
