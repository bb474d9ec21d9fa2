/* SPDX-License-Identifier: MIT */
/* resolve.c - see resolve.h. */
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usable(int dirfd, const char *path)
{
    struct stat st;
    if (fstatat(dirfd, path, &st, 0) != 0)
        return errno;
    if (!S_ISREG(st.st_mode))
        return EACCES;
    if (faccessat(dirfd, path, X_OK, AT_EACCESS) != 0)
        return errno;
    return 0;
}

int resolve_program(int dirfd, const char *name, int use_path,
                    const char *search, char *out, size_t outsz)
{
    size_t nlen = strlen(name);
    if (nlen == 0)
        return ENOENT;
    if (!use_path || strchr(name, '/') != NULL) {
        if (nlen >= outsz)
            return ENAMETOOLONG;
        memcpy(out, name, nlen + 1);
        return usable(dirfd, out);
    }
    if (search == NULL)
        search = "/bin:/usr/bin";
    for (const char *p = search;; p++) {
        const char *end = strchrnul(p, ':');
        size_t dlen = (size_t)(end - p);
        if (dlen + 1 + nlen < outsz) {
            /* An empty element means the current directory: "./name". */
            if (dlen == 0) {
                out[0] = '.';
                out[1] = '/';
                dlen = 2;
            } else {
                memcpy(out, p, dlen);
                out[dlen++] = '/';
            }
            memcpy(out + dlen, name, nlen + 1);
            int e = usable(dirfd, out);
            if (e == 0)
                return 0;
            /* Nothing there: execvp goes on to the next directory too.
             * Anything else (a file we may not run, ELOOP, ...): execvp
             * might go on or stop, and its own execve might even succeed
             * where our check failed, so we do not guess: the caller stays
             * a spawn and libc decides. */
            if (e != ENOENT && e != ENOTDIR && e != ESTALE && e != ENODEV &&
                e != ETIMEDOUT)
                return e;
        }
        if (*end == '\0')
            return ENOENT;
        p = end;
    }
}

const char *env_lookup(char *const *envp, const char *name)
{
    size_t n = strlen(name);
    if (envp == NULL)
        return NULL;
    for (size_t i = 0; envp[i] != NULL; i++)
        if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
            return envp[i] + n + 1;
    return NULL;
}
