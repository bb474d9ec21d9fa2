/* SPDX-License-Identifier: MIT */
/* barrier.c - see barrier.h. */
#include "barrier.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "clang_args.h"
#include "clock.h"
#include "fdtable.h"
#include "log.h"
#include "procfs.h"

/* The files clang reads, by identity. */
#define INPUTS_MAX 256
struct inputs {
    dev_t dev[INPUTS_MAX];
    ino_t ino[INPUTS_MAX];
    int n;
    int busy;                   /* one of them is being written */
};

static int is_input(const struct inputs *in, dev_t dev, ino_t ino)
{
    for (int i = 0; i < in->n; i++)
        if (in->dev[i] == dev && in->ino[i] == ino)
            return 1;
    return 0;
}

/* fn for fdtable_each: 2 when fd cannot be inspected. */
static int writer_fd(int fd, void *ctx)
{
    struct inputs *in = ctx;
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_ACCMODE) == O_RDONLY)
        return fl < 0 && errno != EBADF ? 2 : 0;
    if (fstat(fd, &st) != 0)
        return errno == EBADF ? 0 : 2;
    if (S_ISREG(st.st_mode) && is_input(in, st.st_dev, st.st_ino)) {
        in->busy = 1;
        return 1;
    }
    return 0;
}

static unsigned long hex(const char **p)
{
    unsigned long v = 0;
    for (;; (*p)++) {
        char c = **p;
        if (c >= '0' && c <= '9')
            v = v * 16 + (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = v * 16 + (unsigned long)(c - 'a' + 10);
        else
            return v;
    }
}

/* A maps line "start-end perms offset maj:min inode path": a shared
 * writable mapping of an input is a write in progress. */
static int writer_mapping(const char *line, void *ctx)
{
    struct inputs *in = ctx;
    const char *p = strchr(line, ' ');
    if (p == NULL || p[1] == '\0' || p[2] != 'w' || p[4] != 's')
        return 0;
    p = strchr(p + 1, ' ');                 /* the offset */
    p = p != NULL ? strchr(p + 1, ' ') : NULL;  /* maj:min */
    if (p == NULL)
        return 0;
    p++;
    unsigned long maj = hex(&p);
    if (*p++ != ':')
        return 0;
    unsigned long min = hex(&p);
    if (*p++ != ' ')
        return 0;
    unsigned long ino = strtoul(p, NULL, 10);
    if (is_input(in, makedev(maj, min), (ino_t)ino)) {
        in->busy = 1;
        return 1;
    }
    return 0;
}

/* BARRIER_READY, BARRIER_WRITER, or BARRIER_UNKNOWN. */
static enum barrier_result writers(struct inputs *in)
{
    in->busy = 0;
    if (in->n == 0)
        return BARRIER_READY;
    int r = fdtable_each(writer_fd, in);
    if (r < 0 || r == 2)
        return BARRIER_UNKNOWN;
    if (!in->busy && procfs_lines("/proc/self/maps", writer_mapping, in) < 0)
        return BARRIER_UNKNOWN;
    return in->busy ? BARRIER_WRITER : BARRIER_READY;
}

static void find_inputs(struct inputs *in, int dirfd, char *const *argv)
{
    in->n = 0;
    for (size_t i = clang_args_next_input(argv, 0); i != 0 && in->n < INPUTS_MAX;
         i = clang_args_next_input(argv, i)) {
        struct stat st;
        if (fstatat(dirfd, argv[i], &st, 0) == 0 && S_ISREG(st.st_mode)) {
            in->dev[in->n] = st.st_dev;
            in->ino[in->n] = st.st_ino;
            in->n++;
        }
    }
}

enum barrier_result barrier_wait(int dirfd, char *const *clang_argv,
                                 long wait_ms)
{
    /* Poll: a thread ending or a writer closing its file raises no event
     * we could wait on portably.  Back off from 0.5 ms to 20 ms so the
     * common case (one thread, the IR closed long ago) costs one look. */
    struct inputs in;           /* 4 KB: only the caller's spawning thread, */
                                /* never a child, gets here */
    long deadline = clock_ms() + wait_ms;
    long nap_us = 500;
    for (;;) {
        int threads = procfs_threads();
        if (threads < 0)
            return BARRIER_UNKNOWN;
        if (threads == 1) {
            find_inputs(&in, dirfd, clang_argv);
            return writers(&in);
        }
        if (clock_ms() >= deadline)
            return BARRIER_THREADS;
        struct timespec nap = { 0, nap_us * 1000 };
        while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
            ;
        nap_us = nap_us * 2 > 20000 ? 20000 : nap_us * 2;
    }
}

void barrier_warn(enum barrier_result r, long wait_ms, const char *then)
{
    if (r == BARRIER_WRITER)
        log_line("a file clang reads is still open for writing or mapped "
                 "writable; %s", then);
    else if (r == BARRIER_THREADS)
        log_line("other threads still ran after SKCEXEC_WAIT_MS=%ld ms; %s",
                 wait_ms, then);
}
