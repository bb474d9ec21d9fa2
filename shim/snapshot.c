/* SPDX-License-Identifier: MIT */
/* snapshot.c - see snapshot.h. */
#include "snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procfs.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static void mix(uint64_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        *h ^= p[i];
        *h *= FNV_PRIME;
    }
}

static void mix_long(uint64_t *h, long v)
{
    mix(h, &v, sizeof v);
}

/* A call's result and, when it failed, its errno: two processes that both
 * lack an interface are equal in it. */
static void mix_result(uint64_t *h, long r)
{
    mix_long(h, r);
    mix_long(h, r < 0 ? errno : 0);
}

/* A file's whole content, or its errno. */
static void mix_file(uint64_t *h, const char *path)
{
    char buf[1024];
    ssize_t n = procfs_read(path, buf, sizeof buf);
    mix(h, path, strlen(path));
    mix_result(h, n);
    if (n > 0)
        mix(h, buf, (size_t)n);
}

/* /proc/self/status lines that differ between any two processes, or that
 * the handover sends along (the mask, ignored signals, umask): every other
 * line is compared, so a line a newer kernel adds counts. */
static int varying(const char *line)
{
    static const char keys[][28] = {
        "State:", "Tgid:", "Ngid:", "Pid:", "PPid:", "NStgid:", "NSpid:",
        "FDSize:", "Vm", "Rss", "HugetlbPages:", "SigQ:", "SigBlk:",
        "SigIgn:", "SigCgt:", "Umask:", "voluntary_ctxt_switches:",
        "nonvoluntary_ctxt_switches:",
    };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (strncmp(line, keys[i], strlen(keys[i])) == 0)
            return 1;
    return 0;
}

static int status_row(uint64_t *h)
{
    char buf[4096];
    if (procfs_read("/proc/self/status", buf, sizeof buf) < 0)
        return -1;
    for (char *line = buf; *line != '\0';) {
        char *nl = strchr(line, '\n');
        size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
        if (!varying(line))
            mix(h, line, len + 1);
        line += len + (nl != NULL);
    }
    return 0;
}

struct dir_walk {
    uint64_t *h;
    const char *dir;
    int depth;
};

static void join(char *out, size_t size, const char *dir, const char *name)
{
    size_t d = strlen(dir), n = strlen(name);
    if (d + 1 + n >= size) {
        out[0] = '\0';
        return;
    }
    memcpy(out, dir, d);
    out[d] = '/';
    memcpy(out + d + 1, name, n + 1);
}

static int ns_entry(const char *name, unsigned char type, int dir_fd, void *ctx)
{
    (void)type;
    (void)dir_fd;
    struct dir_walk *w = ctx;
    char path[128];
    struct stat st;
    join(path, sizeof path, w->dir, name);
    mix(w->h, path, strlen(path));
    if (stat(path, &st) == 0) {
        mix(w->h, &st.st_dev, sizeof st.st_dev);
        mix(w->h, &st.st_ino, sizeof st.st_ino);
    } else {
        mix_long(w->h, errno);
    }
    return 0;
}

/* Every namespace, by identity (a kernel's new kinds included). */
static int namespaces_row(uint64_t *h)
{
    struct dir_walk w = { h, "/proc/self/ns", 0 };
    return procfs_dir_each(w.dir, ns_entry, &w) < 0 ? -1 : 0;
}

static int attr_entry(const char *name, unsigned char type, int dir_fd,
                      void *ctx)
{
    (void)dir_fd;
    struct dir_walk *w = ctx;
    char path[128];
    join(path, sizeof path, w->dir, name);
    if (type == DT_DIR) {
        if (w->depth == 0) {
            struct dir_walk sub = { w->h, path, 1 };
            procfs_dir_each(path, attr_entry, &sub);
        }
        return 0;
    }
    mix_file(w->h, path);
    return 0;
}

/* Every LSM attribute: the current context, a pending exec transition,
 * the create contexts (SELinux, AppArmor, Smack...). */
static int lsm_row(uint64_t *h)
{
    struct dir_walk w = { h, "/proc/self/attr", 0 };
    if (procfs_dir_each(w.dir, attr_entry, &w) < 0)
        mix_long(h, errno);     /* no LSM attributes at all: equal */
    return 0;
}

static int root_row(uint64_t *h)
{
    struct stat st;
    if (stat("/", &st) != 0)
        return -1;
    mix(h, &st.st_dev, sizeof st.st_dev);
    mix(h, &st.st_ino, sizeof st.st_ino);
    return 0;
}

static int limits_row(uint64_t *h)
{
    for (int i = 0; i < RLIM_NLIMITS; i++) {
        struct rlimit l;
        if (getrlimit((__rlimit_resource_t)i, &l) != 0)
            return -1;
        mix(h, &l, sizeof l);
    }
    return 0;
}

/* sched_getattr's whole attribute block: policy, flags (reset-on-fork),
 * nice, priority, deadline parameters, utilisation clamps. */
static int scheduling_row(uint64_t *h)
{
    unsigned char attr[128];
    memset(attr, 0, sizeof attr);
    long r = syscall(SYS_sched_getattr, 0, attr, sizeof attr, 0);
    mix_result(h, r);
    if (r == 0) {
        mix(h, attr, sizeof attr);
    } else {
        struct sched_param sp;
        mix_long(h, sched_getscheduler(0));
        if (sched_getparam(0, &sp) == 0)
            mix(h, &sp, sizeof sp);
    }
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    mix_long(h, nice);
    mix_long(h, errno);
    return 0;
}

static int ioprio_row(uint64_t *h)
{
    mix_result(h, syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0));
    return 0;
}

static int file_row(uint64_t *h, const char *path)
{
    mix_file(h, path);
    return 0;
}

static int oom_row(uint64_t *h) { return file_row(h, "/proc/self/oom_score_adj"); }
static int cgroup_row(uint64_t *h) { return file_row(h, "/proc/self/cgroup"); }

static int coredump_autogroup_row(uint64_t *h)
{
    mix_file(h, "/proc/self/coredump_filter");
    mix_file(h, "/proc/self/autogroup");
    return 0;
}

static int audit_row(uint64_t *h)
{
    mix_file(h, "/proc/self/loginuid");
    mix_file(h, "/proc/self/sessionid");
    return 0;
}

/* prctl(2) options newer than some kernel headers this builds against. */
#ifndef PR_GET_IO_FLUSHER
#define PR_GET_IO_FLUSHER 58
#endif
#ifndef PR_SME_GET_VL
#define PR_SME_GET_VL 64
#endif
#ifndef PR_GET_MDWE
#define PR_GET_MDWE 66
#endif
#ifndef PR_GET_MEMORY_MERGE
#define PR_GET_MEMORY_MERGE 68
#endif
#ifndef PR_SPEC_L1D_FLUSH
#define PR_SPEC_L1D_FLUSH 2
#endif
#ifndef PR_GET_SHADOW_STACK_STATUS
#define PR_GET_SHADOW_STACK_STATUS 74
#endif

/* Every prctl(2) attribute that can be read: those that store through a
 * pointer, then those that return their value. */
static int prctl_row(uint64_t *h)
{
    static const int by_pointer[] = {
        PR_GET_PDEATHSIG, PR_GET_CHILD_SUBREAPER, PR_GET_TSC, PR_GET_ENDIAN,
        PR_GET_FPEMU, PR_GET_FPEXC, PR_GET_UNALIGN, PR_GET_SHADOW_STACK_STATUS,
    };
    static const int by_value[] = {
        PR_GET_DUMPABLE, PR_GET_KEEPCAPS, PR_GET_SECUREBITS,
        PR_GET_NO_NEW_PRIVS, PR_GET_TIMERSLACK, PR_GET_THP_DISABLE,
        PR_GET_IO_FLUSHER, PR_MCE_KILL_GET, PR_GET_TAGGED_ADDR_CTRL,
        PR_GET_FP_MODE, PR_SVE_GET_VL, PR_SME_GET_VL, PR_GET_MDWE,
        PR_GET_MEMORY_MERGE,
    };
    for (size_t i = 0; i < sizeof by_pointer / sizeof *by_pointer; i++) {
        unsigned long v = 0;
        mix_result(h, prctl(by_pointer[i], &v, 0, 0, 0));
        mix(h, &v, sizeof v);
    }
    for (size_t i = 0; i < sizeof by_value / sizeof *by_value; i++)
        mix_result(h, prctl(by_value[i], 0, 0, 0, 0));
    static const int speculation[] = { PR_SPEC_STORE_BYPASS,
                                       PR_SPEC_INDIRECT_BRANCH,
                                       PR_SPEC_L1D_FLUSH };
    for (size_t i = 0; i < sizeof speculation / sizeof *speculation; i++)
        mix_result(h, prctl(PR_GET_SPECULATION_CTRL, speculation[i], 0, 0, 0));
    return 0;
}

static int personality_row(uint64_t *h)
{
    mix_result(h, personality(0xffffffff));
    return 0;
}

/* execve keeps the interval timers: the child's alarm would reach the
 * clang it execs, not the parent's. */
static int timers_row(uint64_t *h)
{
    static const int which[] = { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF };
    for (size_t i = 0; i < sizeof which / sizeof *which; i++) {
        struct itimerval t;
        if (getitimer(which[i], &t) != 0)
            return -1;
        mix_long(h, t.it_value.tv_sec != 0 || t.it_value.tv_usec != 0);
    }
    return 0;
}

static int numa_row(uint64_t *h)
{
    int mode = 0;
    unsigned long nodes[16];
    memset(nodes, 0, sizeof nodes);
    mix_result(h, syscall(SYS_get_mempolicy, &mode, nodes, sizeof nodes * 8,
                          0, 0));
    mix_long(h, mode);
    mix(h, nodes, sizeof nodes);
    return 0;
}

static int keyring_row(uint64_t *h)
{
    /* keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) */
    mix_result(h, syscall(SYS_keyctl, 0, -3, 0));
    return 0;
}

/* The exec's children would be clang's: a child that forked (or cloned)
 * must exec clang itself. */
static int children_row(uint64_t *h)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    long r = waitid(P_ALL, 0, &si,
                    WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WALL);
    mix_long(h, r != 0 && errno == ECHILD);
    return 0;
}

/* POSIX record locks are per process: the child's own would go with it. */
static int locks_row(uint64_t *h)
{
    int r = procfs_holds_posix_locks(getpid());
    if (r < 0)
        return -1;
    mix_long(h, r);
    return 0;
}

/* The rows' names, for messages: "the forked child's <name> differs". */
static const char g_names[SNAPSHOT_ROWS][40] = {
    "/proc/self/status (ids, caps, ...)",
    "namespaces",
    "root directory",
    "LSM attributes",
    "resource limits",
    "scheduling",
    "I/O priority",
    "oom_score_adj",
    "cgroup",
    "prctl attributes",
    "personality",
    "interval timers",
    "NUMA policy",
    "session keyring",
    "audit ids",
    "coredump filter and autogroup",
    "children",
    "record locks",
};

/* One row into *h: a switch, not a table of function pointers (which
 * the loader would relocate in every process). */
static int take_row(int i, uint64_t *h)
{
    switch (i) {
    case 0: return status_row(h);
    case 1: return namespaces_row(h);
    case 2: return root_row(h);
    case 3: return lsm_row(h);
    case 4: return limits_row(h);
    case 5: return scheduling_row(h);
    case 6: return ioprio_row(h);
    case 7: return oom_row(h);
    case 8: return cgroup_row(h);
    case 9: return prctl_row(h);
    case 10: return personality_row(h);
    case 11: return timers_row(h);
    case 12: return numa_row(h);
    case 13: return keyring_row(h);
    case 14: return audit_row(h);
    case 15: return coredump_autogroup_row(h);
    case 16: return children_row(h);
    case 17: return locks_row(h);
    default: return -1;
    }
}

int snapshot_take(struct snapshot *s)
{
    int saved = errno;
    int r = 0;
    for (int i = 0; i < SNAPSHOT_ROWS; i++) {
        s->row[i] = FNV_OFFSET;
        if (take_row(i, &s->row[i]) != 0)
            r = -1;
    }
    errno = saved;
    return r;
}

int snapshot_diff(const struct snapshot *a, const struct snapshot *b)
{
    for (int i = 0; i < SNAPSHOT_ROWS; i++)
        if (a->row[i] != b->row[i])
            return i;
    return -1;
}

const char *snapshot_row_name(int row)
{
    return row >= 0 && row < SNAPSHOT_ROWS ? g_names[row] : "?";
}

static int sem_line(const char *line, void *ctx)
{
    (void)line;
    int *n = ctx;
    return ++*n > 1;            /* the header, then a set */
}

/* CAP_SYS_RAWIO (bit 17) in the effective set, from "CapEff:\t<hex>". */
static int has_rawio(void)
{
    char buf[4096];
    if (procfs_read("/proc/self/status", buf, sizeof buf) < 0)
        return 1;
    const char *p = strstr(buf, "CapEff:");
    if (p == NULL)
        return 1;
    p += 7;
    while (*p == ' ' || *p == '\t')
        p++;
    unsigned long long caps = 0;
    for (; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++) {
        unsigned digit = *p <= '9' ? (unsigned)(*p - '0') : (unsigned)(*p - 'a') + 10;
        caps = caps * 16 + digit;
    }
    return ((caps >> 17) & 1) != 0;
}

const char *snapshot_unseen_refusal(void)
{
    int saved = errno;
    const char *why = NULL;
    char scope[8];
    /* Yama: a PR_SET_PTRACER exception matters only where ptrace_scope
     * restricts; nothing reads it back. */
    if (procfs_read("/proc/sys/kernel/yama/ptrace_scope", scope,
                    sizeof scope) > 0 && scope[0] != '0')
        why = "Yama restricts ptrace: a child's ptracer exception cannot be read";
    /* semop(2): SEM_UNDO adjustments are the child's own and unreadable;
     * without a semaphore set in the IPC namespace there can be none. */
    int sets = 0;
    if (why == NULL && procfs_lines("/proc/sysvipc/sem", sem_line, &sets) < 0 &&
        errno != ENOENT)
        why = "/proc/sysvipc/sem cannot be read";
    else if (why == NULL && sets > 1)
        why = "System V semaphores exist: a child's adjustments cannot be read";
#if defined(__x86_64__) || defined(__i386__)
    /* ioperm(2): port permissions are unreadable; setting them needs
     * CAP_SYS_RAWIO and a kernel with ioperm (num 0 is EINVAL there). */
    if (why == NULL && has_rawio() && syscall(SYS_ioperm, 0, 0, 0) != 0 &&
        errno != ENOSYS)
        why = "a child could set I/O port permissions, which cannot be read";
#else
    (void)has_rawio;
#endif
    errno = saved;
    return why;
}

int snapshot_confined_apart(pid_t parent)
{
    int saved = errno;
    /* kcmp(2) asks for PTRACE_MODE_READ on both processes (KCMP_VM: 1). */
    long r = syscall(SYS_kcmp, (long)getpid(), (long)parent, 1L, 0L, 0L);
    int apart = r < 0;
    if (r < 0 && errno == ENOSYS) {
        /* A kernel without kcmp: /proc/PID/mem asks for PTRACE_MODE_ATTACH,
         * which no more than READ allows only where nothing confines. */
        char path[40];
        procfs_path(path, sizeof path, "/proc/", parent, "/mem");
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            close(fd);
        apart = fd < 0;
    }
    errno = saved;
    return apart;
}
