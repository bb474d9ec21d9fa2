/* SPDX-License-Identifier: MIT */
/* procfs.c - see procfs.h. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

ssize_t procfs_read(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, size - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
        if (n == size - 1)
            break;
    }
    close(fd);
    if (n == size - 1)
        return -1;              /* too long to be known whole */
    buf[n] = '\0';
    return (ssize_t)n;
}

long procfs_status_number(const char *key)
{
    char buf[4096];
    if (procfs_read("/proc/self/status", buf, sizeof buf) < 0)
        return -1;
    size_t k = strlen(key);
    for (const char *line = buf; *line != '\0';) {
        if (strncmp(line, key, k) == 0 && line[k] == ':') {
            const char *p = line + k + 1;
            while (*p == ' ' || *p == '\t')
                p++;
            long v = 0;
            if (*p < '0' || *p > '9')
                return -1;
            for (; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (*p - '0');
            return v;
        }
        const char *nl = strchr(line, '\n');
        if (nl == NULL)
            break;
        line = nl + 1;
    }
    return -1;
}

char *procfs_path(char *out, size_t size, const char *head, long n,
                  const char *tail)
{
    char digits[24];
    int k = 0;
    do
        digits[k++] = (char)('0' + n % 10);
    while ((n /= 10) > 0 && k < (int)sizeof digits);
    size_t used = 0;
    for (const char *s = head; *s != '\0' && used + 1 < size; s++)
        out[used++] = *s;
    while (k > 0 && used + 1 < size)
        out[used++] = digits[--k];
    for (const char *s = tail; *s != '\0' && used + 1 < size; s++)
        out[used++] = *s;
    out[used] = '\0';
    return out;
}

struct lock_find {
    char pid[32];               /* " <pid> ": the owner's column */
    int found;
};

static int posix_lock_of(const char *line, void *ctx)
{
    struct lock_find *f = ctx;
    if (strstr(line, "POSIX") != NULL && strstr(line, f->pid) != NULL)
        f->found = 1;
    return f->found;
}

int procfs_holds_posix_locks(pid_t pid)
{
    struct lock_find f;
    f.found = 0;
    procfs_path(f.pid, sizeof f.pid, " ", (long)pid, " ");
    if (procfs_lines("/proc/locks", posix_lock_of, &f) < 0)
        return errno == ENOENT ? 0 : -1;
    return f.found;
}

int procfs_threads(void)
{
    long t = procfs_status_number("Threads");
    return t > 0 ? (int)t : -1;
}

long procfs_rss_mib(void)
{
    char buf[128], *end;
    if (procfs_read("/proc/self/statm", buf, sizeof buf) < 0)
        return -1;
    strtoul(buf, &end, 10);                 /* size, then the resident set */
    unsigned long resident = strtoul(end, &end, 10);
    if (*end != ' ' && *end != '\n')
        return -1;
    return (long)(resident * (unsigned long)sysconf(_SC_PAGESIZE) >> 20);
}

int procfs_lines(const char *path, int (*fn)(const char *line, void *ctx),
                 void *ctx)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char buf[2048];
    size_t have = 0;
    int ret = 0, cut = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ret = -1;
            break;
        }
        have += (size_t)n;
        buf[have] = '\0';
        char *line = buf, *nl;
        while ((nl = strchr(line, '\n')) != NULL) {
            *nl = '\0';
            if (!cut && (ret = fn(line, ctx)) != 0)
                goto done;
            cut = 0;
            line = nl + 1;
        }
        have = strlen(line);
        if (n == 0) {
            if (have > 0 && !cut)
                ret = fn(line, ctx);
            break;
        }
        if (have == sizeof buf - 1) {
            /* A line longer than the buffer: give its head, skip the rest. */
            if (!cut && (ret = fn(line, ctx)) != 0)
                goto done;
            cut = 1;
            have = 0;
        } else {
            memmove(buf, line, have);
        }
    }
done:
    close(fd);
    return ret;
}

struct dirent64_raw {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

int procfs_dir_each(const char *path,
                    int (*fn)(const char *name, unsigned char type, int dir_fd,
                              void *ctx),
                    void *ctx)
{
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
            if (d->name[0] == '.' &&
                (d->name[1] == '\0' || (d->name[1] == '.' && d->name[2] == '\0')))
                continue;
            if ((ret = fn(d->name, d->type, dir, ctx)) != 0)
                goto done;
        }
    }
done:
    close(dir);
    return ret;
}
