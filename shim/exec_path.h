/* SPDX-License-Identifier: MIT */
/* exec_path.h - an exec-family call in a caller.
 *
 * In a child forked by a caller (handover.h), an exec of clang is offered to
 * the parent.  In the caller itself (no fork) the exec already replaces it:
 * only the IR barrier is applied, so clang never reads a file another thread
 * is still writing.  Returns when the real exec must run; errno kept.
 */
#ifndef SKCEXEC_EXEC_PATH_H
#define SKCEXEC_EXEC_PATH_H

/* `prog` is what the exec function was given (a path, or a file name to
 * search in PATH when use_path); NULL when unknown. */
void exec_in_caller(const char *prog, int use_path, char *const argv[],
                    char *const envp[]);

#endif
