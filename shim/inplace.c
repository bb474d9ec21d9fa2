/* SPDX-License-Identifier: MIT */
/* inplace.c - see inplace.h. */
#include "inplace.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdtable.h"
#include "procfs.h"
#include "real.h"
#include "released.h"

struct fd_save {
    int fd;
    int copy;                   /* CLOEXEC duplicate of the original, -1 if */
                                /* fd was closed, FLAGS_ONLY if only the */
    int flags;                  /* original F_GETFD flags changed */
};

#define FLAGS_ONLY (-2)

struct journal {
    struct fd_save *fds;
    size_t n, cap;
    int copy_base;              /* copies live at or above this fd */
    int cwd;                    /* original cwd (O_PATH), or -1 */
    sigset_t sig_changed;       /* dispositions changed: restored by undo */
    struct sigaction old_act[NSIG];
    int sched_saved;
    int sched_policy;
    struct sched_param sched_param;
    int umask_saved;
    mode_t umask;
};

static int is_copy(const struct journal *j, int fd)
{
    for (size_t i = 0; i < j->n; i++)
        if (j->fds[i].copy == fd)
            return 1;
    return 0;
}

/* What the journal holds of fd, or NULL. */
static const struct fd_save *saved_of(const struct journal *j, int fd)
{
    for (size_t i = 0; i < j->n; i++)
        if (j->fds[i].fd == fd)
            return &j->fds[i];
    return NULL;
}

/* Room in *array (of *cap elements of `size` bytes, `n` used) for one
 * more; 0, or -1 when out of memory (the array is kept). */
static int room_for_one(void *array, size_t *cap, size_t n, size_t size)
{
    void **a = array;
    if (n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 16;
    void *bigger = realloc(*a, c * size);
    if (bigger == NULL)
        return -1;
    *a = bigger;
    *cap = c;
    return 0;
}

/* Room for one more entry, made before anything that would need undoing. */
static int reserve(struct journal *j)
{
    return room_for_one(&j->fds, &j->cap, j->n, sizeof *j->fds);
}

/* Remember what fd is now, once, before the first change to it. */
static int save_fd(struct journal *j, int fd)
{
    if (saved_of(j, fd) != NULL)
        return 0;
    if (reserve(j) != 0)
        return -1;
    struct fd_save s = { fd, -1, fcntl(fd, F_GETFD) };
    if (s.flags < 0 && errno != EBADF)
        return -1;              /* open but unreadable: undo could not tell */
    if (s.flags >= 0) {
        /* CLOEXEC: the copy vanishes by itself if the exec succeeds. */
        s.copy = fcntl(fd, F_DUPFD_CLOEXEC, j->copy_base);
        if (s.copy < 0)
            return -1;
    }
    j->fds[j->n++] = s;
    return 0;
}

/* Make fd CLOEXEC, journaling only its flags (it stays open until exec). */
static int cloexec_fd(struct journal *j, int fd)
{
    if (saved_of(j, fd) != NULL)
        return 0;
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0)
        return errno == EBADF ? 0 : -1;  /* else it might leak into clang */
    if (fl & FD_CLOEXEC)
        return 0;
    if (reserve(j) != 0)
        return -1;
    j->fds[j->n++] = (struct fd_save){ fd, FLAGS_ONLY, fl };
    return fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0 ? -1 : 0;
}

static int save_cwd(struct journal *j)
{
    if (j->cwd < 0)
        j->cwd = plan_lift_fd(open(".", O_PATH | O_DIRECTORY | O_CLOEXEC),
                              j->copy_base);
    return j->cwd < 0 ? -1 : 0;
}

static void undo(struct journal *j)
{
    int saved = errno;
    if (j->umask_saved)
        umask(j->umask);
    if (j->sched_saved)
        sched_setscheduler(0, j->sched_policy, &j->sched_param);
    for (int s = 1; s < NSIG; s++)
        if (sigismember(&j->sig_changed, s) == 1)
            sigaction(s, &j->old_act[s], NULL);
    for (size_t i = j->n; i-- > 0;) {
        struct fd_save *s = &j->fds[i];
        if (s->copy == FLAGS_ONLY) {
            fcntl(s->fd, F_SETFD, s->flags);
        } else if (s->copy >= 0) {
            dup2(s->copy, s->fd);
            fcntl(s->fd, F_SETFD, s->flags);
            close(s->copy);
        } else {
            close(s->fd);
        }
    }
    if (j->cwd >= 0) {
        (void)fchdir(j->cwd);
        close(j->cwd);
    }
    free(j->fds);
    errno = saved;
}

/* Append fd to a growing array; -1 when out of memory. */
static int push_fd(int **fds, size_t *n, size_t *cap, int fd)
{
    if (room_for_one(fds, cap, *n, sizeof **fds) != 0)
        return -1;
    (*fds)[(*n)++] = fd;
    return 0;
}

struct closefrom_ctx {
    struct journal *j;
    int low, skip1, skip2;
    int *fds;
    size_t n, cap;
};

static int collect_from(int fd, void *ctx)
{
    struct closefrom_ctx *c = ctx;
    if (fd < c->low || fd == c->skip1 || fd == c->skip2 || is_copy(c->j, fd))
        return 0;
    return push_fd(&c->fds, &c->n, &c->cap, fd);
}

/* closefrom(low), sparing our own descriptors (the saved cwd and the plan's
 * directory): they are CLOEXEC and go with the exec anyway. */
static int do_closefrom(struct journal *j, int low, int skip1, int skip2)
{
    /* Collect first: the walk must not see the copies we are making. */
    struct closefrom_ctx c = { j, low, skip1, skip2, NULL, 0, 0 };
    int r = fdtable_each(collect_from, &c);
    for (size_t i = 0; r == 0 && i < c.n; i++) {
        if (save_fd(j, c.fds[i]) != 0)
            r = -1;
        else
            close(c.fds[i]);
    }
    free(c.fds);
    if (r != 0 && errno == 0)
        errno = EMFILE;
    return r == 0 ? 0 : -1;
}

/* One file action, with glibc's child semantics. */
static int replay(struct journal *j, const struct exec_plan *p, size_t i)
{
    const struct fa_op *o = &p->fa.ops[i];
    switch (o->kind) {
    case FA_OPEN: {
        if (save_fd(j, o->fd) != 0)
            return -1;
        int fd = open(o->path, o->oflag, o->mode);
        if (fd < 0)
            return -1;
        if (fd != o->fd) {
            int r = dup2(fd, o->fd);
            int e = errno;
            close(fd);
            if (r < 0) {
                errno = e;      /* dup2's error, not what close left */
                return -1;
            }
        }
        return 0;
    }
    case FA_CLOSE:
        if (save_fd(j, o->fd) != 0)
            return -1;
        close(o->fd);           /* glibc ignores close errors here too */
        return 0;
    case FA_DUP2:
        if (p->keep_own != NULL && p->keep_own[i])
            return 0;           /* the pipe rule: keep the caller's own fd */
        if (fcntl(o->src, F_GETFD) < 0)
            return -1;
        if (save_fd(j, o->fd) != 0)
            return -1;
        if (o->src == o->fd) {  /* glibc: dup2 onto itself clears CLOEXEC */
            int fl = fcntl(o->fd, F_GETFD);
            return fl < 0 ? -1 : fcntl(o->fd, F_SETFD, fl & ~FD_CLOEXEC);
        }
        return dup2(o->src, o->fd) < 0 ? -1 : 0;
    case FA_CHDIR:
        return save_cwd(j) != 0 ? -1 : chdir(o->path);
    case FA_FCHDIR:
        return save_cwd(j) != 0 ? -1 : fchdir(o->fd);
    case FA_CLOSEFROM:
        return do_closefrom(j, o->fd, j->cwd, p->dirfd);
    }
    errno = EINVAL;
    return -1;
}

struct keep_ctx {
    struct journal *j;
    const struct exec_plan *p;
    int *fds;
    size_t n, cap;
};

static int collect_others(int fd, void *ctx)
{
    struct keep_ctx *k = ctx;
    if (fd == k->p->dirfd || fd == k->j->cwd || is_copy(k->j, fd))
        return 0;
    for (size_t i = 0; i < k->p->n_keep; i++)
        if (k->p->keep_fds[i] == fd)
            return 0;
    return push_fd(&k->fds, &k->n, &k->cap, fd);
}

/* The handover: the exec must see exactly the child's fds. */
static int keep_only(struct journal *j, const struct exec_plan *p)
{
    struct keep_ctx k = { j, p, NULL, 0, 0 };
    int r = fdtable_each(collect_others, &k);
    for (size_t i = 0; r == 0 && i < k.n; i++)
        r = cloexec_fd(j, k.fds[i]);
    free(k.fds);
    if (r != 0 && errno == 0)
        errno = ENOMEM;
    return r == 0 ? 0 : -1;
}

/* Does signal s need a new disposition before the exec (*h)?  Handlers
 * do not survive exec anyway; what matters is which signals stay ignored.
 * A handover copies the child's ignored set (the rest default); SETSIGDEF
 * defaults the signals of its set and leaves the others. */
static int child_disposition(const struct exec_plan *p, int s,
                             void (**h)(int))
{
    if (p->has_sigstate) {
        *h = sigismember(&p->sig_ignored, s) == 1 ? SIG_IGN : SIG_DFL;
        return 1;
    }
    *h = SIG_DFL;
    return sigismember(&p->sigdefault, s) == 1;
}

static int apply_attrs(struct journal *j, const struct exec_plan *p)
{
    short f = p->attr_flags;
    if (p->has_umask) {
        j->umask = umask(p->umask);
        j->umask_saved = 1;
    }
    if (p->has_sigstate || (f & POSIX_SPAWN_SETSIGDEF)) {
        /* Only SIG_IGN survives an exec: change a disposition only where
         * ignored-or-not differs.  A handler left in place becomes SIG_DFL
         * at the exec by itself, and undo never has to set it back. */
        for (int s = 1; s < NSIG; s++) {
            if (s == SIGKILL || s == SIGSTOP)
                continue;
            struct sigaction act;
            void (*h)(int);
            if (!child_disposition(p, s, &h))
                continue;
            if (sigaction(s, NULL, &j->old_act[s]) != 0)
                continue;       /* one libc reserves: not the caller's */
            int ign_now = !(j->old_act[s].sa_flags & SA_SIGINFO) &&
                          j->old_act[s].sa_handler == SIG_IGN;
            if (ign_now == (h == SIG_IGN))
                continue;
            memset(&act, 0, sizeof act);
            act.sa_handler = h;
            if (sigaction(s, &act, NULL) != 0)
                return -1;
            sigaddset(&j->sig_changed, s);
        }
    }
    if (f & (POSIX_SPAWN_SETSCHEDULER | POSIX_SPAWN_SETSCHEDPARAM)) {
        j->sched_policy = sched_getscheduler(0);
        if (j->sched_policy < 0 || sched_getparam(0, &j->sched_param) != 0)
            return -1;
        j->sched_saved = 1;
        int r = (f & POSIX_SPAWN_SETSCHEDULER)
                    ? sched_setscheduler(0, p->sched_policy, &p->sched_param)
                    : sched_setparam(0, &p->sched_param);
        if (r != 0)
            return -1;
    }
    /* POSIX_SPAWN_SETPGROUP and POSIX_SPAWN_RESETIDS: policy only lets them
     * through when they change nothing (the caller's own group, ids that
     * are already equal). */
    return 0;
}

static int ours(const struct journal *j, const struct exec_plan *p, int fd)
{
    if (fd == p->dirfd || fd == j->cwd || is_copy(j, fd))
        return 1;
    for (size_t i = 0; i < p->n_own; i++)
        if (p->own_fds[i] == fd)
            return 1;
    return 0;
}

struct release_ctx {
    const struct journal *j;
    const struct exec_plan *p;
    struct held *kept;
    size_t n_kept, cap;
    int *gone;                  /* descriptors holding what clang will not */
    size_t n_gone, cap_gone;
};

static int collect_release(int fd, void *ctx)
{
    struct release_ctx *c = ctx;
    if (ours(c->j, c->p, fd))
        return 0;
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0)
        return errno == EBADF ? 0 : -1;
    if (!(fl & FD_CLOEXEC)) {
        if (room_for_one(&c->kept, &c->cap, c->n_kept, sizeof *c->kept) != 0)
            return -1;
        return released_identify(fd, &c->kept[c->n_kept++]) == 0 ? 0 : -1;
    }
    /* Close-on-exec: released, unless the replay put it there (then its
     * original, if any, is the journal's copy, collected below). */
    const struct fd_save *s = saved_of(c->j, fd);
    if (s != NULL && s->copy != FLAGS_ONLY)
        return 0;
    return push_fd(&c->gone, &c->n_gone, &c->cap_gone, fd);
}

/* What clang will not hold that the caller did: each must be one whose
 * early release nobody else can see (released.h).  NULL, or why not. */
static const char *release_refusal(const struct journal *j,
                                   const struct exec_plan *p)
{
    struct release_ctx c = { j, p, NULL, 0, 0, NULL, 0, 0 };
    const char *why = NULL;
    if (fdtable_each(collect_release, &c) != 0)
        why = "this process's descriptors cannot be inspected";
    for (size_t i = 0; why == NULL && i < j->n; i++)
        if (j->fds[i].copy >= 0 &&
            push_fd(&c.gone, &c.n_gone, &c.cap_gone, j->fds[i].copy) != 0)
            why = "out of memory";
    for (size_t i = 0; why == NULL && i < c.n_gone; i++)
        why = released_refusal(c.gone[i], c.kept, c.n_kept, p->claimed,
                               p->n_claimed);
    free(c.kept);
    free(c.gone);
    return why;
}

/* A handler left in place could run between the unblocking of signals and
 * the exec, with clang's descriptors already in place: make every handled
 * signal default first, as the exec itself would.  Journaled. */
static int default_handlers(struct journal *j)
{
    for (int s = 1; s < NSIG; s++) {
        if (s == SIGKILL || s == SIGSTOP || sigismember(&j->sig_changed, s) == 1)
            continue;
        struct sigaction a;
        if (sigaction(s, NULL, &a) != 0)
            continue;           /* one libc reserves */
        if (!(a.sa_flags & SA_SIGINFO) &&
            (a.sa_handler == SIG_DFL || a.sa_handler == SIG_IGN))
            continue;
        j->old_act[s] = a;
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        if (sigaction(s, &dfl, NULL) != 0)
            return -1;
        sigaddset(&j->sig_changed, s);
    }
    return 0;
}

/* Yama's PR_SET_PTRACER exception is not inherited by a child and is kept
 * by execve, and the kernel does not show it: clear it, as a spawned clang
 * would have none.  The one change that is not undone if the exec fails
 * (it cannot be read back); where Yama restricts nothing (no Yama, or
 * ptrace_scope 0) there is nothing to clear. */
static void clear_ptracer(void)
{
    char scope[8];
    if (procfs_read("/proc/sys/kernel/yama/ptrace_scope", scope,
                    sizeof scope) > 0 && scope[0] != '0')
        prctl(PR_SET_PTRACER, 0, 0, 0, 0);
}

/* Everything a spawned child would have done before its exec, in glibc's
 * order: attributes, file actions, then (env) chdir; for a handover, only
 * the child's descriptors stay.  0, or the failed step's errno. */
static int replay_spawn(struct journal *j, const struct exec_plan *p)
{
    if (apply_attrs(j, p) != 0)
        return errno ? errno : EINVAL;
    for (size_t i = 0; i < p->fa.n; i++)
        if (replay(j, p, i) != 0)
            return errno ? errno : EINVAL;
    if (p->env_chdir != NULL &&
        (save_cwd(j) != 0 || chdir(p->env_chdir) != 0))
        return errno;
    if (p->keep_fds != NULL && keep_only(j, p) != 0)
        return errno;
    return 0;
}

int inplace_exec(const struct exec_plan *p, const struct log_msg *announce,
                 const char **refused)
{
    *refused = NULL;
    execve_fn real_execve = REAL(execve_fn, execve);
    if (real_execve == NULL)
        return ENOSYS;

    struct journal j;
    memset(&j, 0, sizeof j);
    j.cwd = -1;
    /* Copies go above every fd an action names, so no action hits one. */
    j.copy_base = p->fd_base;

    sigemptyset(&j.sig_changed);

    /* No signal handler may run while fds are half swapped. */
    sigset_t all, orig, pending;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &orig);

    /* A signal pending now would reach clang (or, made default, be
     * discarded and lost if the exec fails): then stay a spawn. */
    int err = 0;
    const char *why = NULL;
    if (sigpending(&pending) != 0 || !sigisemptyset(&pending))
        err = EAGAIN;
    else
        err = replay_spawn(&j, p);
    if (err == 0 && (why = release_refusal(&j, p)) != NULL)
        err = EBUSY;
    if (err == 0 && default_handlers(&j) != 0)
        err = errno;
    if (err == 0) {
        const sigset_t *mask = (p->attr_flags & POSIX_SPAWN_SETSIGMASK)
                                   ? &p->sigmask : &orig;
        clear_ptracer();
        if (announce != NULL)
            log_write(announce);
        pthread_sigmask(SIG_SETMASK, mask, NULL);
        real_execve(p->path, p->argv, p->envp);
        err = errno;
        pthread_sigmask(SIG_SETMASK, &all, NULL);
    }
    undo(&j);
    pthread_sigmask(SIG_SETMASK, &orig, NULL);
    *refused = why;
    return err;
}
