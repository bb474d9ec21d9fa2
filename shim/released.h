/* SPDX-License-Identifier: MIT */
/* released.h - may the exec let go of this descriptor early?
 *
 * A spawned clang leaves skc holding every descriptor it has until skc
 * exits after clang.  In place, the exec lets go at once of the caller's
 * close-on-exec descriptors and of those the file actions close or
 * replace.  That is invisible for some kinds: a regular file or directory
 * on a local or network file system with no lock through it, /dev/null and
 * its kin, a terminal, an eventfd, epoll, inotify, timerfd, signalfd or
 * pidfd.  It is visible for others: a flock or OFD lock or lease is freed,
 * a pipe's or socket's peer sees the end, a FUSE daemon is told, a device
 * driver runs its release.  Those may go only where clang keeps the same
 * pipe end, socket or terminal open, or where the pipe rule applies (a
 * capture pipe skc reads itself, replaced by skc's own stdout).  Everything
 * else keeps the call a spawn.  Reads only: fstat, fcntl, fstatfs,
 * readlink and /proc/self/fdinfo.
 */
#ifndef SKCEXEC_RELEASED_H
#define SKCEXEC_RELEASED_H

#include <sys/types.h>

/* What clang still holds: the identity of one surviving descriptor. */
struct held {
    dev_t dev;
    ino_t ino;
    dev_t rdev;
    int accmode;                /* O_RDONLY, O_WRONLY, O_RDWR */
};

/* A pipe the pipe rule keeps (dev, ino): its ends may go. */
struct claimed_pipe {
    dev_t dev;
    ino_t ino;
};

/* Fill *h for fd; 0, or -1 if it cannot be read. */
int released_identify(int fd, struct held *h);

/* NULL when letting go of `fd` early is invisible to other processes,
 * given what clang keeps (`kept`) and the pipes the pipe rule claims; else
 * why not (static text). */
const char *released_refusal(int fd, const struct held *kept, size_t n_kept,
                             const struct claimed_pipe *claimed,
                             size_t n_claimed);

#endif
