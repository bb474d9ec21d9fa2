/* SPDX-License-Identifier: MIT */
/* fault.c - fault injection for the test build of libskcexec (make faults).
 *
 * Linked in with -Wl,--wrap=NAME for every libc call the shim makes, so the
 * shim's sources stay as they are.  SKCEXEC_FAULT=POINT:N makes the N-th
 * call (1-based, counted per process) at POINT fail with a plausible errno;
 * SKCEXEC_FAULT_LOG=FILE gets one line "POINT N" when it fires, so a driver
 * can raise N until a run no longer reaches it.  Async-signal-safe (it runs
 * between fork and exec too): getenv, counters, open/write/close only.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define POINTS(X)                                                             \
    X(open) X(openat) X(read) X(getdents) X(fstat) X(fstatat) X(faccessat)    \
    X(fcntl) X(dup2) X(chdir) X(fchdir) X(socketpair) X(sendmsg) X(send)      \
    X(recvmsg) X(poll) X(readlink) X(execve) X(alloc) X(stat) X(mmap)        \
    X(getrlimit) X(sigpending) X(waitid) X(prctl) X(fstatfs) X(getitimer)   \
    X(sigaction)

enum {
#define ENUM(p) P_##p,
    POINTS(ENUM)
#undef ENUM
    P_COUNT
};
static const char *const names[] = {
#define NAME(p) #p,
    POINTS(NAME)
#undef NAME
};
/* Calls are counted per process, so the N-th call is the same one in every
 * run however parent and child interleave: the process the library was
 * loaded in counts in calls[]; a fork or vfork child counts afresh in
 * child_calls[] (a vfork child shares our memory, hence two arrays). */
static unsigned calls[P_COUNT];
static unsigned child_calls[P_COUNT];
static pid_t owner_pid, child_pid;

__attribute__((constructor)) static void fault_init(void)
{
    owner_pid = getpid();
}

int __real_open(const char *, int, ...);

static void note(const char *point, unsigned n)
{
    const char *log = getenv("SKCEXEC_FAULT_LOG");
    if (log == NULL)
        return;
    int fd = __real_open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    char line[64];
    size_t k = strlen(point);
    memcpy(line, point, k);
    line[k++] = ' ';
    char digits[12];
    int d = 0;
    do
        digits[d++] = (char)('0' + n % 10);
    while ((n /= 10) > 0);
    while (d > 0)
        line[k++] = digits[--d];
    line[k++] = '\n';
    if (write(fd, line, k) < 0)
        (void)0;
    close(fd);
}

extern int process_state;   /* process.c: 1 once decided a caller */

/* Should this call at `p` fail?  Only in callers (the programs they start
 * load the library too and must not share their faults), unless
 * SKCEXEC_FAULT_ANY is set (to reach the constructor, which runs first).
 * SKCEXEC_FAULT_IN=parent or =child limits faults to the caller itself or
 * to its fork/vfork children, so a fault in the child's handover is not
 * masked by one the parent took first. */
static int hit(int p, int err)
{
    if (process_state != 1 && getenv("SKCEXEC_FAULT_ANY") == NULL)
        return 0;
    pid_t pid = getpid();
    int in_child = owner_pid != 0 && pid != owner_pid;
    if (in_child && child_pid != pid) {
        memset(child_calls, 0, sizeof child_calls);
        child_pid = pid;
    }
    unsigned n = in_child ? ++child_calls[p] : ++calls[p];
    const char *in = getenv("SKCEXEC_FAULT_IN");
    if (in != NULL && strcmp(in, in_child ? "child" : "parent") != 0)
        return 0;
    const char *spec = getenv("SKCEXEC_FAULT");
    if (spec == NULL)
        return 0;
    size_t len = strlen(names[p]);
    if (strncmp(spec, names[p], len) != 0 || spec[len] != ':')
        return 0;
    if ((unsigned)atoi(spec + len + 1) != n)
        return 0;
    note(names[p], n);
    errno = err;
    return 1;
}

#define FAIL_IF(p, err, ret)                                                  \
    do {                                                                      \
        if (hit(P_##p, err))                                                  \
            return ret;                                                       \
    } while (0)

/* open's and openat's mode: an argument only with O_CREAT or O_TMPFILE.
 * FLAGS must be the function's last named parameter. */
#define OPEN_MODE(flags, mode)                                                \
    do {                                                                      \
        if ((flags) & (O_CREAT | O_TMPFILE)) {                                \
            va_list ap;                                                       \
            va_start(ap, flags);                                              \
            (mode) = va_arg(ap, mode_t);                                      \
            va_end(ap);                                                       \
        }                                                                     \
    } while (0)

int __wrap_open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    FAIL_IF(open, EMFILE, -1);
    return __real_open(path, flags, mode);
}

int __real_openat(int, const char *, int, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    FAIL_IF(openat, ENOENT, -1);
    return __real_openat(dirfd, path, flags, mode);
}

ssize_t __real_read(int, void *, size_t);
ssize_t __wrap_read(int fd, void *buf, size_t n)
{
    FAIL_IF(read, EIO, -1);
    return __real_read(fd, buf, n);
}

long __real_syscall(long, ...);
long __wrap_syscall(long nr, long a, long b, long c)
{
    if (nr == SYS_getdents64)
        FAIL_IF(getdents, EIO, -1);
    return __real_syscall(nr, a, b, c);
}

int __real_fstat(int, struct stat *);
int __wrap_fstat(int fd, struct stat *st)
{
    FAIL_IF(fstat, EIO, -1);
    return __real_fstat(fd, st);
}

int __real_fstatat(int, const char *, struct stat *, int);
int __wrap_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
    FAIL_IF(fstatat, EACCES, -1);
    return __real_fstatat(dirfd, path, st, flags);
}

int __real_faccessat(int, const char *, int, int);
int __wrap_faccessat(int dirfd, const char *path, int mode, int flags)
{
    FAIL_IF(faccessat, EACCES, -1);
    return __real_faccessat(dirfd, path, mode, flags);
}

int __real_fcntl(int, int, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
    /* Every fcntl command the shim uses takes an int or nothing; reading
     * one word when none was passed is harmless on the ABIs we build for. */
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    FAIL_IF(fcntl, EMFILE, -1);
    return __real_fcntl(fd, cmd, arg);
}

int __real_dup2(int, int);
int __wrap_dup2(int a, int b)
{
    FAIL_IF(dup2, EMFILE, -1);
    return __real_dup2(a, b);
}

int __real_chdir(const char *);
int __wrap_chdir(const char *path)
{
    FAIL_IF(chdir, EACCES, -1);
    return __real_chdir(path);
}

int __real_fchdir(int);
int __wrap_fchdir(int fd)
{
    FAIL_IF(fchdir, EACCES, -1);
    return __real_fchdir(fd);
}

int __real_socketpair(int, int, int, int *);
int __wrap_socketpair(int d, int t, int p, int *sv)
{
    FAIL_IF(socketpair, EMFILE, -1);
    return __real_socketpair(d, t, p, sv);
}

ssize_t __real_sendmsg(int, const struct msghdr *, int);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *m, int flags)
{
    FAIL_IF(sendmsg, ENOBUFS, -1);
    return __real_sendmsg(fd, m, flags);
}

ssize_t __real_send(int, const void *, size_t, int);
ssize_t __wrap_send(int fd, const void *b, size_t n, int flags)
{
    FAIL_IF(send, ENOBUFS, -1);
    return __real_send(fd, b, n, flags);
}

ssize_t __real_recvmsg(int, struct msghdr *, int);
ssize_t __wrap_recvmsg(int fd, struct msghdr *m, int flags)
{
    FAIL_IF(recvmsg, ENOBUFS, -1);
    return __real_recvmsg(fd, m, flags);
}

int __real_poll(struct pollfd *, nfds_t, int);
int __wrap_poll(struct pollfd *p, nfds_t n, int t)
{
    FAIL_IF(poll, ENOMEM, -1);
    return __real_poll(p, n, t);
}

ssize_t __real_readlink(const char *, char *, size_t);
ssize_t __wrap_readlink(const char *path, char *buf, size_t n)
{
    FAIL_IF(readlink, EACCES, -1);
    return __real_readlink(path, buf, n);
}

/* execve is reached through real.c's lookup: hand out a checker. */
extern _Atomic(void *) real_slot_execve;
static int (*next_execve)(const char *, char *const[], char *const[]);
static int fault_execve(const char *p, char *const a[], char *const e[])
{
    FAIL_IF(execve, E2BIG, -1);
    return next_execve(p, a, e);
}

void *__real_real_lookup(_Atomic(void *) *slot);
void *__wrap_real_lookup(_Atomic(void *) *slot)
{
    void *f = __real_real_lookup(slot);
    if (f != NULL && slot == &real_slot_execve) {
        next_execve = (int (*)(const char *, char *const[], char *const[]))f;
        return (void *)fault_execve;
    }
    return f;
}

int __real_stat(const char *, struct stat *);
int __wrap_stat(const char *path, struct stat *st)
{
    FAIL_IF(stat, EACCES, -1);
    return __real_stat(path, st);
}

void *__real_mmap(void *, size_t, int, int, int, off_t);
void *__wrap_mmap(void *a, size_t n, int prot, int flags, int fd, off_t off)
{
    FAIL_IF(mmap, ENOMEM, MAP_FAILED);
    return __real_mmap(a, n, prot, flags, fd, off);
}

int __real_getrlimit(int, struct rlimit *);
int __wrap_getrlimit(int r, struct rlimit *l)
{
    FAIL_IF(getrlimit, EPERM, -1);
    return __real_getrlimit(r, l);
}

int __real_sigpending(sigset_t *);
int __wrap_sigpending(sigset_t *set)
{
    FAIL_IF(sigpending, EFAULT, -1);
    return __real_sigpending(set);
}

int __real_waitid(idtype_t, id_t, siginfo_t *, int);
int __wrap_waitid(idtype_t t, id_t id, siginfo_t *si, int options)
{
    FAIL_IF(waitid, EINTR, -1);
    return __real_waitid(t, id, si, options);
}

int __real_prctl(int, ...);
int __wrap_prctl(int option, unsigned long a2, unsigned long a3,
                 unsigned long a4, unsigned long a5)
{
    FAIL_IF(prctl, EINVAL, -1);
    return __real_prctl(option, a2, a3, a4, a5);
}

int __real_fstatfs(int, struct statfs *);
int __wrap_fstatfs(int fd, struct statfs *buf)
{
    FAIL_IF(fstatfs, EIO, -1);
    return __real_fstatfs(fd, buf);
}

int __real_getitimer(int, struct itimerval *);
int __wrap_getitimer(int which, struct itimerval *t)
{
    FAIL_IF(getitimer, EFAULT, -1);
    return __real_getitimer(which, t);
}

int __real_sigaction(int, const struct sigaction *, struct sigaction *);
int __wrap_sigaction(int s, const struct sigaction *a, struct sigaction *old)
{
    FAIL_IF(sigaction, EINVAL, -1);
    return __real_sigaction(s, a, old);
}

void *__real_malloc(size_t);
void *__wrap_malloc(size_t n)
{
    FAIL_IF(alloc, ENOMEM, NULL);
    return __real_malloc(n);
}

void *__real_calloc(size_t, size_t);
void *__wrap_calloc(size_t k, size_t n)
{
    FAIL_IF(alloc, ENOMEM, NULL);
    return __real_calloc(k, n);
}

void *__real_realloc(void *, size_t);
void *__wrap_realloc(void *p, size_t n)
{
    FAIL_IF(alloc, ENOMEM, NULL);
    return __real_realloc(p, n);
}

char *__real_strdup(const char *);
char *__wrap_strdup(const char *s)
{
    FAIL_IF(alloc, ENOMEM, NULL);
    return __real_strdup(s);
}
