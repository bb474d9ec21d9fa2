/* SPDX-License-Identifier: MIT */
/* entry_exec.c - the exported fork, exec-family and system() entry points.
 * Thin: in a process the shim does not act in, one flag test, then the next
 * definition.  vfork is not wrapped: a vfork child shares its parent's
 * memory and the parent is suspended until the child execs or exits, so
 * the parent could not exec clang while the child waits for it; vfork
 * stays libc's in every process (its child's exec is inert, having
 * another pid than the caller).
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

#include "handover.h"
#include "process.h"
#include "real.h"
#include "by_system.h"

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

PUBLIC int execve(const char *path, char *const argv[], char *const envp[])
{
    execve_fn real = REAL(execve_fn, execve);
    if (__builtin_expect(handover_in_child, 0))
        handover_exec(path, 0, argv, envp);
    return real ? real(path, argv, envp) : no_real();
}

PUBLIC int execv(const char *path, char *const argv[])
{
    execv_fn real = REAL(execv_fn, execv);
    if (__builtin_expect(handover_in_child, 0))
        handover_exec(path, 0, argv, environ);
    return real ? real(path, argv) : no_real();
}

PUBLIC int execvp(const char *file, char *const argv[])
{
    execv_fn real = REAL(execv_fn, execvp);
    if (__builtin_expect(handover_in_child, 0))
        handover_exec(file, 1, argv, environ);
    return real ? real(file, argv) : no_real();
}

PUBLIC int execvpe(const char *file, char *const argv[], char *const envp[])
{
    execvpe_fn real = REAL(execvpe_fn, execvpe);
    if (__builtin_expect(handover_in_child, 0))
        handover_exec(file, 1, argv, envp);
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

/* An exec by descriptor is never handed over from a caller's child: the
 * parent would have to exec the file by path, and the path may name
 * another file by then.  The child execs it itself. */
PUBLIC int fexecve(int fd, char *const argv[], char *const envp[])
{
    fexecve_fn real = REAL(fexecve_fn, fexecve);
    leave_handover();
    return real ? real(fd, argv, envp) : no_real();
}

#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
PUBLIC int execveat(int dirfd, const char *path, char *const argv[],
                    char *const envp[], int flags)
{
    execveat_fn real = REAL(execveat_fn, execveat);
    if (__builtin_expect(handover_in_child, 0)) {
        /* By path only (see fexecve). */
        if (may_be_null(path) != NULL && !(flags & AT_EMPTY_PATH) &&
            !(flags & AT_SYMLINK_NOFOLLOW) &&
            (path[0] == '/' || dirfd == AT_FDCWD))
            handover_exec(path, 0, argv, envp);
        else
            handover_release();
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
