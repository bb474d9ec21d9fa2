/* SPDX-License-Identifier: MIT */
/* fdtable.c - see fdtable.h. */
#include "fdtable.h"

#include "procfs.h"

struct walk {
    int (*fn)(int fd, void *ctx);
    void *ctx;
};

static int each_entry(const char *name, unsigned char type, int dir_fd,
                      void *ctx)
{
    (void)type;
    const struct walk *w = ctx;
    int fd = 0;
    const char *c = name;
    for (; *c >= '0' && *c <= '9' && fd < 100000000; c++)
        fd = fd * 10 + (*c - '0');
    if (c == name || *c != '\0' || fd == dir_fd)
        return 0;
    return w->fn(fd, w->ctx);
}

int fdtable_each(int (*fn)(int fd, void *ctx), void *ctx)
{
    struct walk w = { fn, ctx };
    return procfs_dir_each("/proc/self/fd", each_entry, &w);
}
