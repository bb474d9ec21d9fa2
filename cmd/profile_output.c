/* SPDX-License-Identifier: MIT */
/* profile_output.c - the files of --output, --csv and --chart, written so
 * that a path cannot be turned against us.
 *
 * The profiler often runs as root with these files in /tmp, where anyone
 * may plant a symbolic link (or a hard link) under the name we are about
 * to write: opening the name with O_TRUNC would truncate and overwrite
 * whatever it leads to.  So a file is never opened by its name:
 *   - nothing there, or a regular file: a new file is made next to it
 *     (mkstemp, O_EXCL: never an existing one) and, once complete, renamed
 *     over the name, which replaces the name itself, never what a link
 *     there points to;
 *   - a pipe or a character device (/dev/null, a terminal) is written in
 *     place: there is nothing to truncate;
 *   - a symbolic link only when it leads to a pipe (/dev/fd/N of a shell's
 *     process substitution, /dev/stderr on a pipe); any other link, and
 *     anything else, is refused.
 * The new file has the mode a plain creat() would give (0666 less the
 * umask); until it is renamed it is a dot file in the same directory,
 * which needs to be writable. */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary files not yet renamed, for out_drop_temps (which may run
 * in a signal handler: fixed arrays, no allocation). */
#define MAX_TEMPS 4
static char temps[MAX_TEMPS][PATH_MAX];

static void keep_temp(const char *tmp)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (!temps[i][0]) {
            snprintf(temps[i], sizeof temps[i], "%s", tmp);
            return;
        }
}

static void forget_temp(const char *tmp)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (!strcmp(temps[i], tmp))
            temps[i][0] = '\0';
}

void out_drop_temps(void)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temps[i][0]) {
            unlink(temps[i]);
            temps[i][0] = '\0';
        }
}

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return -1;
}

/* A pipe or device that is there already: opened without O_CREAT or
 * O_TRUNC, and not blocking on a pipe nobody reads (that is an error,
 * not a hang).  LINK: PATH is a symbolic link, which may only lead to a
 * pipe. */
static int open_in_place(struct output *o, const struct stat *seen, int link,
                         char *why, size_t size)
{
    struct stat st;
    if (link && (stat(o->path, &st) != 0 || !S_ISFIFO(st.st_mode)))
        return fail(why, size, "is a symbolic link (only one to a pipe is followed)");
    if (!link && !S_ISFIFO(seen->st_mode) && !S_ISCHR(seen->st_mode))
        return fail(why, size, "not a regular file, a pipe or a device");
    int fd = open(o->path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
                  (link ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return fail(why, size, "%s", errno == ENXIO ? "no process reads this pipe"
                                                    : strerror(errno));
    /* What we opened must be what we looked at (it may have been swapped
     * since). */
    const struct stat *want = link ? &st : seen;
    if (fstat(fd, &st) != 0 || st.st_dev != want->st_dev || st.st_ino != want->st_ino ||
        (link && !S_ISFIFO(st.st_mode))) {
        close(fd);
        return fail(why, size, "changed while it was opened");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    o->fd = fd;
    return 0;
}

static int open_new(struct output *o, char *why, size_t size)
{
    const char *slash = strrchr(o->path, '/');
    const char *base = slash ? slash + 1 : o->path;
    int dirlen = slash ? (int)(slash - o->path + 1) : 0;
    if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
        return fail(why, size, "%s", strerror(EISDIR));
    if (snprintf(o->tmp, sizeof o->tmp, "%.*s.%s.XXXXXX", dirlen, o->path, base) >=
        (int)sizeof o->tmp)
        return fail(why, size, "%s", strerror(ENAMETOOLONG));
    int fd = mkostemp(o->tmp, O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        o->tmp[0] = '\0';
        return fail(why, size, "%s", strerror(err));
    }
    keep_temp(o->tmp);
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    o->fd = fd;
    return 0;
}

int out_open(struct output *o, const char *path, char *why, size_t size)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (snprintf(o->path, sizeof o->path, "%s", path) >= (int)sizeof o->path)
        return fail(why, size, "%s", strerror(ENAMETOOLONG));
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            return open_in_place(o, &st, S_ISLNK(st.st_mode), why, size);
    } else if (errno != ENOENT) {
        return fail(why, size, "%s", strerror(errno));
    }
    return open_new(o, why, size);
}

FILE *out_stream(struct output *o)
{
    if (!o->f && o->fd >= 0)
        o->f = fdopen(o->fd, "w");
    return o->f;
}

int out_write(struct output *o, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(o->fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int out_commit(struct output *o)
{
    int rc = 0, err = 0;
    if (o->f ? fclose(o->f) != 0 : o->fd >= 0 && close(o->fd) != 0) {
        rc = -1;
        err = errno;
    }
    o->f = NULL;
    o->fd = -1;
    if (o->tmp[0]) {
        if (rc == 0 && rename(o->tmp, o->path) != 0) {
            rc = -1;
            err = errno;
        }
        if (rc != 0)
            unlink(o->tmp);
        forget_temp(o->tmp);
        o->tmp[0] = '\0';
    }
    errno = err;
    return rc;
}

void out_drop(struct output *o)
{
    if (o->f)
        fclose(o->f);
    else if (o->fd >= 0)
        close(o->fd);
    o->f = NULL;
    o->fd = -1;
    if (o->tmp[0]) {
        unlink(o->tmp);
        forget_temp(o->tmp);
        o->tmp[0] = '\0';
    }
}
