/* SPDX-License-Identifier: MIT */
/* fdtable.c - see fdtable.h. */
#include "fdtable.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

struct dirent64_raw {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

int fdtable_each(int (*fn)(int fd, void *ctx), void *ctx)
{
    int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return -1;
    char buf[4096] __attribute__((aligned(8)));
    int ret = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
        if (n < 0) {
            ret = -1;
            break;
        }
        if (n == 0)
            break;
        for (long off = 0; off < n;) {
            struct dirent64_raw *d = (struct dirent64_raw *)(buf + off);
            off += d->reclen;
            int fd = 0;
            const char *c = d->name;
            if (*c < '0' || *c > '9')
                continue;               /* "." and ".." */
            for (; *c >= '0' && *c <= '9' && fd < 100000000; c++)
                fd = fd * 10 + (*c - '0');
            if (*c != '\0' || fd == dir)
                continue;
            if ((ret = fn(fd, ctx)) != 0)
                goto done;
        }
    }
done:
    close(dir);
    return ret;
}
