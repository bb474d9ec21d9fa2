/* SPDX-License-Identifier: MIT */
/* profile_kill.c - signalling what is left of CMD's tree, and nothing else.
 *
 * A pid number is not a process: between reading it (in a sample, in
 * /proc, in cgroup.procs) and signalling it, the process may exit and the
 * number go to another one, which as root may be anyone's.  And in a pid
 * namespace that still sees the host's /proc, the numbers of /proc are not
 * the ones kill(2) takes.  So signals go through handles that name one
 * process for good:
 *   - the cgroup's members, by pidfd (cg_signal; v2's cgroup.kill too);
 *   - every descendant of ours that /proc shows, by its /proc/PID
 *     directory, which pidfd_send_signal takes like a pidfd and which
 *     stays bound to the process it was opened for.
 * Each process is checked to be in the tree after its handle was opened:
 * top-down from us, a process is ours when its parent, read through the
 * parent's handle after its own was read, is ours and still there.
 * The kernel refuses a handle to a process outside our pid namespace. */
#include "profile.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct node {
    int pid, ppid;
    int fd;       /* the /proc/PID directory, or -1 */
    int ours;     /* 1 once checked to descend from us */
    int zombie;
};

/* Parent and state of the process behind the /proc/PID directory FD;
 * -1 once that process has been reaped (its pid may be another's now). */
static int read_parent(int fd, int *ppid, int *zombie)
{
    char buf[1024];
    int sfd = openat(fd, "stat", O_RDONLY | O_CLOEXEC);
    if (sfd < 0)
        return -1;
    ssize_t n = read(sfd, buf, sizeof buf - 1);
    close(sfd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    /* "pid (name) S ppid ...": the name may hold spaces and ')' */
    const char *rp = strrchr(buf, ')');
    char state;
    if (!rp || sscanf(rp + 1, " %c %d", &state, ppid) != 2)
        return -1;
    *zombie = state == 'Z' || state == 'X';
    return 0;
}

/* Parent of PID by path: a first, unchecked picture. */
static int read_parent_at(int pid, int *ppid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", pid);
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int zombie, rc = read_parent(fd, ppid, &zombie);
    close(fd);
    return rc;
}

static int cmp_node(const void *a, const void *b)
{
    int x = ((const struct node *)a)->pid, y = ((const struct node *)b)->pid;
    return (x > y) - (x < y);
}

static struct node *find(struct node *v, size_t n, int pid)
{
    struct node key = {.pid = pid};
    return bsearch(&key, v, n, sizeof *v, cmp_node);
}

/* Every process of /proc, with the descendants of SELF marked (ours = 2:
 * a candidate, still to be checked through a handle). */
static struct node *candidates(int self, size_t *count)
{
    struct node *v = NULL;
    size_t n = 0, cap = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return NULL;
    const struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        int ppid;
        if (pid <= 0 || *end || read_parent_at((int)pid, &ppid) != 0)
            continue;
        v = grow(v, &cap, n + 1, sizeof *v);
        v[n++] = (struct node){(int)pid, ppid, -1, 0, 0};
    }
    closedir(d);
    if (!n)
        return v;
    qsort(v, n, sizeof *v, cmp_node);
    /* Down from SELF, one generation per pass. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            const struct node *parent = v[i].ppid == self ? NULL : find(v, n, v[i].ppid);
            if (!v[i].ours && v[i].pid != self &&
                (v[i].ppid == self || (parent && parent->ours))) {
                v[i].ours = 2;
                changed = 1;
            }
        }
    }
    *count = n;
    return v;
}

/* Opens a handle for each candidate, then keeps those whose parent, read
 * through the handles, is us or a process already kept and still there. */
static void check(struct node *v, size_t n, int self)
{
    for (size_t i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d", v[i].pid);
        if (v[i].ours == 2)
            v[i].fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (v[i].fd < 0)
            v[i].ours = 0;
    }
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            int ppid, zombie, pz;
            if (v[i].ours != 2)
                continue;
            if (read_parent(v[i].fd, &ppid, &v[i].zombie) != 0) {
                v[i].ours = 0; /* gone */
                continue;
            }
            struct node *parent = ppid == self ? NULL : find(v, n, ppid);
            if (ppid == self ||
                (parent && parent->ours == 1 && read_parent(parent->fd, &pz, &zombie) == 0)) {
                v[i].ours = 1;
                changed = 1;
            }
        }
    }
}

static int signal_descendants(int self, int sig)
{
    size_t n = 0;
    struct node *v = candidates(self, &n);
    if (!v)
        return 0;
    check(v, n, self);
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].ours == 1 && !v[i].zombie &&
            syscall(SYS_pidfd_send_signal, v[i].fd, sig, NULL, 0) == 0)
            count++;
        if (v[i].fd >= 0)
            close(v[i].fd);
    }
    free(v);
    return count;
}

/* With a group, its members are the tree: /proc is walked too only for
 * SIGKILL, for a process moved out of the group (by root) that we would
 * otherwise wait for; a second SIGTERM could read as "hurry" to some. */
int tree_signal(const struct cgroup *cg, int self, int sig)
{
    int count = cg_signal(cg, sig);
    if (self > 0 && (!cg->version || sig == SIGKILL))
        count += signal_descendants(self, sig);
    return count;
}
