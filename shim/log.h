/* SPDX-License-Identifier: MIT */
/* log.h - one-line messages on stderr, prefixed "skcexec: pid N: ".
 *
 * Written with a single write(2) from a stack buffer: no stdio (the caller's
 * buffered output must stay exactly as it was), no allocation, errno kept.
 * Only ever called in processes the shim acts in.
 */
#ifndef SKCEXEC_LOG_H
#define SKCEXEC_LOG_H

#include <stddef.h>

void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A line formatted now, written later (log_write: one write, errno kept):
 * for a message that must go out at a precise moment. */
struct log_msg {
    char text[1024];
    size_t len;
};
void log_format(struct log_msg *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_write(const struct log_msg *m);

/* Print each '\n'-terminated line of `lines` with the prefix. */
void log_lines(const char *lines);

#endif
