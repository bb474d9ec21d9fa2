/* SPDX-License-Identifier: MIT */
/* exec_path.h - an exec-family call in the child of a caller's fork.
 *
 * An exec of clang is offered to the parent (handover.h); any other exec
 * lets the parent's fork return.  A caller's own exec (no fork) is left
 * alone: it replaces the caller anyway, exactly as without the library.
 * Returns when the real exec must run; errno kept.
 */
#ifndef SKCEXEC_EXEC_PATH_H
#define SKCEXEC_EXEC_PATH_H

/* `prog` is what the exec function was given (a path, or a file name to
 * search in PATH when use_path); NULL when unknown. */
void exec_in_child(const char *prog, int use_path, char *const argv[],
                   char *const envp[]);

#endif
