/* SPDX-License-Identifier: MIT */
/* identity.c - see identity.h. */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const g_status_keys[] = {
    "Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:",
    "CapAmb:", "NoNewPrivs:", "Seccomp:", "Seccomp_filters:",
    "Cpus_allowed:", "Mems_allowed:",
};

static const char *const g_ns[IDENTITY_NS] = {
    "/proc/self/ns/cgroup", "/proc/self/ns/ipc", "/proc/self/ns/mnt",
    "/proc/self/ns/net", "/proc/self/ns/pid", "/proc/self/ns/pid_for_children",
    "/proc/self/ns/time", "/proc/self/ns/time_for_children",
    "/proc/self/ns/user", "/proc/self/ns/uts",
};

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The lines of /proc/self/status that g_status_keys name, in file order. */
static int read_status(char *out, size_t size)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t n = 0;
    ssize_t r;
    while (n < sizeof buf - 1 &&
           ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0 ||
            (r < 0 && errno == EINTR)))
        if (r > 0)
            n += (size_t)r;
    close(fd);
    if (n == 0 || n == sizeof buf - 1)
        return -1;              /* unreadable, or too long to be whole */
    buf[n] = '\0';
    size_t used = 0;
    for (char *line = buf; *line != '\0';) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) + 1 : strlen(line);
        for (size_t k = 0; k < sizeof g_status_keys / sizeof *g_status_keys;
             k++) {
            if (!starts_with(line, g_status_keys[k]))
                continue;
            if (used + len >= size)
                return -1;
            memcpy(out + used, line, len);
            used += len;
        }
        line += len;
    }
    return used > 0 ? 0 : -1;
}

int identity_take(struct identity *id)
{
    int saved = errno;
    int r = 0;
    memset(id, 0, sizeof *id);  /* status stays NUL-terminated */
    if (read_status(id->status, sizeof id->status) != 0)
        r = -1;
    for (int i = 0; r == 0 && i < IDENTITY_NS; i++) {
        struct stat st;
        if (stat(g_ns[i], &st) == 0) {
            id->ns[i].dev = st.st_dev;
            id->ns[i].ino = st.st_ino;
        } else if (errno != ENOENT) {
            r = -1;             /* ENOENT: an older kernel lacks that one */
        }
    }
    struct stat root;
    if (r == 0 && stat("/", &root) == 0) {
        id->root.dev = root.st_dev;
        id->root.ino = root.st_ino;
    } else {
        r = -1;
    }
    for (int i = 0; r == 0 && i < RLIM_NLIMITS; i++)
        if (getrlimit((__rlimit_resource_t)i, &id->limits[i]) != 0)
            r = -1;
    errno = 0;
    id->nice = getpriority(PRIO_PROCESS, 0);
    if (errno != 0)
        r = -1;
    id->pgid = getpgrp();
    id->sid = getsid(0);
    id->personality = personality(0xffffffff);
    id->securebits = prctl(PR_GET_SECUREBITS);
    errno = saved;
    return r;
}

int identity_same(const struct identity *a, const struct identity *b)
{
    if (strcmp(a->status, b->status) != 0 || a->root.dev != b->root.dev ||
        a->root.ino != b->root.ino || a->pgid != b->pgid ||
        a->sid != b->sid || a->nice != b->nice ||
        a->personality != b->personality || a->securebits != b->securebits)
        return 0;
    for (int i = 0; i < IDENTITY_NS; i++)
        if (a->ns[i].dev != b->ns[i].dev || a->ns[i].ino != b->ns[i].ino)
            return 0;
    for (int i = 0; i < RLIM_NLIMITS; i++)
        if (a->limits[i].rlim_cur != b->limits[i].rlim_cur ||
            a->limits[i].rlim_max != b->limits[i].rlim_max)
            return 0;
    return 1;
}
