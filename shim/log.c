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

static void format(struct log_msg *m, const char *fmt, va_list ap)
{
    size_t size = sizeof m->text;
    size_t n = (size_t)snprintf(m->text, size, "skcexec: pid %d: ",
                                (int)getpid());
    int k = vsnprintf(m->text + n, size - n - 1, fmt, ap);
    if (k < 0)
        k = 0;
    n += (size_t)k < size - n - 1 ? (size_t)k : size - n - 2;
    m->text[n++] = '\n';
    m->len = n;
}

void log_format(struct log_msg *m, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    format(m, fmt, ap);
    va_end(ap);
    errno = saved;
}

void log_write(const struct log_msg *m)
{
    int saved = errno;
    write_all(m->text, m->len);
    errno = saved;
}

void log_line(const char *fmt, ...)
{
    int saved = errno;
    struct log_msg m;
    va_list ap;
    va_start(ap, fmt);
    format(&m, fmt, ap);
    va_end(ap);
    write_all(m.text, m.len);
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
