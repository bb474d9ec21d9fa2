/* SPDX-License-Identifier: MIT */
/* shell_cmd.h - is a system() command line one simple command?
 *
 * Pure: splits `[NAME=value]... word...` with '...' and "..." quoting into
 * its words, and refuses anything the shell would expand, redirect, chain
 * or interpret (; & | < > ( ) $ ` \ * ? [ ] { } ~ # ! and newlines), so the
 * words are exactly those sh would pass to the program.
 */
#ifndef SKCEXEC_SHELL_CMD_H
#define SKCEXEC_SHELL_CMD_H

#include <stddef.h>

struct shell_cmd {
    char **words;               /* unquoted words, NULL-terminated */
    size_t n_words;
    size_t cmd;                 /* index of the program word (after NAME=) */
    size_t cmd_offset;          /* where that word starts in the command */
};

/* `buf` (at least strlen(cmd) + 1 bytes) receives the words; `words` has
 * room for max_words + 1 pointers.  Returns 0, or -1 if cmd is not one simple
 * command with at most max_words words. */
int shell_cmd_parse(const char *cmd, char *buf, char **words, size_t max_words,
                    struct shell_cmd *out);

#endif
