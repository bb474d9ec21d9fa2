/* SPDX-License-Identifier: MIT */
/* handover_offer.c - the child's side of the fork handover (handover.h):
 * offer the exec of clang to the parent, and wait for its verdict.
 * Everything here runs between fork and exec, so it is async-signal-safe:
 * syscalls, stack buffers and pure functions only.
 */
#include "handover.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fdtable.h"
#include "resolve.h"
#include "policy.h"
#include "process.h"
#include "procfs.h"
#include "snapshot.h"

extern char **environ;

int handover_in_child;
static int g_fd = -1;           /* child: our end of the socket pair */
static ino_t g_ino;             /* ... and its inode, to know it is still ours */
static pid_t g_child_pid;       /* child: our own pid, set at fork */
static pid_t g_parent_pid;
static int *g_word;             /* the arbitration word (handover.h) */
static long g_verdict_ms;       /* how long to wait for the parent's verdict */
static struct snapshot g_parent_snap;

void handover_arm(int fd, pid_t parent, int *word, long wait_ms,
                  const struct snapshot *parent_snap)
{
    struct stat st;
    g_fd = fd;
    g_ino = fstat(fd, &st) == 0 ? st.st_ino : 0;
    g_child_pid = getpid();
    g_parent_pid = parent;
    g_word = word;
    g_verdict_ms = wait_ms + HANDOVER_MARGIN_MS;
    memcpy(&g_parent_snap, parent_snap, sizeof g_parent_snap);
    handover_in_child = 1;
}

/* Is g_fd still our socket?  The child may have closed it and reused the
 * number for a file of its own; then it must not be touched. */
static int ours(void)
{
    struct stat st;
    return g_fd >= 0 && fstat(g_fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
           st.st_ino == g_ino;
}

/* Is this process the child of a caller's fork, still holding its end?
 * (Not a grandchild made by _Fork or clone: it has another pid.) */
static int handover_child(void)
{
    return handover_in_child && g_fd >= 0 && getpid() == g_child_pid;
}

void handover_release(void)
{
    /* Only our own fork's child closes: in a grandchild (_Fork, clone) the
     * descriptor is a copy, left alone like everything else there. */
    if (handover_child() && ours())
        close(g_fd);
    if (getpid() == g_child_pid)
        g_fd = -1;
}

/* Wait until fd is ready for `events` or the word leaves OPEN, at most
 * until `deadline`; 1 when ready. */
static int ready(short events, long deadline)
{
    for (;;) {
        if (__atomic_load_n(g_word, __ATOMIC_ACQUIRE) != HANDOVER_OPEN)
            return 0;
        long left = deadline - clock_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = { g_fd, events, 0 };
        int r = poll(&p, 1, left < 20 ? (int)left : 20);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
    }
}

/* The offer must be sent by then: the parent is reading (or has given up,
 * and the word says so). */
static long g_send_deadline;

static int send_all(const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(g_fd, c, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
            ready(POLLOUT, g_send_deadline))
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The strings of v, each with its NUL, through a stack buffer. */
static int send_strings(char *const *v, size_t count)
{
    char buf[16384];
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        const char *s = v[i];
        size_t len = strlen(s) + 1;
        while (len > 0) {
            size_t k = len < sizeof buf - used ? len : sizeof buf - used;
            memcpy(buf + used, s, k);
            used += k;
            s += k;
            len -= k;
            if (used == sizeof buf) {
                if (send_all(buf, used) != 0)
                    return -1;
                used = 0;
            }
        }
    }
    return used > 0 ? send_all(buf, used) : 0;
}

static void count(char *const *v, uint32_t *n, uint64_t *bytes)
{
    *n = 0;
    *bytes = 0;
    for (; v != NULL && v[*n] != NULL; (*n)++)
        *bytes += strlen(v[*n]) + 1;
}

struct fdset {
    int fd[HANDOVER_FDS_MAX];
    uint32_t n;
};

/* fn for fdtable_each: the fds an exec would pass on (not CLOEXEC).  An fd
 * whose flags cannot be read stops the offer: left out, the parent would
 * exec clang without it (a lost stderr), so the child execs itself. */
static int collect_inherited(int fd, void *ctx)
{
    struct fdset *s = ctx;
    if (fd == g_fd)
        return 0;
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0)
        return errno == EBADF ? 0 : 1;  /* EBADF: gone, so not inherited */
    if (fl & FD_CLOEXEC)
        return 0;
    if (s->n == HANDOVER_FDS_MAX)
        return 1;               /* too many to send: no handover */
    s->fd[s->n++] = fd;
    return 0;
}

/* The header, with the cwd and the fds as SCM_RIGHTS; 0 on success. */
static int send_header(const struct handover_msg *m, const struct fdset *fds,
                       int cwd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * (HANDOVER_FDS_MAX + 1))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = { (void *)m, sizeof *m };
    struct msghdr mh = { 0 };
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.buf;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * (fds->n + 1));
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (fds->n + 1));
    memcpy(CMSG_DATA(c), &cwd, sizeof cwd);
    memcpy(CMSG_DATA(c) + sizeof cwd, fds->fd, sizeof(int) * fds->n);
    ssize_t w;
    do
        w = sendmsg(g_fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (w < 0 && errno == EINTR);
    if (w < 0)
        return -1;
    /* A stream socket may take part of the header: send the rest. */
    if ((size_t)w < sizeof *m)
        return send_all((const char *)m + w, sizeof *m - (size_t)w);
    return 0;
}

/* The signal state and umask the exec would keep. */
static void fill_state(struct handover_msg *m)
{
    sigprocmask(SIG_BLOCK, NULL, &m->sigmask);
    sigemptyset(&m->ignored);
    for (int s = 1; s < NSIG; s++) {
        struct sigaction a;
        if (sigaction(s, NULL, &a) == 0 && !(a.sa_flags & SA_SIGINFO) &&
            a.sa_handler == SIG_IGN)
            sigaddset(&m->ignored, s);
    }
    mode_t um = umask(0);
    umask(um);
    m->umask = um;
}

/* Send the offer; 0 on success. */
static int send_offer(const char *path, char *const argv[], char *const envp[],
                      const struct fdset *fds, int cwd)
{
    struct handover_msg m;
    memset(&m, 0, sizeof m);
    m.magic = HANDOVER_MAGIC;
    m.n_fds = fds->n;
    m.path_len = (uint32_t)strlen(path) + 1;
    count(argv, &m.argc, &m.argv_bytes);
    count(envp, &m.envc, &m.envp_bytes);
    if (m.argv_bytes + m.envp_bytes > HANDOVER_BYTES_MAX)
        return -1;
    fill_state(&m);
    if (send_header(&m, fds, cwd) != 0 ||
        send_all(fds->fd, sizeof(int) * fds->n) != 0 ||
        send_all(path, m.path_len) != 0 ||
        send_strings(argv, m.argc) != 0 || send_strings(envp, m.envc) != 0)
        return -1;
    return 0;
}

/* After PARENT_EXECS: has the parent's exec succeeded (or the parent gone)?
 * Its executable is no longer ours; the socket alone cannot say, as another
 * process may hold a copy of the parent's end. */
static int parent_replaced(void)
{
    if (getppid() != g_parent_pid)
        return 1;
    char link[40];
    struct stat mine, theirs;
    procfs_path(link, sizeof link, "/proc/", g_parent_pid, "/exe");
    if (stat("/proc/self/exe", &mine) != 0)
        return 0;               /* cannot tell: keep waiting on the socket */
    return stat(link, &theirs) != 0 || theirs.st_dev != mine.st_dev ||
           theirs.st_ino != mine.st_ino;
}

/* Wait for the parent's verdict on a sent offer: returns if the child must
 * exec clang itself; _exits if the parent is clang now. */
static void await_verdict(void)
{
    long deadline = clock_ms() + g_verdict_ms;
    int eof = 0;
    for (;;) {
        int w = __atomic_load_n(g_word, __ATOMIC_ACQUIRE);
        if (w == HANDOVER_CHILD_EXECS)
            return;
        if (w == HANDOVER_PARENT_EXECS) {
            if (eof || parent_replaced())
                _exit(0);
        } else if (eof || clock_ms() >= deadline) {
            /* No verdict in time, or the parent is gone without one. */
            if (handover_settle(g_word, HANDOVER_CHILD_EXECS))
                return;
            continue;           /* it settled first: read its verdict */
        }
        struct pollfd p = { g_fd, POLLIN, 0 };
        if (!eof && poll(&p, 1, 20) > 0) {
            char buf[16];
            ssize_t r = read(g_fd, buf, sizeof buf);
            eof = r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN);
        } else if (eof) {
            struct timespec t = { 0, 20L * 1000 * 1000 };
            nanosleep(&t, NULL);
        }
    }
}

/* Tell the parent why the child execs clang itself (for its
 * SKCEXEC_VERBOSE=2 line), then let it go. */
static void decline(uint32_t reason)
{
    struct handover_msg m;
    memset(&m, 0, sizeof m);
    m.magic = HANDOVER_DECLINE;
    m.argc = reason;
    g_send_deadline = clock_ms() + HANDOVER_MARGIN_MS;
    send_all(&m, sizeof m);
    handover_settle(g_word, HANDOVER_CHILD_EXECS);
    handover_release();
}

/* Is the child still what its parent was at the fork?  HANDOVER_SAME, or
 * the reason it is not. */
static uint32_t same_as_parent(void)
{
    struct snapshot mine;
    if (snapshot_take(&mine) != 0)
        return HANDOVER_UNREADABLE;
    int row = snapshot_diff(&mine, &g_parent_snap);
    if (row >= 0)
        return (uint32_t)row;
    if (snapshot_confined_apart(g_parent_pid))
        return HANDOVER_CONFINED;
    return HANDOVER_SAME;
}

/* Offer the exec of `path` (resolved) to the parent.  Returns if the
 * child must exec by itself; _exits if the parent became clang. */
static void offer_exec(const char *path, char *const argv[],
                       char *const envp[])
{
    int saved = errno;
    if (!handover_child() || !ours()) {
        handover_release();
        errno = saved;
        return;
    }
    const struct settings *s = process_settings();
    struct spawn_view v = spawn_view_of(path, argv);
    struct decision d;
    policy_decide(&v, &s->targets, &d);
    if (!d.act) {               /* not clang: no offer, the parent goes on */
        handover_settle(g_word, HANDOVER_CHILD_EXECS);
        handover_release();
        errno = saved;
        return;
    }
    /* The child is no longer what its parent is, or a descriptor cannot
     * be inspected: it execs clang itself. */
    struct fdset fds = { .n = 0 };
    uint32_t why = same_as_parent();
    if (why == HANDOVER_SAME && fdtable_each(collect_inherited, &fds) != 0)
        why = HANDOVER_UNREADABLE;
    if (why != HANDOVER_SAME) {
        decline(why);
        errno = saved;
        return;
    }
    g_send_deadline = clock_ms() + s->fork_wait_ms + HANDOVER_MARGIN_MS;
    int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int sent = cwd >= 0 && send_offer(path, argv, envp, &fds, cwd) == 0;
    if (cwd >= 0)
        close(cwd);
    if (sent)
        await_verdict();        /* _exits if the parent became clang */
    handover_settle(g_word, HANDOVER_CHILD_EXECS);
    handover_release();
    errno = saved;
}

/* In the child of a caller's fork: offer the exec to the parent.  Out of
 * line: a grandchild made by _Fork or clone (not handover_child()) passes
 * through handover_exec without this frame. */
static __attribute__((noinline)) void offer(const char *prog, int use_path,
                                            char *const argv[],
                                            char *const envp[])
{
    /* execvp and friends search the PATH of the calling process. */
    char path[PATH_MAX];
    if (prog != NULL && argv != NULL &&
        resolve_program(AT_FDCWD, prog, use_path, env_lookup(environ, "PATH"),
                        path, sizeof path) == 0)
        offer_exec(path, argv, envp);
}

void handover_exec(const char *prog, int use_path, char *const argv[],
                   char *const envp[])
{
    int saved = errno;
    if (handover_child())
        offer(prog, use_path, argv, envp);
    handover_release();
    errno = saved;
}
