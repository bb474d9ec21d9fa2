/* SPDX-License-Identifier: MIT */
/* unit_real.c - shim/real.c's own symbol lookup finds exactly what
 * dlsym(RTLD_NEXT) finds, for every name the library wraps, and leaves
 * nothing to dlsym on a normal glibc system.  Linked into this program, the
 * "next" objects are the ones after the program itself (libc, ld.so). */
#include <dlfcn.h>
#include <stdio.h>

#include "check.h"
#include "real.h"

#define SAME(name)                                                            \
    CHECK(REAL(void *, name) == dlsym(RTLD_NEXT, #name))

int main(void)
{
    SAME(posix_spawn);
    SAME(posix_spawnp);
    SAME(posix_spawn_file_actions_init);
    SAME(posix_spawn_file_actions_destroy);
    SAME(posix_spawn_file_actions_addopen);
    SAME(posix_spawn_file_actions_addclose);
    SAME(posix_spawn_file_actions_adddup2);
    SAME(posix_spawn_file_actions_addchdir_np);
    SAME(posix_spawn_file_actions_addfchdir_np);
    SAME(posix_spawn_file_actions_addclosefrom_np);
    SAME(posix_spawn_file_actions_addtcsetpgrp_np);
    SAME(execve);
    SAME(execv);
    SAME(execvp);
    SAME(execvpe);
    SAME(fexecve);
    SAME(execveat);
    SAME(fork);
    SAME(system);
    SAME(pidfd_spawn);          /* NULL on both sides before glibc 2.39 */
    SAME(pidfd_spawnp);
    CHECK(REAL(void *, execve) != NULL);
    /* Looked up again: the same answer, from the slot. */
    CHECK(REAL(void *, execve) == dlsym(RTLD_NEXT, "execve"));
    CHECK(real_dlsym_calls() == 0);
    printf("unit_real: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
