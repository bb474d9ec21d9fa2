/* SPDX-License-Identifier: MIT */
/* procfs.h - small readers of this process's own /proc files.
 *
 * open, read and close into the caller's buffer: no malloc, no stdio, no
 * locks, so every one of them may also run between fork and exec.
 */
#ifndef SKCEXEC_PROCFS_H
#define SKCEXEC_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

/* The whole of a small file (at most size - 1 bytes), NUL-terminated; its
 * length, or -1 (unreadable, or longer than size - 1: then no prefix of it
 * could be trusted as the whole). */
ssize_t procfs_read(const char *path, char *buf, size_t size);

/* The value after "key:" (key without the colon) in /proc/self/status, as
 * a number; -1 when absent or unreadable. */
long procfs_status_number(const char *key);

/* head, then the decimal digits of n (n >= 0), then tail, into out (of
 * `size` bytes, NUL-terminated; cut short if it does not fit): a /proc
 * path without snprintf, which may take a lock.  Returns out. */
char *procfs_path(char *out, size_t size, const char *head, long n,
                  const char *tail);

/* Does process `pid` hold a POSIX record lock (/proc/locks)?  1, 0, or -1
 * when /proc/locks cannot be read (a kernel without file locking has
 * none: 0). */
int procfs_holds_posix_locks(pid_t pid);

/* Threads in this process, or -1. */
int procfs_threads(void);

/* Resident set in MiB, or -1.  (Uses strtoul: not for forked children.) */
long procfs_rss_mib(void);

/* Calls fn(line, ctx) for each line of a /proc file of any length (the
 * line NUL-terminated, without its '\n'; lines over ~1 KB are cut).  Stops
 * when fn returns non-zero and returns that; 0 after the last line; -1 when
 * the file cannot be read. */
int procfs_lines(const char *path, int (*fn)(const char *line, void *ctx),
                 void *ctx);

/* Calls fn(name, type, ctx) for each entry of directory `path` but "." and
 * "..", in the kernel's order (`type` is the dirent's d_type); `dir_fd` is
 * the descriptor the walk uses, which a walk of /proc/self/fd must skip.
 * Stops when fn returns non-zero and returns that; 0 after a full walk; -1
 * if the directory cannot be read. */
int procfs_dir_each(const char *path,
                    int (*fn)(const char *name, unsigned char type, int dir_fd,
                              void *ctx),
                    void *ctx);

#endif
