/* SPDX-License-Identifier: MIT */
/* by_spawn.h - clang started by posix_spawn[p] or pidfd_spawn[p]: decide,
 * plan, become clang (become.h).  Returns only when the shim does not act
 * (or acting failed and was undone); the wrapper then runs the real call.
 * errno is left as it was. */
#ifndef SKCEXEC_BY_SPAWN_H
#define SKCEXEC_BY_SPAWN_H

#include <spawn.h>

void spawn_in_place(const char *prog, int use_path,
                    const posix_spawn_file_actions_t *fa,
                    const posix_spawnattr_t *attr, char *const argv[],
                    char *const envp[]);

#endif
