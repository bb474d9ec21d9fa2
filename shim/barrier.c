/* SPDX-License-Identifier: MIT */
/* barrier.c - see barrier.h.
 *
 * No malloc, no stdio, no locks: only syscalls and stack buffers, so it is
 * also safe where only async-signal-safe calls are allowed.
 */
#include "barrier.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fdtable.h"
#include "log.h"
#include "process.h"

#define WRITERS_MAX 64

/* Regular files open for writing, found by one walk of the fd table. */
struct writers {
    dev_t dev[WRITERS_MAX];
    ino_t ino[WRITERS_MAX];
    int n;
    int skip;                   /* writers already examined in earlier batches */
    int more;                   /* the batch is full: walk again for the rest */
};

/* fn for fdtable_each.  An fd that cannot be inspected (but is still open)
 * might be the IR's writer: stop with 2, "cannot tell". */
static int collect_writer(int fd, void *ctx)
{
    struct writers *w = ctx;
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
        return fl < 0 && errno != EBADF ? 2 : 0;
    if (fstat(fd, &st) != 0)
        return errno == EBADF ? 0 : 2;
    if (!S_ISREG(st.st_mode))
        return 0;
    if (w->skip > 0) {
        w->skip--;
        return 0;
    }
    if (w->n == WRITERS_MAX) {
        w->more = 1;
        return 1;               /* stop the walk; the caller asks again */
    }
    w->dev[w->n] = st.st_dev;
    w->ino[w->n] = st.st_ino;
    w->n++;
    return 0;
}

/* 1 if a file named in argv is being written, 0 if not, -1 if unknown. */
static int any_writer(int dirfd, char *const *argv)
{
    int seen = 0;
    for (;;) {
        struct writers w = { .skip = seen };
        int r = fdtable_each(collect_writer, &w);
        if (r < 0 || r == 2)
            return -1;
        for (size_t i = 1; argv[i] != NULL && w.n > 0; i++) {
            struct stat st;
            if (argv[i][0] == '-' || fstatat(dirfd, argv[i], &st, 0) != 0 ||
                !S_ISREG(st.st_mode))
                continue;
            for (int k = 0; k < w.n; k++)
                if (w.dev[k] == st.st_dev && w.ino[k] == st.st_ino)
                    return 1;
        }
        if (!w.more)
            return 0;
        seen += w.n;
    }
}

int barrier_wait(int dirfd, char *const *argv, long wait_ms)
{
    /* Poll: a writer closing its file raises no event we could wait on
     * portably.  Back off from 0.5 ms to 20 ms so the common case (skc
     * closed the IR long ago) costs one walk, and a long wait costs little. */
    long deadline = clock_ms() + wait_ms;
    long nap_us = 500;
    for (;;) {
        int r = any_writer(dirfd, argv);
        if (r <= 0)
            return r;                   /* 0: no writer; -1: cannot tell */
        if (process_threads() == 1)
            return 2;                   /* the writer is us: waiting is vain */
        if (clock_ms() >= deadline)
            return 1;                   /* timed out */
        struct timespec nap = { 0, nap_us * 1000 };
        while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
            ;
        nap_us = nap_us * 2 > 20000 ? 20000 : nap_us * 2;
    }
}

void barrier_warn(int result, long wait_ms, const char *then)
{
    if (result == 2)
        log_line("pid %d: a file clang reads is open for writing in this "
                 "single-threaded process; %s", (int)getpid(), then);
    else
        log_line("pid %d: a file clang reads was still open for writing "
                 "after SKCEXEC_WAIT_MS=%ld ms; %s", (int)getpid(), wait_ms,
                 then);
}
