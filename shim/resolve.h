/* SPDX-License-Identifier: MIT */
/* resolve.h - find a program the way execvp / posix_spawnp do. */
#ifndef SKCEXEC_RESOLVE_H
#define SKCEXEC_RESOLVE_H

#include <stddef.h>

/* A name holding '/' is used as is; otherwise, when `use_path`, each element
 * of `search` is tried in order (NULL: glibc's default "/bin:/usr/bin"; an
 * empty element: the current directory).  Names are looked up relative to
 * `dirfd` (or AT_FDCWD), the directory the program will start in.  The
 * first name that exists must be a regular file we may execute, or the
 * search fails (where execvp's choice would depend on its own execve, we
 * leave the choice to it).  Writes the path (valid relative to that
 * directory) to out and returns 0, or returns an errno value. */
int resolve_program(int dirfd, const char *name, int use_path,
                    const char *search, char *out, size_t outsz);

/* The value of NAME in an envp array, or NULL. */
const char *env_lookup(char *const *envp, const char *name);

#endif
