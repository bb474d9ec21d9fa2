/* SPDX-License-Identifier: MIT */
/* plan.h - everything the in-place exec will do, worked out before any of it
 * is done.
 *
 * Building a plan only reads the process state (fds, directories, PATH); it
 * changes nothing, so a plan that cannot be built costs the caller nothing.
 */
#ifndef SKCEXEC_PLAN_H
#define SKCEXEC_PLAN_H

#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>

#include "actions.h"
#include "policy.h"
#include "released.h"

#define PLAN_CLAIMED_MAX 8

struct exec_plan {
    char path[PATH_MAX];        /* what to execve, valid in the final cwd */
    char *const *argv;          /* its argv */
    char *const *envp;          /* its environment */
    char *const *clang_argv;    /* clang's own argv: its inputs, its name */
    char **env_owned;           /* built for `env ... clang`, else NULL */
    struct fa_list fa;          /* the file actions, in order */
    unsigned char *keep_own;    /* per action: dup2 onto 1/2 not replayed */
    struct claimed_pipe claimed[PLAN_CLAIMED_MAX];  /* ... and their pipes */
    size_t n_claimed;
    const char *env_chdir;      /* env -C DIR, applied after the actions */
    int dirfd;                  /* final cwd (O_PATH), or AT_FDCWD */
    int fd_base;                /* the shim's own fds live at or above it, */
                                /* clear of every fd an action names */
    short attr_flags;
    sigset_t sigmask, sigdefault;
    int sched_policy;
    struct sched_param sched_param;

    /* Only for a fork handover, where the child's state is copied rather
     * than replayed: */
    int handover;
    const int *keep_fds;        /* the child's open fds: all others become */
    size_t n_keep;              /* CLOEXEC after the actions */
    const int *own_fds;         /* the shim's: the received fds, the socket */
    size_t n_own;
    int has_sigstate;           /* signals: ignored ones stay ignored, the */
    sigset_t sig_ignored;       /* rest go to SIG_DFL, as in the child */
    int has_umask;
    mode_t umask;
};

/* Returns NULL on success, or a static reason and leaves nothing to free. */
const char *plan_build(struct exec_plan *p, const struct decision *d,
                       const char *prog, int use_path,
                       const struct fa_list *fa, const posix_spawnattr_t *attr,
                       char *const argv[], char *const envp[]);

/* What a forked child offered (handover.h): exec `path` with its argv and
 * envp, its descriptors `fds[i]` (received) at the numbers `numbers[i]`,
 * in the directory `cwd` (received), with its signal mask, ignored signals
 * and umask.  `own` lists the shim's descriptors (the received ones, the
 * socket).  Same contract as plan_build; `fa` must outlive the plan. */
struct offered_exec {
    const char *path;
    char *const *argv, *const *envp;
    const int *fds, *numbers;
    size_t n_fds;
    int cwd;
    const int *own;
    size_t n_own;
    sigset_t sigmask, ignored;
    mode_t umask;
};
const char *plan_from_offer(struct exec_plan *p, const struct decision *d,
                            const struct offered_exec *o, struct fa_list *fa);

/* fd moved to `base` or above (CLOEXEC); closes fd; -1 on failure. */
int plan_lift_fd(int fd, int base);

/* Releases what plan_build took (not the borrowed file actions). */
void plan_free(struct exec_plan *p);

#endif
