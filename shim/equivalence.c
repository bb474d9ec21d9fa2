/* SPDX-License-Identifier: MIT */
/* equivalence.c - see equivalence.h.  Each row of docs/process-state.md
 * read here is one function, named after the row. */
#include "equivalence.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdtable.h"
#include "plan.h"
#include "procfs.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif

/* fork(2): "the child's set of pending signals is initially empty". */
static const char *pending_signals(const struct exec_plan *p)
{
    (void)p;
    sigset_t pending;
    if (sigpending(&pending) != 0 || !sigisemptyset(&pending))
        return "a signal is pending: clang would receive it";
    return NULL;
}

/* fork(2): the child does not inherit timers; execve keeps the interval
 * timers and alarm, so clang would be signalled by skc's. */
static const char *interval_timers(const struct exec_plan *p)
{
    (void)p;
    static const int which[] = { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF };
    for (size_t i = 0; i < sizeof which / sizeof *which; i++) {
        struct itimerval t;
        if (getitimer(which[i], &t) != 0 || t.it_value.tv_sec != 0 ||
            t.it_value.tv_usec != 0)
            return "an alarm or interval timer is armed";
    }
    return NULL;
}

/* POSIX timers (timer_create) are not inherited and end at execve: skc's
 * would go on firing at skc while clang runs, and in place they would be
 * gone.  /proc/self/timers lists them; a kernel without it cannot tell. */
static const char *posix_timers(const struct exec_plan *p)
{
    (void)p;
    char buf[64];
    ssize_t n = procfs_read("/proc/self/timers", buf, sizeof buf);
    if (n < 0)
        return "POSIX timers cannot be read (no /proc/self/timers)";
    return n > 0 ? "a POSIX timer exists" : NULL;
}

/* getrusage(2), fork(2): the child's CPU time starts at zero; in place
 * clang would be charged skc's against RLIMIT_CPU (and RLIMIT_RTTIME). */
static const char *cpu_limits(const struct exec_plan *p)
{
    (void)p;
    struct rlimit cpu, rt;
    if (getrlimit(RLIMIT_CPU, &cpu) != 0 || cpu.rlim_cur != RLIM_INFINITY ||
        cpu.rlim_max != RLIM_INFINITY || getrlimit(RLIMIT_RTTIME, &rt) != 0 ||
        rt.rlim_cur != RLIM_INFINITY || rt.rlim_max != RLIM_INFINITY)
        return "a CPU time limit: clang would inherit the time already used";
    return NULL;
}

/* Is the prctl(2) attribute that `option` reads through a pointer set
 * (or unreadable)? */
static int prctl_set(int option)
{
    int v = -1;
    return prctl(option, &v, 0, 0, 0) != 0 || v != 0;
}

/* prctl(2): the parent-death signal is cleared in a fork child and kept by
 * execve; the child-subreaper flag is not inherited, and kept by execve. */
static const char *parent_death_signal(const struct exec_plan *p)
{
    (void)p;
    return prctl_set(PR_GET_PDEATHSIG) ? "a parent-death signal is set" : NULL;
}

static const char *child_subreaper(const struct exec_plan *p)
{
    (void)p;
    return prctl_set(PR_GET_CHILD_SUBREAPER) ? "the caller is a child subreaper"
                                            : NULL;
}

/* sched(7): SCHED_RESET_ON_FORK resets a child's policy and negative nice
 * value; execve keeps them. */
static const char *reset_on_fork(const struct exec_plan *p)
{
    (void)p;
    int policy = sched_getscheduler(0);
    if (policy < 0 || (policy & SCHED_RESET_ON_FORK))
        return "scheduling with SCHED_RESET_ON_FORK";
    return NULL;
}

/* ptrace(2): a tracer would see skc exec clang instead of a new process. */
static const char *tracer(const struct exec_plan *p)
{
    (void)p;
    if (procfs_status_number("TracerPid") != 0)
        return "the caller is being traced";
    return NULL;
}

/* Children: skc's would become clang's (their exits signal it, wait(2)
 * sees them).  A handover's caller has exactly one, the child that offered
 * the exec: the fork wrapper offers only in a caller that had none. */
static const char *children(const struct exec_plan *p)
{
    if (p != NULL && p->handover)
        return NULL;
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int saved = errno;
    int r = waitid(P_ALL, 0, &si,
                   WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WALL);
    int none = r != 0 && errno == ECHILD;
    errno = saved;
    return none ? NULL : "the caller has child processes";
}

/* fcntl(2): record locks are not inherited; closing any descriptor of a
 * file (the exec's close-on-exec, a file action) drops them all, and clang
 * opening and closing the same file would too. */
static const char *record_locks(const struct exec_plan *p)
{
    (void)p;
    int r = procfs_holds_posix_locks(getpid());
    if (r < 0)
        return "/proc/locks cannot be read";
    return r ? "the caller holds POSIX record locks" : NULL;
}

static int same_ns(const char *a, const char *b)
{
    struct stat sa, sb;
    int ra = stat(a, &sa), rb = stat(b, &sb);
    if (ra != 0 || rb != 0)
        return ra != 0 && rb != 0 && errno == ENOENT;   /* neither exists */
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* pid_namespaces(7), time_namespaces(7): a child is created in the
 * "for_children" namespace, which unshare(2) may have made differ from the
 * caller's own. */
static const char *namespaces_for_children(const struct exec_plan *p)
{
    (void)p;
    int saved = errno;
    int same = same_ns("/proc/self/ns/pid", "/proc/self/ns/pid_for_children") &&
               same_ns("/proc/self/ns/time", "/proc/self/ns/time_for_children");
    errno = saved;
    return same ? NULL : "a child would start in another PID or time namespace";
}

static int shared_ipc_line(const char *line, void *ctx)
{
    (void)ctx;
    const char *name = strchr(line, '/');
    if (name == NULL)
        name = strchr(line, '[');
    return name != NULL &&
           (strncmp(name, "/SYSV", 5) == 0 || strncmp(name, "/[aio]", 6) == 0 ||
            strncmp(name, "[aio]", 5) == 0);
}

/* shmop(2), io_setup(2): execve detaches System V shared memory (its
 * attach count drops, a removed segment goes) and ends AIO contexts (their
 * I/O is cancelled); skc would hold both until it exits. */
static const char *shared_memory_and_aio(const struct exec_plan *p)
{
    (void)p;
    int r = procfs_lines("/proc/self/maps", shared_ipc_line, NULL);
    if (r < 0)
        return "/proc/self/maps cannot be read";
    return r ? "System V shared memory or an AIO context is attached" : NULL;
}

/* Signals libc keeps for itself (glibc's SIGCANCEL and SIGSETXID): never
 * the program's, never sent by others. */
static int libc_internal(int s)
{
    return s >= 32 && s < SIGRTMIN;
}

/* Handlers that may stay: faults are raised by the faulting thread itself,
 * so a handler for them (sanitizers, crash reporters) never runs while skc
 * waits for clang, and clang's own faults take the default action either
 * way; real-time signals carry runtimes' own messages (valgrind keeps a
 * handler on SIGRTMAX in every program it runs), which no build tool sends
 * to a compiler.  The signals a supervisor does send (INT, TERM, HUP,
 * QUIT, USR1, USR2, ALRM, ...) must not be handled. */
static int handler_may_stay(int s)
{
    return s == SIGSEGV || s == SIGBUS || s == SIGFPE || s == SIGILL ||
           s == SIGTRAP || s == SIGSYS || (s >= SIGRTMIN && s <= SIGRTMAX);
}

static int ignored_after(const struct exec_plan *p, int s, int ignored_now)
{
    if (p == NULL)
        return ignored_now;
    if (p->has_sigstate)
        return sigismember(&p->sig_ignored, s) == 1;
    if ((p->attr_flags & POSIX_SPAWN_SETSIGDEF) &&
        sigismember(&p->sigdefault, s) == 1)
        return 0;
    return ignored_now;
}

/* What happens to each signal sent to skc's pid must not change: while
 * skc waits, its own disposition and mask decide; after the exec, clang's
 * (handlers become the default, ignored stays ignored, the mask is the
 * spawn's).  So: no signal blocked before or after (a blocked one may be
 * awaited with sigwait or a signalfd), none handled (but the few that may
 * stay), and the same ones ignored. */
static const char *signal_reactions(const struct exec_plan *p)
{
    sigset_t now, after;
    if (pthread_sigmask(SIG_BLOCK, NULL, &now) != 0)
        return "the signal mask cannot be read";
    if (p != NULL && (p->attr_flags & POSIX_SPAWN_SETSIGMASK))
        after = p->sigmask;
    else
        after = now;
    for (int s = 1; s < NSIG; s++) {
        if (s == SIGKILL || s == SIGSTOP || libc_internal(s))
            continue;
        if (sigismember(&now, s) == 1 || sigismember(&after, s) == 1)
            return "a signal is blocked: skc or clang could hold it";
        struct sigaction a;
        if (sigaction(s, NULL, &a) != 0)
            return "a signal's disposition cannot be read";
        int handled = (a.sa_flags & SA_SIGINFO) ||
                      (a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN);
        if (handled && !handler_may_stay(s))
            return "the caller handles a signal itself";
        int ignored = !handled && a.sa_handler == SIG_IGN;
        if (ignored != ignored_after(p, s, ignored))
            return "a signal would be ignored by one of skc and clang only";
    }
    return NULL;
}

struct owner_scan {
    const char *why;
};

static int owned_fd(int fd, void *ctx)
{
    struct owner_scan *o = ctx;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) {
        if (errno == EBADF)
            return 0;
        o->why = "a descriptor cannot be inspected";
        return 1;
    }
    if (fl & O_PATH)
        return 0;               /* no I/O through it: no owner */
    struct f_owner_ex owner = { 0, 0 };
    if ((fl & O_ASYNC) || fcntl(fd, F_GETOWN_EX, &owner) != 0 || owner.pid != 0) {
        o->why = "a descriptor signals the caller (O_ASYNC, F_SETOWN, F_NOTIFY)";
        return 1;
    }
    char link[32], target[32];
    procfs_path(link, sizeof link, "/proc/self/fd/", fd, "");
    ssize_t len = readlink(link, target, sizeof target - 1);
    if (len > 0) {
        target[len] = '\0';
        if (strcmp(target, "anon_inode:[io_uring]") == 0) {
            o->why = "an io_uring instance: execve cancels its requests";
            return 1;
        }
    }
    return 0;
}

/* fcntl(2): an owner (F_SETOWN, O_ASYNC, a dnotify watch) makes the kernel
 * signal the caller's pid, which after the exec is clang; io_uring(7): the
 * exec cancels the requests this process submitted. */
static const char *descriptor_owners(const struct exec_plan *p)
{
    (void)p;
    struct owner_scan o = { NULL };
    int saved = errno;
    int r = fdtable_each(owned_fd, &o);
    errno = saved;
    if (r < 0)
        return "/proc/self/fd cannot be read";
    return o.why;
}

const char *equivalence_refusal(const struct exec_plan *p)
{
    int saved = errno;
    /* Cheapest first. */
    const char *why = pending_signals(p);
    if (why == NULL)
        why = interval_timers(p);
    if (why == NULL)
        why = cpu_limits(p);
    if (why == NULL)
        why = parent_death_signal(p);
    if (why == NULL)
        why = child_subreaper(p);
    if (why == NULL)
        why = reset_on_fork(p);
    if (why == NULL)
        why = signal_reactions(p);
    if (why == NULL)
        why = children(p);
    if (why == NULL)
        why = tracer(p);
    if (why == NULL)
        why = posix_timers(p);
    if (why == NULL)
        why = namespaces_for_children(p);
    if (why == NULL)
        why = record_locks(p);
    if (why == NULL)
        why = shared_memory_and_aio(p);
    if (why == NULL)
        why = descriptor_owners(p);
    errno = saved;
    return why;
}
