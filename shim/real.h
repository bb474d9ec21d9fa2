/* SPDX-License-Identifier: MIT */
/* real.h - the next definitions of the libc functions the shim wraps.
 *
 * Always the next definition after this library (what dlsym(RTLD_NEXT, ...)
 * gives), never libc's by name, so that another preload library later in
 * LD_PRELOAD still sees every call.  Looked up at first use without dlsym,
 * any lock or allocation (see real.c for why and how), then a wrapper only
 * loads a pointer.  A name no object defines yields NULL, and its wrapper reports
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

/* The program's argv, as glibc hands it to constructors and main: read
 * where the loader keeps it (its __libc_stack_end, the initial stack), so
 * the library needs no constructor.  NULL if it cannot be found.  Safe
 * where real_lookup is. */
char **real_program_argv(void);

/* How many slots were left to dlsym (no GNU hash table, an IFUNC): 0 on a
 * normal glibc system.  For the unit test. */
int real_dlsym_calls(void);

/* One slot per WRAP line of wrapped.def: real_slot_posix_spawn, ...
 */
#define WRAP(name, hash) extern _Atomic(void *) real_slot_##name;
#define EXPORT(name)
#include "wrapped.def"
#undef WRAP
#undef EXPORT

/* What the wrappers that define the names of wrapped.def are marked with:
 * the version script (tools/exports.sh) exports exactly those. */
#define PUBLIC __attribute__((visibility("default")))

#endif
