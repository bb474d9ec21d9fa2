/* SPDX-License-Identifier: MIT */
/* real.h - the next definitions of the libc functions the shim wraps.
 *
 * Always the next definition after this library (what dlsym(RTLD_NEXT, ...)
 * gives), never libc's by name, so that another preload library later in
 * LD_PRELOAD still sees every call.  Looked up at first use without dlsym
 * or any lock (see real.c for why and how), then a wrapper only loads a
 * pointer.  A name no object defines yields NULL, and its wrapper reports
 * ENOSYS.
 */
#ifndef SKCEXEC_REAL_H
#define SKCEXEC_REAL_H

#include <spawn.h>
#include <stdatomic.h>
#include <sys/types.h>

typedef int (*posix_spawn_fn)(pid_t *, const char *,
                              const posix_spawn_file_actions_t *,
                              const posix_spawnattr_t *, char *const[],
                              char *const[]);
typedef int (*fa_init_fn)(posix_spawn_file_actions_t *);
typedef int (*fa_addopen_fn)(posix_spawn_file_actions_t *, int, const char *,
                             int, mode_t);
typedef int (*fa_addint_fn)(posix_spawn_file_actions_t *, int);
typedef int (*fa_adddup2_fn)(posix_spawn_file_actions_t *, int, int);
typedef int (*fa_addpath_fn)(posix_spawn_file_actions_t *, const char *);
typedef int (*execve_fn)(const char *, char *const[], char *const[]);

/* The next definition for *slot (one of those below), looked up once. */
void *real_lookup(_Atomic(void *) *slot);

#define REAL(type, name) ((type)real_lookup(&real_slot_##name))

/* How many slots were left to dlsym (no GNU hash table, an IFUNC): 0 on a
 * normal glibc system.  For the unit test. */
int real_dlsym_calls(void);

extern _Atomic(void *) real_slot_posix_spawn;
extern _Atomic(void *) real_slot_posix_spawnp;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_init;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_destroy;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_addopen;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_addclose;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_adddup2;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_addchdir_np;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_addfchdir_np;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_addclosefrom_np;
extern _Atomic(void *) real_slot_posix_spawn_file_actions_addtcsetpgrp_np;
extern _Atomic(void *) real_slot_execve;
extern _Atomic(void *) real_slot_execv;
extern _Atomic(void *) real_slot_execvp;
extern _Atomic(void *) real_slot_execvpe;
extern _Atomic(void *) real_slot_fexecve;
extern _Atomic(void *) real_slot_execveat;
extern _Atomic(void *) real_slot_fork;
extern _Atomic(void *) real_slot_system;
extern _Atomic(void *) real_slot_pidfd_spawn;
extern _Atomic(void *) real_slot_pidfd_spawnp;

#endif
