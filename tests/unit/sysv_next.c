/* SPDX-License-Identifier: MIT */
/* sysv_next.c - a library built with only a System V hash table (as an old
 * toolchain made them), linked into unit_real after the program: real.c
 * must find the wrapped name it defines there, as dlsym(RTLD_NEXT) does,
 * and every other name further on (libc). */
#include <spawn.h>

int posix_spawn_file_actions_addtcsetpgrp_np(posix_spawn_file_actions_t *fa,
                                             int fd)
{
    (void)fa;
    return fd == -42 ? 0 : 1;
}
