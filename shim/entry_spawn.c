/* SPDX-License-Identifier: MIT */
/* entry_spawn.c - the exported posix_spawn, pidfd_spawn and spawn
 * file-action entry points.  Thin on purpose: in a process the shim does
 * not act in, each is one flag test and a call to the next definition
 * (libc's, or another preload's).  Nothing else is exported (see
 * wrapped.def).
 */
#include <errno.h>
#include <spawn.h>

#include "actions.h"
#include "process.h"
#include "real.h"
#include "by_spawn.h"

/* posix_spawn, posix_spawnp, pidfd_spawn and pidfd_spawnp have one shape:
 * the first argument takes the child's pid (or its pidfd); USE_PATH is 1
 * for the ones that search PATH.  OUT_T is a type: it cannot be put in
 * parentheses. */
// NOLINTBEGIN(bugprone-macro-parentheses)
#define SPAWN_WRAPPER(NAME, OUT_T, USE_PATH)                                  \
    PUBLIC int NAME(OUT_T *out, const char *prog,                             \
                    const posix_spawn_file_actions_t *fa,                     \
                    const posix_spawnattr_t *attr, char *const argv[],        \
                    char *const envp[])                                       \
    {                                                                         \
        typedef int (*real_fn)(OUT_T *, const char *,                         \
                               const posix_spawn_file_actions_t *,            \
                               const posix_spawnattr_t *, char *const[],      \
                               char *const[]);                                \
        real_fn real = REAL(real_fn, NAME);                                   \
        if (process_active())                                                 \
            spawn_in_place(prog, USE_PATH, fa, attr, argv, envp);             \
        return real ? real(out, prog, fa, attr, argv, envp) : ENOSYS;         \
    }
// NOLINTEND(bugprone-macro-parentheses)

SPAWN_WRAPPER(posix_spawn, pid_t, 0)
SPAWN_WRAPPER(posix_spawnp, pid_t, 1)

/* The file-action functions: libc first, then record what it accepted. */

PUBLIC int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
    fa_init_fn real = REAL(fa_init_fn, posix_spawn_file_actions_init);
    int r = real ? real(fa) : ENOSYS;
    if (process_active() && r == 0) {
        int saved = errno;
        actions_init(fa);
        errno = saved;
    }
    return r;
}

PUBLIC int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
    fa_init_fn real = REAL(fa_init_fn, posix_spawn_file_actions_destroy);
    if (process_active()) {
        int saved = errno;
        actions_destroy(fa);
        errno = saved;
    }
    return real ? real(fa) : ENOSYS;
}

static int record(int r, posix_spawn_file_actions_t *fa, enum fa_kind kind,
                  int fd, int src, const char *path, int oflag, mode_t mode)
{
    if (r == 0 && process_active()) {
        int saved = errno;
        struct fa_op op = { kind, fd, src, oflag, mode, (char *)path };
        actions_add(fa, &op);
        errno = saved;
    }
    return r;
}

PUBLIC int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa,
                                            int fd, const char *path,
                                            int oflag, mode_t mode)
{
    fa_addopen_fn real = REAL(fa_addopen_fn, posix_spawn_file_actions_addopen);
    int r = real ? real(fa, fd, path, oflag, mode) : ENOSYS;
    return record(r, fa, FA_OPEN, fd, -1, path, oflag, mode);
}

/* The file actions that take one descriptor: addclose, addfchdir_np and
 * addclosefrom_np (whose descriptor is the lowest one closed). */
#define FA_FD_WRAPPER(NAME, KIND)                                             \
    PUBLIC int NAME(posix_spawn_file_actions_t *fa, int fd)                   \
    {                                                                         \
        fa_addint_fn real = REAL(fa_addint_fn, NAME);                         \
        int r = real ? real(fa, fd) : ENOSYS;                                 \
        return record(r, fa, KIND, fd, -1, NULL, 0, 0);                       \
    }

FA_FD_WRAPPER(posix_spawn_file_actions_addclose, FA_CLOSE)

PUBLIC int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa,
                                            int fd, int newfd)
{
    fa_adddup2_fn real = REAL(fa_adddup2_fn, posix_spawn_file_actions_adddup2);
    int r = real ? real(fa, fd, newfd) : ENOSYS;
    return record(r, fa, FA_DUP2, newfd, fd, NULL, 0, 0);
}

PUBLIC int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *fa,
                                                const char *path)
{
    fa_addpath_fn real =
        REAL(fa_addpath_fn, posix_spawn_file_actions_addchdir_np);
    int r = real ? real(fa, path) : ENOSYS;
    return record(r, fa, FA_CHDIR, -1, -1, path, 0, 0);
}

FA_FD_WRAPPER(posix_spawn_file_actions_addfchdir_np, FA_FCHDIR)

#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
FA_FD_WRAPPER(posix_spawn_file_actions_addclosefrom_np, FA_CLOSEFROM)
#endif

#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 35)
/* Handing the terminal to the child's group has no in-place equivalent the
 * shim could undo: mark the actions so the spawn stays a spawn. */
PUBLIC int posix_spawn_file_actions_addtcsetpgrp_np(
    posix_spawn_file_actions_t *fa, int tcfd)
{
    fa_addint_fn real =
        REAL(fa_addint_fn, posix_spawn_file_actions_addtcsetpgrp_np);
    int r = real ? real(fa, tcfd) : ENOSYS;
    if (r == 0 && process_active())
        actions_mark_broken(fa);
    return r;
}
#endif

#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 39)
/* glibc 2.39's pidfd_spawn[p]: posix_spawn that hands back a pidfd.  Only
 * built against a libc that has them, so the library still loads on older
 * ones (tools/exports.sh exports only what the build's libc defines). */
SPAWN_WRAPPER(pidfd_spawn, int, 0)
SPAWN_WRAPPER(pidfd_spawnp, int, 1)
#endif
