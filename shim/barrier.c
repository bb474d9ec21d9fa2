/* barrier.c - see barrier.h. */
#include "barrier.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "fdtable.h"

struct file_id {
    dev_t dev;
    ino_t ino;
};

struct ids {
    struct file_id *id;
    size_t n;
};

/* fn for fdtable_each: is fd open for writing on one of the files? */
static int is_writer(int fd, void *ctx)
{
    const struct ids *ids = ctx;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    for (size_t i = 0; i < ids->n; i++) {
        if (ids->id[i].dev != st.st_dev || ids->id[i].ino != st.st_ino)
            continue;
        int fl = fcntl(fd, F_GETFL);
        return fl >= 0 && (fl & O_ACCMODE) != O_RDONLY;
    }
    return 0;
}

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int barrier_wait(int dirfd, char *const *argv, long wait_ms)
{
    size_t argc = 0;
    while (argv[argc] != NULL)
        argc++;
    struct ids ids = { calloc(argc ? argc : 1, sizeof *ids.id), 0 };
    if (ids.id == NULL)
        return -1;
    for (size_t i = 1; i < argc; i++) {
        struct stat st;
        if (argv[i][0] == '-' || fstatat(dirfd, argv[i], &st, 0) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        ids.id[ids.n].dev = st.st_dev;
        ids.id[ids.n].ino = st.st_ino;
        ids.n++;
    }
    /* Poll: a writer closing its file raises no event we could wait on
     * portably.  Back off from 0.5 ms to 20 ms so the common case (skc
     * closed the IR long ago) costs one walk, and a long wait costs little. */
    int ret;
    long deadline = now_ms() + wait_ms;
    long nap_us = 500;
    for (;;) {
        ret = ids.n == 0 ? 0 : fdtable_each(is_writer, &ids);
        if (ret <= 0)
            break;                      /* 0: no writer; -1: cannot tell */
        if (now_ms() >= deadline)
            break;                      /* 1: timed out */
        struct timespec nap = { 0, nap_us * 1000 };
        while (nanosleep(&nap, &nap) != 0 && errno == EINTR)
            ;
        nap_us = nap_us * 2 > 20000 ? 20000 : nap_us * 2;
    }
    free(ids.id);
    return ret;
}
