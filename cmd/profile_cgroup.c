/* SPDX-License-Identifier: MIT */
/* profile_cgroup.c - a memory cgroup of its own for the profiled command.
 *
 * Why: sampling /proc misses whatever happens between two samples, while
 * the kernel's own counter (memory.peak on v2, memory.max_usage_in_bytes on
 * v1) is the exact high-water mark of everything charged to the group,
 * which is also what a container's OOM limit compares with.
 *
 * Where: inside the group we already are in (/proc/self/cgroup, mapped
 * onto the hierarchy's mount point through /proc/self/mountinfo), and
 * nowhere else, so that a limit set on our own group (a container's, a CI
 * job's) still applies on top of ours.  A group made anywhere else would
 * let CMD escape that limit, and measure it against memory it does not
 * have: when our own group cannot hold a child (not writable, v2 without
 * the memory controller for child groups, v1 without use_hierarchy), there
 * is no group, the reason is given and the peak is sampled.
 *
 * Name: skcexec-profile.PID.RANDOM, made with mkdir, which fails on a
 * name taken: a pid alone is not unique (pid namespaces, a group leaked
 * by a profiler that was SIGKILLed), and a taken name is never reused. */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The group made by cg_create and not yet removed, for cg_emergency. */
static struct cgroup current;

/* Why there is no group, in a few words for the report (vsnprintf: GCC's
 * truncation check does not second-guess the long paths here). */
__attribute__((format(printf, 2, 3)))
static void set_why(struct cgroup *cg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cg->why, sizeof cg->why, fmt, ap);
    va_end(ap);
}

/* Reads a small file into BUF (NUL-terminated, cut at SIZE - 1 bytes);
 * -1 if it cannot. */
static int read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    ssize_t n = 0;
    while (len < size - 1) {
        n = read(fd, buf + len, size - 1 - len);
        if (n > 0)
            len += (size_t)n;
        else if (n == 0 || errno != EINTR)
            break;
    }
    int err = errno;
    close(fd);
    if (n < 0) {
        errno = err;
        return -1;
    }
    buf[len] = '\0';
    return 0;
}

/* Writes TEXT to DIR/NAME; 0 or -1 with errno. */
static int write_at(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int err = errno;
    if (close(fd) != 0 && n >= 0)
        return -1;
    if (n != (ssize_t)len) {
        errno = n < 0 ? err : EIO;
        return -1;
    }
    return 0;
}

static int exists_at(const char *dir, const char *name)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return 0;
    return access(path, F_OK) == 0;
}

/* Whether WORD is one of the SEP-separated words of LIST. */
static int has_word(const char *list, const char *word, const char *sep)
{
    char copy[1024], *save = NULL;
    snprintf(copy, sizeof copy, "%s", list);
    for (char *w = strtok_r(copy, sep, &save); w; w = strtok_r(NULL, sep, &save))
        if (!strcmp(w, word))
            return 1;
    return 0;
}

/* Mount point and root of the hierarchy: cgroup2 when VERSION is 2, else
 * the v1 hierarchy with the memory controller. */
static int find_mount(int version, char *mnt, size_t mnt_size, char *root,
                      size_t root_size)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return -1;
    char line[4096];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        /* id parent maj:min root mountpoint options [optional...] - type
         * source superoptions */
        char r[PATH_MAX], m[PATH_MAX], type[64], super[1024];
        const char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*s %*s %*s %4095s %4095s", r, m) != 2 ||
            sscanf(dash + 3, "%63s %*s %1023s", type, super) != 2)
            continue;
        if (version == 2 ? !strcmp(type, "cgroup2")
                         : !strcmp(type, "cgroup") && has_word(super, "memory", ",")) {
            snprintf(mnt, mnt_size, "%s", m);
            snprintf(root, root_size, "%s", r);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* Our own cgroup path in the hierarchy: the "0::" line on v2, the line
 * listing the memory controller on v1. */
static int own_path(int version, char *path, size_t size)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f)
        return -1;
    char line[4096];
    int found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        if (version == 2 ? !strncmp(line, "0:", 2) && c1[1] == '\0'
                         : has_word(c1 + 1, "memory", ",")) {
            snprintf(path, size, "%s", c2 + 1);
            found = 0;
        }
    }
    fclose(f);
    return found;
}

/* The directory of our own group under its mount point. */
static int own_dir(int version, char *dir, size_t size, char *why, size_t why_size)
{
    char mnt[PATH_MAX], root[PATH_MAX], path[PATH_MAX];
    if (find_mount(version, mnt, sizeof mnt, root, sizeof root) != 0) {
        snprintf(why, why_size, version == 2 ? "no cgroup2 mount"
                                             : "no cgroup v1 memory mount");
        return -1;
    }
    /* The mount may show only a subtree (root != "/"): keep what lies
     * under it.  A path outside it is a group we cannot reach (another
     * cgroup namespace): the mount's root would be outside our group. */
    size_t rl = strcmp(root, "/") ? strlen(root) : 0;
    if (own_path(version, path, sizeof path) != 0 || strncmp(path, root, rl) != 0 ||
        (path[rl] != '/' && path[rl] != '\0')) {
        snprintf(why, why_size, "cgroup v%d: our own group is not under the mount %.300s",
                 version, mnt);
        return -1;
    }
    const char *rel = path + rl;
    if (!strcmp(rel, "/"))
        rel = "";
    snprintf(dir, size, "%s%s", mnt, rel);
    return 0;
}

/* 32 random bits; the clock and our pid when getrandom cannot say. */
static unsigned random_part(void)
{
    unsigned r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r)
        return r;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (unsigned)ts.tv_nsec * 2654435761u ^ (unsigned)ts.tv_sec ^ (unsigned)getpid();
}

/* mkdir PARENT/skcexec-profile.PID.RANDOM into cg->dir, another random
 * part on EEXIST. */
static int make_group(struct cgroup *cg, const char *parent)
{
    for (int tries = 0; tries < 16; tries++) {
        if (snprintf(cg->dir, sizeof cg->dir, "%s/skcexec-profile.%d.%08x", parent,
                     (int)getpid(), random_part()) >= (int)sizeof cg->dir) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (mkdir(cg->dir, 0755) == 0) {
            snprintf(cg->procs, sizeof cg->procs, "%s/cgroup.procs", cg->dir);
            snprintf(cg->kill, sizeof cg->kill, "%s/cgroup.kill", cg->dir);
            return 0;
        }
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

static int create_v2(struct cgroup *cg)
{
    char base[PATH_MAX], buf[1024];
    if (own_dir(2, base, sizeof base, cg->why, sizeof cg->why) != 0)
        return -1;
    /* Our group must offer memory to its children, which it can only do
     * when it holds no process itself (the "no internal processes" rule)
     * or is the root: we do not move ourselves or anyone else around. */
    char ctl[PATH_MAX + 32];
    snprintf(ctl, sizeof ctl, "%s/cgroup.subtree_control", base);
    if (read_file(ctl, buf, sizeof buf) != 0 || !has_word(buf, "memory", " \n")) {
        set_why(cg, "cgroup v2: memory is not enabled for child groups of our group %s",
                base);
        return -1;
    }
    if (make_group(cg, base) != 0) {
        set_why(cg, "cgroup v2: cannot make a group in our group %s: %s", base,
                strerror(errno));
        return -1;
    }
    if (!exists_at(cg->dir, "memory.max")) {
        rmdir(cg->dir);
        set_why(cg, "cgroup v2: %s has no memory.max", cg->dir);
        return -1;
    }
    cg->version = 2;
    cg->has_peak = exists_at(cg->dir, "memory.peak");
    return 0;
}

static int create_v1(struct cgroup *cg)
{
    char base[PATH_MAX], buf[64];
    if (own_dir(1, base, sizeof base, cg->why, sizeof cg->why) != 0)
        return -1;
    /* Without use_hierarchy a v1 child is not charged to its parent: it
     * would escape our group's limit. */
    char hier[PATH_MAX + 32];
    snprintf(hier, sizeof hier, "%s/memory.use_hierarchy", base);
    if (read_file(hier, buf, sizeof buf) == 0 && buf[0] == '0') {
        set_why(cg, "cgroup v1: our group %s has memory.use_hierarchy 0", base);
        return -1;
    }
    if (make_group(cg, base) != 0) {
        set_why(cg, "cgroup v1: cannot make a group in our group %s: %s", base,
                strerror(errno));
        return -1;
    }
    cg->version = 1;
    cg->has_peak = exists_at(cg->dir, "memory.max_usage_in_bytes");
    return 0;
}

/* The hard limit, without swap beyond it (like docker --memory=X
 * --memory-swap=X): otherwise a machine with swap would page instead of
 * failing the way a 4 GB CI machine does. */
static int set_limit(struct cgroup *cg, long limit_mib)
{
    char text[32];
    snprintf(text, sizeof text, "%lld\n", (long long)limit_mib << 20);
    if (cg->version == 2) {
        if (write_at(cg->dir, "memory.max", text) != 0) {
            set_why(cg, "cgroup v2: %s/memory.max: %s",
                     cg->dir, strerror(errno));
            return -1;
        }
        if (exists_at(cg->dir, "memory.swap.max"))
            (void)write_at(cg->dir, "memory.swap.max", "0\n");
        return 0;
    }
    if (write_at(cg->dir, "memory.limit_in_bytes", text) != 0) {
        set_why(cg, "cgroup v1: %s/memory.limit_in_bytes: %s",
                 cg->dir, strerror(errno));
        return -1;
    }
    /* memsw (memory + swap) exists only with swap accounting on. */
    if (exists_at(cg->dir, "memory.memsw.limit_in_bytes"))
        (void)write_at(cg->dir, "memory.memsw.limit_in_bytes", text);
    return 0;
}

int cg_create(struct cgroup *cg, long limit_mib)
{
    memset(cg, 0, sizeof *cg);
    /* v2 only when it carries the memory controller: on hybrid machines
     * the unified hierarchy is mounted but memory stays on v1. */
    if (create_v2(cg) != 0) {
        char why2[sizeof cg->why];
        snprintf(why2, sizeof why2, "%s", cg->why);
        if (create_v1(cg) != 0) {
            char why1[sizeof cg->why];
            snprintf(why1, sizeof why1, "%s", cg->why);
            set_why(cg, "%.200s; %.200s", why2, why1);
            cg->version = 0;
            return -1;
        }
    }
    current = *cg;
    if (limit_mib > 0 && set_limit(cg, limit_mib) != 0) {
        char why[sizeof cg->why];
        snprintf(why, sizeof why, "%s", cg->why);
        cg_remove(cg);
        set_why(cg, "%s", why);
        return -1;
    }
    return 0;
}

int cg_add(struct cgroup *cg, pid_t pid)
{
    char text[32];
    snprintf(text, sizeof text, "%d\n", (int)pid);
    if (write_at(cg->dir, "cgroup.procs", text) != 0) {
        set_why(cg, "%s/cgroup.procs: %s", cg->dir,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* A whole non-negative number of bytes from a counter file, or -1. */
static long long read_bytes(const struct cgroup *cg, const char *name)
{
    char path[PATH_MAX + 32], buf[64];
    snprintf(path, sizeof path, "%s/%s", cg->dir, name);
    if (read_file(path, buf, sizeof buf) != 0)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    return errno || end == buf || v < 0 ? -1 : v;
}

long long cg_peak_bytes(const struct cgroup *cg)
{
    if (!cg->version || !cg->has_peak)
        return -1;
    return read_bytes(cg, cg->version == 2 ? "memory.peak" : "memory.max_usage_in_bytes");
}

/* The value of the line "KEY N" of a memory.stat text, or -1. */
static long long stat_value(const char *text, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, key, kl) != 0 || p[kl] != ' ')
            continue;
        char *end;
        long long v = strtoll(p + kl + 1, &end, 10);
        return end == p + kl + 1 || v < 0 ? -1 : v;
    }
    return -1;
}

int cg_usage(const struct cgroup *cg, long long *usage, long long *file)
{
    char path[PATH_MAX + 32], buf[8192];
    if (!cg->version)
        return -1;
    *usage = read_bytes(cg, cg->version == 2 ? "memory.current" : "memory.usage_in_bytes");
    snprintf(path, sizeof path, "%s/memory.stat", cg->dir);
    if (*usage < 0 || read_file(path, buf, sizeof buf) != 0)
        return -1;
    /* v2: "file" is all page cache, shmem included; v1: "total_cache" is
     * (hierarchical, and the group may have children of its own). */
    long long cache = stat_value(buf, cg->version == 2 ? "file" : "total_cache");
    long long shmem = stat_value(buf, cg->version == 2 ? "shmem" : "total_shmem");
    if (cache < 0 || shmem < 0 || shmem > cache)
        return -1;
    *file = cache - shmem;
    return 0;
}

long cg_oom_kills(const struct cgroup *cg)
{
    char path[PATH_MAX + 32], buf[1024];
    if (!cg->version)
        return -1;
    snprintf(path, sizeof path, "%s/%s", cg->dir,
             cg->version == 2 ? "memory.events" : "memory.oom_control");
    if (read_file(path, buf, sizeof buf) != 0)
        return -1;
    /* "oom_kill N" is a line of both files (v1 since Linux 4.13). */
    static const char key[] = "oom_kill ";
    for (char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, key, sizeof key - 1) != 0)
            continue;
        char *end;
        long n = strtol(p + sizeof key - 1, &end, 10);
        return end == p + sizeof key - 1 ? -1 : n;
    }
    return -1;
}

/* ---- signalling the group ------------------------------------------------
 * Only system calls below: cg_signal and cg_emergency run in the crash
 * handler too. */

/* Calls FN(pid, ARG) for each pid of the cgroup.procs file PATH (the pids
 * are those of our pid namespace); -1 if it cannot be read. */
static int each_pid(const char *path, void (*fn)(int, void *), void *arg)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char buf[512];
    ssize_t n;
    long pid = -1;   /* the number being read, -1 between numbers */
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] >= '0' && buf[i] <= '9') {
                pid = (pid < 0 ? 0 : pid) * 10 + (buf[i] - '0');
                if (pid > 1L << 30)
                    pid = 0;   /* no such pid: never a real one */
            } else if (pid >= 0) {
                if (pid > 0)
                    fn((int)pid, arg);
                pid = -1;
            }
        }
    }
    if (pid > 0)
        fn((int)pid, arg);
    close(fd);
    return n < 0 ? -1 : 0;
}

/* A batch of processes of the group: pidfds opened from one reading of
 * cgroup.procs, kept when a second reading still lists their pid. */
#define BATCH 64
struct batch {
    int pid[BATCH], fd[BATCH], listed[BATCH];
    int n, found;
};

static void mark_listed(int pid, void *arg)
{
    struct batch *b = arg;
    for (int i = 0; i < b->n; i++)
        if (b->pid[i] == pid)
            b->listed[i] = 1;
}

/* Signals the batch: a pidfd names one process for good, and the second
 * reading shows its pid in the group after the pidfd was opened; if the
 * process is still alive when signalled, that pid was its own all along,
 * so it was in the group (a pid reused since the first reading fails
 * one of the two tests). */
static void flush(struct batch *b, const char *procs, int sig)
{
    for (int i = 0; i < b->n; i++)
        b->listed[i] = 0;
    if (each_pid(procs, mark_listed, b) == 0)
        for (int i = 0; i < b->n; i++)
            if (b->listed[i] && syscall(SYS_pidfd_send_signal, b->fd[i], sig, NULL, 0) == 0)
                b->found++;
    for (int i = 0; i < b->n; i++)
        close(b->fd[i]);
    b->n = 0;
}

struct signal_args {
    struct batch b;
    const char *procs;
    int sig;
};

static void open_one(int pid, void *arg)
{
    struct signal_args *a = arg;
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        return; /* gone already */
    a->b.pid[a->b.n] = pid;
    a->b.fd[a->b.n++] = fd;
    if (a->b.n == BATCH)
        flush(&a->b, a->procs, a->sig);
}

int cg_signal(const struct cgroup *cg, int sig)
{
    if (!cg->version)
        return 0;
    if (sig == SIGKILL && cg->version == 2) {
        int fd = open(cg->kill, O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
            if (write(fd, "1", 1) < 0) {
                /* before Linux 5.14: the pids below do it */
            }
            close(fd);
        }
    }
    struct signal_args a;
    a.b.n = a.b.found = 0;
    a.procs = cg->procs;
    a.sig = sig;
    if (each_pid(cg->procs, open_one, &a) != 0) {
        for (int i = 0; i < a.b.n; i++)
            close(a.b.fd[i]);
        return a.b.found;
    }
    flush(&a.b, cg->procs, sig);
    return a.b.found;
}

static void pause_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* rmdir, retried: EBUSY for a moment after the last process is gone. */
static void remove_dir(const char *dir)
{
    for (int i = 0; i < 50 && rmdir(dir) != 0 && errno == EBUSY; i++)
        pause_ms(20);
}

void cg_emergency(void)
{
    if (!current.version)
        return;
    /* Killed processes leave the group as they exit: read it again
     * until it is empty (or a few seconds went by). */
    for (int i = 0; i < 200 && cg_signal(&current, SIGKILL) > 0; i++)
        pause_ms(10);
    remove_dir(current.dir);
    current.version = 0;
}

void cg_remove(struct cgroup *cg)
{
    if (!cg->version)
        return;
    remove_dir(cg->dir);
    cg->version = 0;
    current.version = 0;
}
