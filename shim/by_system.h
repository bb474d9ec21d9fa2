/* SPDX-License-Identifier: MIT */
/* by_system.h - clang started by system("clang++ ...") in a caller.
 *
 * When the command is one simple command (shell_cmd.h) whose program is
 * clang and exists, the caller becomes `/bin/sh -c cmd` in place: exactly
 * what system() would run, so sh, not our parse, interprets the words, sh
 * stays clang's parent and reports a clang killed by a signal as it would
 * ("Aborted", status 128+N), and the caller's pid ends with sh's status.
 * What system() itself would have done while sh ran (ignore SIGINT and
 * SIGQUIT, block SIGCHLD, hand the status back to the caller) is the
 * caller's: its pid now ends as sh ends.  Returns if it did not act; the
 * wrapper then runs the real system().  errno kept.
 */
#ifndef SKCEXEC_BY_SYSTEM_H
#define SKCEXEC_BY_SYSTEM_H

void system_in_place(const char *cmd);

#endif
