/* SPDX-License-Identifier: MIT */
/* system_path.h - system("clang++ ...") in a caller.
 *
 * When the command is one simple command (shell_cmd.h) whose program is
 * clang and exists, the caller execs `/bin/sh -c cmd` in place after the IR
 * barrier (with "exec " before the program word, so that clang, not a child
 * of sh, takes the caller's pid): sh, not our parse, interprets the words,
 * exactly as system() would have.  system()'s own signal handling (SIGINT and SIGQUIT ignored,
 * SIGCHLD blocked in the waiting parent) never happens, so clang gets the
 * caller's dispositions, as system()'s child would.  Returns if it did not
 * act; the wrapper then runs the real system().  errno kept.
 */
#ifndef SKCEXEC_SYSTEM_PATH_H
#define SKCEXEC_SYSTEM_PATH_H

void system_in_place(const char *cmd);

#endif
