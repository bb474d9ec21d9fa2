/* SPDX-License-Identifier: MIT */
/* plan.c - see plan.h. */
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdtable.h"
#include "resolve.h"

/* The environment `env [-i] [-u N]... [N=V]... cmd` gives cmd: GNU env
 * clears (-i), then unsets, then sets, in that order; policy keeps the ops
 * in argv order, where options (unsets) always precede operands (sets). */
static char **build_env(const struct env_wrap *w, char *const envp[])
{
    size_t n = 0;
    if (!w->ignore_env && envp != NULL)
        while (envp[n] != NULL)
            n++;
    char **env = calloc(n + w->n_ops + 1, sizeof *env);
    if (env == NULL)
        return NULL;
    if (n > 0)
        memcpy(env, envp, n * sizeof *env);
    for (size_t k = 0; k < w->n_ops; k++) {
        const char *arg = w->op[k].arg;
        size_t len = w->op[k].kind == 's' ? (size_t)(strchr(arg, '=') - arg)
                                          : strlen(arg);
        size_t i = 0, out = 0;
        int replaced = 0;
        for (; i < n; i++) {
            int same = strncmp(env[i], arg, len) == 0 && env[i][len] == '=';
            if (same && w->op[k].kind == 'u')
                continue;                       /* unsetenv drops them all */
            if (same && !replaced) {
                env[out++] = (char *)arg;       /* setenv replaces the first */
                replaced = 1;
            } else {
                env[out++] = env[i];
            }
        }
        if (w->op[k].kind == 's' && !replaced)
            env[out++] = (char *)arg;
        n = out;
        env[n] = NULL;
    }
    return env;
}

/* fd moved to `base` or above (CLOEXEC), so that no file action that
 * names a low fd can hit it; -1 on failure (fd is then closed). */
int plan_lift_fd(int fd, int base)
{
    if (fd < 0 || fd >= base)
        return fd;
    int hi = fcntl(fd, F_DUPFD_CLOEXEC, base);
    close(fd);
    return hi;
}

/* Open `path` (relative to dirfd) as the next directory of the chain. */
static int step_dir(int *dirfd, const char *path, int base)
{
    int fd = plan_lift_fd(openat(*dirfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC),
                          base);
    if (fd < 0)
        return -1;
    if (*dirfd != AT_FDCWD)
        close(*dirfd);
    *dirfd = fd;
    return 0;
}

/* Was fd a target of one of the first n actions? */
static int touched(const struct fa_list *fa, size_t n, int fd)
{
    for (size_t i = 0; i < n; i++) {
        const struct fa_op *o = &fa->ops[i];
        if ((o->kind == FA_OPEN || o->kind == FA_DUP2 || o->kind == FA_CLOSE) &&
            o->fd == fd)
            return 1;
        if (o->kind == FA_CLOSEFROM && fd >= o->fd)
            return 1;
    }
    return 0;
}

/* The directory the file actions leave the child in, without going there. */
static const char *actions_dir(struct exec_plan *p)
{
    p->dirfd = AT_FDCWD;
    for (size_t i = 0; i < p->fa.n; i++) {
        const struct fa_op *o = &p->fa.ops[i];
        if (o->kind == FA_CHDIR && step_dir(&p->dirfd, o->path, p->fd_base))
            return "a file-action chdir fails";
        if (o->kind == FA_FCHDIR) {
            if (touched(&p->fa, i, o->fd))
                return "a file-action fchdir to a replaced fd";
            if (step_dir(&p->dirfd, "/proc/self/fd", p->fd_base) != 0)
                return "/proc/self/fd cannot be read";
            char name[16];
            snprintf(name, sizeof name, "%d", o->fd);
            if (step_dir(&p->dirfd, name, p->fd_base) != 0)
                return "a file-action fchdir fails";
        }
    }
    return NULL;
}

/* Effects the journal cannot take back stay with a real spawn. */
static const char *irreversible(const struct exec_plan *p)
{
    for (size_t i = 0; i < p->fa.n; i++) {
        const struct fa_op *o = &p->fa.ops[i];
        if (o->kind == FA_OPEN && (o->oflag & (O_CREAT | O_TRUNC | O_EXCL)))
            return "a file action creates or truncates a file";
    }
    return NULL;
}

/* The pipe rule.  skc reads clang's stdout and stderr through pipes and
 * drops them on success; in place, nobody would read them, so a dup2 onto
 * 1 or 2 of a pipe whose read end this process holds is not replayed and
 * clang writes to the caller's own stdout/stderr instead. */
struct pipe_q {
    int src;
    struct stat st;
};

/* fn for fdtable_each: 1 if fd is the read end of q's pipe, 2 if fd cannot
 * be inspected (then we cannot know, and stay a spawn). */
static int is_read_end(int fd, void *ctx)
{
    const struct pipe_q *q = ctx;
    struct stat st;
    if (fd == q->src)
        return 0;
    if (fstat(fd, &st) != 0)
        return 2;
    if (!S_ISFIFO(st.st_mode) || st.st_dev != q->st.st_dev ||
        st.st_ino != q->st.st_ino)
        return 0;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0)
        return 2;
    return (fl & O_ACCMODE) == O_RDONLY;
}

static const char *pipe_rule(struct exec_plan *p)
{
    if (p->fa.n == 0)
        return NULL;
    p->keep_own = calloc(p->fa.n, 1);
    if (p->keep_own == NULL)
        return "out of memory";
    for (size_t i = 0; i < p->fa.n; i++) {
        const struct fa_op *o = &p->fa.ops[i];
        if (o->kind != FA_DUP2 || (o->fd != 1 && o->fd != 2) || o->src == o->fd)
            continue;
        struct pipe_q q = { o->src, { 0 } };
        /* Only when fd 1/2 is still the caller's own at that point. */
        if (touched(&p->fa, i, o->src) || touched(&p->fa, i, o->fd))
            continue;
        if (fcntl(o->fd, F_GETFD) < 0) {
            if (errno != EBADF)
                return "cannot inspect a file action's descriptor";
            continue;           /* closed in the caller: replay the dup2 */
        }
        /* A pipe replayed onto clang's stdout/stderr with its read end gone
         * would kill clang with SIGPIPE: if we cannot tell, stay a spawn. */
        if (fstat(o->src, &q.st) != 0)
            return "cannot inspect a file action's descriptor";
        if (!S_ISFIFO(q.st.st_mode))
            continue;
        int r = fdtable_each(is_read_end, &q);
        if (r < 0 || r == 2)
            return "cannot inspect this process's descriptors";
        p->keep_own[i] = r == 1;
        if (r == 1) {
            /* Both ends of this pipe may go at the exec (released.h). */
            if (p->n_claimed == PLAN_CLAIMED_MAX)
                return "too many capture pipes";
            p->claimed[p->n_claimed++] =
                (struct claimed_pipe){ q.st.st_dev, q.st.st_ino };
        }
    }
    return NULL;
}

static const char *read_attr(struct exec_plan *p, const posix_spawnattr_t *a)
{
    p->attr_flags = 0;
    if (a == NULL)
        return NULL;
    if (posix_spawnattr_getflags(a, &p->attr_flags) != 0 ||
        posix_spawnattr_getsigmask(a, &p->sigmask) != 0 ||
        posix_spawnattr_getsigdefault(a, &p->sigdefault) != 0 ||
        posix_spawnattr_getschedpolicy(a, &p->sched_policy) != 0 ||
        posix_spawnattr_getschedparam(a, &p->sched_param) != 0)
        return "spawn attributes cannot be read";
    return NULL;
}

/* `env [-i] [-u N] [-C DIR] [N=V]... clang`: what env would do before it
 * execs clang, worked out. */
static const char *env_wrapper(struct exec_plan *p, const struct decision *d,
                               const char *prog, int use_path,
                               char *const envp[])
{
    /* env itself must be there, where the actions leave the child, or the
     * spawn fails as it would. */
    char envpath[PATH_MAX];
    if (resolve_program(p->dirfd, prog, use_path, getenv("PATH"), envpath,
                        sizeof envpath) != 0)
        return "env not found";
    if ((p->env_owned = build_env(&d->env, envp)) == NULL)
        return "out of memory";
    p->envp = p->env_owned;
    if (p->env_chdir != NULL &&
        step_dir(&p->dirfd, p->env_chdir, p->fd_base) != 0)
        return "env -C directory cannot be opened";
    return NULL;
}

const char *plan_build(struct exec_plan *p, const struct decision *d,
                       const char *prog, int use_path,
                       const struct fa_list *fa, const posix_spawnattr_t *attr,
                       char *const argv[], char *const envp[])
{
    memset(p, 0, sizeof *p);
    p->fa = *fa;                        /* borrowed: the caller frees it */
    p->dirfd = AT_FDCWD;
    p->argv = argv + d->cmd;
    p->clang_argv = p->argv;
    p->envp = envp;
    p->env_chdir = d->via_env ? d->env.chdir : NULL;

    p->fd_base = 10;
    for (size_t i = 0; i < fa->n; i++) {
        const struct fa_op *o = &fa->ops[i];
        int hi = o->fd > o->src ? o->fd : o->src;
        if (o->kind != FA_CLOSEFROM && hi >= p->fd_base)
            p->fd_base = hi + 1;
    }

    const char *why = read_attr(p, attr);
    if (why == NULL)
        why = irreversible(p);
    if (why == NULL)
        why = actions_dir(p);
    if (why == NULL && d->via_env)
        why = env_wrapper(p, d, prog, use_path, envp);
    if (why == NULL) {
        /* posix_spawnp searches the caller's PATH; env's execvp searches
         * the PATH of the environment it built. */
        const char *name = d->via_env ? p->argv[0] : prog;
        int search = d->via_env ? 1 : use_path;
        const char *path = d->via_env ? env_lookup(p->envp, "PATH")
                                      : getenv("PATH");
        if (resolve_program(p->dirfd, name, search, path, p->path,
                            sizeof p->path) != 0)
            why = "clang not found";
    }
    if (why == NULL)
        why = pipe_rule(p);
    if (why != NULL)
        plan_free(p);
    return why;
}

const char *plan_from_offer(struct exec_plan *p, const struct decision *d,
                            const struct offered_exec *o, struct fa_list *fa)
{
    /* The child's descriptors, then its directory, as file actions: the
     * pipe rule and the journal then treat them as they treat a spawn's. */
    fa->n = 0;
    for (size_t i = 0; i < o->n_fds; i++)
        fa->ops[fa->n++] = (struct fa_op){ .kind = FA_DUP2, .fd = o->numbers[i],
                                           .src = o->fds[i] };
    fa->ops[fa->n++] = (struct fa_op){ .kind = FA_FCHDIR, .fd = o->cwd };
    const char *why = plan_build(p, d, o->path, 0, fa, NULL, o->argv, o->envp);
    if (why != NULL)
        return why;
    p->handover = 1;
    p->keep_fds = o->numbers;
    p->n_keep = o->n_fds;
    p->own_fds = o->own;
    p->n_own = o->n_own;
    p->has_sigstate = 1;
    p->sig_ignored = o->ignored;
    p->attr_flags |= POSIX_SPAWN_SETSIGMASK;
    p->sigmask = o->sigmask;
    p->has_umask = 1;
    p->umask = o->umask;
    return NULL;
}

void plan_free(struct exec_plan *p)
{
    if (p->dirfd != AT_FDCWD)
        close(p->dirfd);
    p->dirfd = AT_FDCWD;
    free(p->env_owned);
    p->env_owned = NULL;
    free(p->keep_own);
    p->keep_own = NULL;
}
