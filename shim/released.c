/* SPDX-License-Identifier: MIT */
/* released.c - see released.h. */
#include "released.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "procfs.h"

int released_identify(int fd, struct held *h)
{
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fstat(fd, &st) != 0)
        return -1;
    h->dev = st.st_dev;
    h->ino = st.st_ino;
    h->rdev = S_ISCHR(st.st_mode) ? st.st_rdev : 0;
    h->accmode = fl & O_ACCMODE;
    return 0;
}

/* File systems on which closing a file tells nobody: local disks, memory,
 * overlay, NFS (close only flushes, and the data is the same), proc,
 * sysfs, cgroup.  FUSE is not among them: its daemon sees each release. */
static int quiet_fs(long type)
{
    static const unsigned long quiet[] = {
        0xEF53,         /* ext2/3/4 */
        0x58465342,     /* xfs */
        0x9123683E,     /* btrfs */
        0xF2F52010,     /* f2fs */
        0x2FC12FC1,     /* zfs */
        0x01021994,     /* tmpfs */
        0x858458F6,     /* ramfs */
        0x958458F6,     /* hugetlbfs */
        0x794C7630,     /* overlayfs */
        0x73717368,     /* squashfs */
        0x9660,         /* iso9660 */
        0x6969,         /* nfs */
        0x01021997,     /* 9p */
        0x9FA0,         /* proc */
        0x62656572,     /* sysfs */
        0x27E0EB,       /* cgroup */
        0x63677270,     /* cgroup2 */
        0x4D44,         /* vfat */
        0x50494446,     /* pidfs: a pidfd */
        0x2011BAB0,     /* exfat */
    };
    for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++)
        if ((unsigned long)type == quiet[i])
            return 1;
    return 0;
}

static int lock_line(const char *line, void *ctx)
{
    (void)ctx;
    return strncmp(line, "lock:", 5) == 0;
}

/* fdinfo lists the flock, OFD and POSIX locks and the leases held through
 * this open file: 1 if any, 0 if none, -1 if it cannot be read. */
static int holds_lock(int fd)
{
    char path[48];
    procfs_path(path, sizeof path, "/proc/self/fdinfo/", fd, "");
    return procfs_lines(path, lock_line, NULL);
}

/* The anonymous inodes whose closing nobody else can notice. */
static int quiet_anon(int fd)
{
    static const char quiet[][24] = {
        "anon_inode:[eventfd]", "anon_inode:[eventpoll]", "anon_inode:inotify",
        "anon_inode:[timerfd]", "anon_inode:[signalfd]", "anon_inode:[pidfd]",
    };
    char path[48], target[64];
    procfs_path(path, sizeof path, "/proc/self/fd/", fd, "");
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0)
        return 0;
    target[n] = '\0';
    if (strncmp(target, "pidfd:", 6) == 0)
        return 1;               /* pidfs, Linux 6.9 and later */
    for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++)
        if (strcmp(target, quiet[i]) == 0)
            return 1;
    return 0;
}

/* Character devices that do nothing on close: the memory devices (null,
 * zero, full, random, urandom) and terminals other than a pty's master. */
static int quiet_device(dev_t rdev)
{
    unsigned maj = major(rdev), min = minor(rdev);
    return maj == 1 || maj == 4 || (maj == 5 && min == 0) ||
           (maj >= 136 && maj <= 143);
}

const char *released_refusal(int fd, const struct held *kept, size_t n_kept,
                             const struct claimed_pipe *claimed,
                             size_t n_claimed)
{
    struct stat st;
    int saved = errno;
    const char *why = NULL;
    if (fstat(fd, &st) != 0) {
        errno = saved;
        return "a descriptor cannot be inspected";
    }
    int fl = fcntl(fd, F_GETFL);
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        for (size_t i = 0; i < n_claimed; i++)
            if (S_ISFIFO(st.st_mode) && claimed[i].dev == st.st_dev &&
                claimed[i].ino == st.st_ino)
                goto out;
        /* The end stays open if clang keeps the same pipe end (a pipe
         * counts its readers and writers) or the same socket. */
        for (size_t i = 0; i < n_kept; i++)
            if (kept[i].dev == st.st_dev && kept[i].ino == st.st_ino &&
                (S_ISSOCK(st.st_mode) || kept[i].accmode == (fl & O_ACCMODE)))
                goto out;
        why = S_ISFIFO(st.st_mode)
                  ? "a pipe end would close early: its peer would see it"
                  : "a socket would close early: its peer would see it";
    } else if (S_ISCHR(st.st_mode)) {
        if (!quiet_device(st.st_rdev))
            why = "a device would be closed early";
    } else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
        struct statfs fs;
        int lock = holds_lock(fd);
        if (lock != 0)
            why = lock > 0 ? "a lock or lease would be released early"
                           : "a descriptor's locks cannot be read";
        else if ((fl & O_PATH) == 0 &&
                 (fstatfs(fd, &fs) != 0 || !quiet_fs((long)fs.f_type)))
            why = "a file on a file system that sees each close (FUSE, ...)";
    } else if (!quiet_anon(fd)) {
        why = "a descriptor of a kind whose closing others may see";
    }
out:
    errno = saved;
    return why;
}
