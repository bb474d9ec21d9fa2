/* SPDX-License-Identifier: MIT */
/* spawn_path.h - the posix_spawn path: decide, plan, wait for the IR, exec in
 * place.  Returns only when the shim does not act (or acting failed and was
 * undone); the wrapper then runs the real call.  errno is left as it was. */
#ifndef SKCEXEC_SPAWN_PATH_H
#define SKCEXEC_SPAWN_PATH_H

#include <spawn.h>

void spawn_in_place(const char *prog, int use_path,
                    const posix_spawn_file_actions_t *fa,
                    const posix_spawnattr_t *attr, char *const argv[],
                    char *const envp[]);

#endif
