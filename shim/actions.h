/* SPDX-License-Identifier: MIT */
/* actions.h - shadow copies of posix_spawn_file_actions_t.
 *
 * The object is opaque, so the only portable way to know what a caller asked
 * the child to do is to see each posix_spawn_file_actions_* call.  The
 * wrappers call libc first and record only what libc accepted; a record that
 * could not be kept (no memory, an action we do not replay) is marked broken,
 * and a spawn with a broken or unknown record stays inert.  Only active
 * processes record anything.
 */
#ifndef SKCEXEC_ACTIONS_H
#define SKCEXEC_ACTIONS_H

#include <spawn.h>
#include <stddef.h>
#include <sys/types.h>

enum fa_kind { FA_OPEN, FA_CLOSE, FA_DUP2, FA_CHDIR, FA_FCHDIR, FA_CLOSEFROM };

struct fa_op {
    enum fa_kind kind;
    int fd;                     /* target fd; the fd for close/fchdir; low fd */
    int src;                    /* dup2: the source fd */
    int oflag;                  /* open */
    mode_t mode;                /* open */
    char *path;                 /* open, chdir: owned copy */
};

struct fa_list {
    struct fa_op *ops;
    size_t n;
};

typedef const posix_spawn_file_actions_t *fa_key;

void actions_init(fa_key fa);                   /* after a successful init */
void actions_destroy(fa_key fa);                /* before the real destroy */
void actions_add(fa_key fa, const struct fa_op *op);  /* copies op->path */
void actions_mark_broken(fa_key fa);            /* an action we cannot replay */

/* Deep copy of the record for `fa` (NULL: no actions).  Returns 0, or -1 when
 * the actions are not exactly known; *out is then empty. */
int actions_snapshot(fa_key fa, struct fa_list *out);
void actions_free(struct fa_list *l);

/* No lock is held across a fork: a forked child of a caller is inert (see
 * process.h) and never reads the records, whatever state they were in. */

#endif
