/* SPDX-License-Identifier: MIT */
/* entry_exec.c - the exported fork, exec-family and system() entry points.
 * Thin: in a process the shim does not act in, one flag test, then the next
 * definition (vfork is in vfork_<arch>.S: it cannot have a C frame).
 *
 * glibc's exec functions do not all go through the exported execve, so each
 * is wrapped, and each calls its own real counterpart to keep its exact
 * behaviour (execvp's PATH search and ENOEXEC fallback, say).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "exec_path.h"
#include "handover.h"
#include "process.h"
#include "real.h"
#include "system_path.h"

extern char **environ;

typedef int (*execv_fn)(const char *, char *const[]);
typedef int (*execvpe_fn)(const char *, char *const[], char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);
typedef int (*execveat_fn)(int, const char *, char *const[], char *const[], int);
typedef int (*system_fn)(const char *);

/* libc's headers declare these arguments nonnull, but real programs pass
 * NULL (snoopy #46): hide the pointer from the optimiser so our NULL checks
 * are kept (the Makefile also builds with -fno-delete-null-pointer-checks). */
static inline const char *may_be_null(const char *p)
{
    __asm__("" : "+r"(p));
    return p;
}

static int no_real(void)
{
    errno = ENOSYS;
    return -1;
}

/* A child of a caller's fork forking again is doing more than fork+exec:
 * its parent's fork may return now. */
static inline void leave_handover(void)
{
    if (__builtin_expect(handover_in_child, 0))
        handover_release();
}

PUBLIC pid_t fork(void)
{
    fork_fn real = REAL(fork_fn, fork);
    if (real == NULL)
        return no_real();
    if (!process_active()) {
        leave_handover();
        return real();
    }
    return handover_fork(real);
}

/* Reached from the vfork trampoline in callers (or if libc's vfork could
 * not be found): fork is always a valid vfork, and it may return. */
pid_t skcexec_vfork_fallback(void)
{
    fork_fn real = REAL(fork_fn, fork);
    if (real == NULL)
        return no_real();
    if (process_active())
        return handover_fork(real);
    leave_handover();
    return real();
}

/* Called by the vfork trampoline, in the parent before anything is forked,
 * until the process is decided inert and libc's vfork is known: decides,
 * resolves, and returns where the trampoline must jump. */
void *skcexec_vfork_prepare(void)
{
    int saved = errno;
    void *real = REAL(void *, vfork);
    int active = process_active();
    if (!active)
        leave_handover();
    errno = saved;
    return real != NULL && !active ? real : (void *)skcexec_vfork_fallback;
}

PUBLIC int execve(const char *path, char *const argv[], char *const envp[])
{
    execve_fn real = REAL(execve_fn, execve);
    if (handover_in_child || process_active())
        exec_in_caller(path, 0, argv, envp);
    return real ? real(path, argv, envp) : no_real();
}

PUBLIC int execv(const char *path, char *const argv[])
{
    execv_fn real = REAL(execv_fn, execv);
    if (handover_in_child || process_active())
        exec_in_caller(path, 0, argv, environ);
    return real ? real(path, argv) : no_real();
}

PUBLIC int execvp(const char *file, char *const argv[])
{
    execv_fn real = REAL(execv_fn, execvp);
    if (handover_in_child || process_active())
        exec_in_caller(file, 1, argv, environ);
    return real ? real(file, argv) : no_real();
}

PUBLIC int execvpe(const char *file, char *const argv[], char *const envp[])
{
    execvpe_fn real = REAL(execvpe_fn, execvpe);
    if (handover_in_child || process_active())
        exec_in_caller(file, 1, argv, envp);
    return real ? real(file, argv, envp) : no_real();
}

/* The execl family: gather the arguments into an array on the stack (as
 * glibc does), then behave as the execv counterpart.  Declares `argv` and
 * leaves `ap` started for execle's envp (each caller ends it). */
#define GATHER(first)                                                         \
    size_t n_ = 0;                                                            \
    va_list ap;                                                               \
    if (may_be_null(first) != NULL) {                                         \
        va_start(ap, first);                                                  \
        for (n_ = 1; va_arg(ap, char *) != NULL; n_++)                        \
            ;                                                                 \
        va_end(ap);                                                           \
    }                                                                         \
    char *argv[n_ + 1];                                                       \
    argv[0] = (char *)(first);                                                \
    va_start(ap, first);                                                      \
    for (size_t i_ = 1; i_ <= n_; i_++)                                       \
        argv[i_] = va_arg(ap, char *);

PUBLIC int execl(const char *path, const char *arg, ...)
{
    GATHER(arg);
    va_end(ap);
    return execve(path, argv, environ);
}

PUBLIC int execlp(const char *file, const char *arg, ...)
{
    GATHER(arg);
    va_end(ap);
    return execvp(file, argv);
}

PUBLIC int execle(const char *path, const char *arg, ...)
{
    GATHER(arg);
    char *const *envp = va_arg(ap, char *const *);
    va_end(ap);
    return execve(path, argv, envp);
}

/* The path behind a descriptor, for the decision (fexecve, execveat). */
static const char *fd_path(int fd, const char *rel, char *buf, size_t size)
{
    char link[32];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, size - 1);
    if (n <= 0 || buf[0] != '/')
        return NULL;
    buf[n] = '\0';
    if (rel != NULL && rel[0] != '\0') {
        size_t r = strlen(rel);
        if ((size_t)n + 1 + r >= size)
            return NULL;
        buf[n] = '/';
        memcpy(buf + n + 1, rel, r + 1);
    }
    return buf;
}

/* In a caller, an exec by descriptor: the barrier, by the path behind it.
 * Out of line, so that the wrappers' own frames stay small where they are
 * inert (a clone child may have a small stack). */
static __attribute__((noinline)) void exec_at_in_caller(
    int dirfd, const char *path, char *const argv[], char *const envp[],
    int flags)
{
    char buf[PATH_MAX];
    int saved = errno;
    const char *p = NULL;
    if (path == NULL || (flags & AT_EMPTY_PATH && path[0] == '\0'))
        p = fd_path(dirfd, NULL, buf, sizeof buf);
    else if (path[0] == '/' || dirfd == AT_FDCWD)
        p = path;
    else
        p = fd_path(dirfd, path, buf, sizeof buf);
    errno = saved;
    if (p != NULL && !(flags & AT_SYMLINK_NOFOLLOW))
        exec_in_caller(p, 0, argv, envp);
}

/* An exec by descriptor is never handed over from a caller's child: the
 * parent would have to exec the file by path, and the path may name
 * another file by then.  The child execs it itself. */
PUBLIC int fexecve(int fd, char *const argv[], char *const envp[])
{
    fexecve_fn real = REAL(fexecve_fn, fexecve);
    leave_handover();
    if (process_active())
        exec_at_in_caller(fd, NULL, argv, envp, AT_EMPTY_PATH);
    return real ? real(fd, argv, envp) : no_real();
}

#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
PUBLIC int execveat(int dirfd, const char *path, char *const argv[],
                    char *const envp[], int flags)
{
    execveat_fn real = REAL(execveat_fn, execveat);
    if (handover_in_child) {
        /* By path only (see fexecve). */
        if (may_be_null(path) != NULL && !(flags & AT_EMPTY_PATH) &&
            !(flags & AT_SYMLINK_NOFOLLOW) &&
            (path[0] == '/' || dirfd == AT_FDCWD))
            exec_in_caller(path, 0, argv, envp);
        else
            handover_release();
    } else if (process_active() && may_be_null(path) != NULL) {
        exec_at_in_caller(dirfd, path, argv, envp, flags);
    }
    return real ? real(dirfd, path, argv, envp, flags) : no_real();
}
#endif

PUBLIC int system(const char *cmd)
{
    system_fn real = REAL(system_fn, system);
    if (process_active() && cmd != NULL)
        system_in_place(cmd);
    return real ? real(cmd) : no_real();
}
