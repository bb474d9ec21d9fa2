/* SPDX-License-Identifier: MIT */
/* log.c - see log.h. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;             /* stderr closed or full: drop the message */
        p += w;
        n -= (size_t)w;
    }
}

void log_line(const char *fmt, ...)
{
    int saved = errno;
    char buf[1024];
    size_t n = (size_t)snprintf(buf, sizeof buf, "skcexec: pid %d: ",
                                (int)getpid());
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
    va_end(ap);
    if (k < 0)
        k = 0;
    n += (size_t)k < sizeof buf - n - 1 ? (size_t)k : sizeof buf - n - 2;
    buf[n++] = '\n';
    write_all(buf, n);
    errno = saved;
}

void log_lines(const char *lines)
{
    while (*lines != '\0') {
        const char *nl = strchr(lines, '\n');
        int len = nl ? (int)(nl - lines) : (int)strlen(lines);
        log_line("%.*s", len, lines);
        lines += len + (nl != NULL);
    }
}
