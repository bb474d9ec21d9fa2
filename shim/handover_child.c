/* handover_child.c - the fork wrapper and the child's side of the handover
 * (see handover.h).  Everything from fork's return in the child on is
 * async-signal-safe: syscalls, stack buffers and pure functions only.
 */
#include "handover.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions.h"
#include "fdtable.h"
#include "policy.h"
#include "process.h"

int handover_in_child;
static int g_fd = -1;           /* child: our end of the socket pair */
static ino_t g_ino;             /* ... and its inode, to know it is still ours */
static pid_t g_parent_pgid, g_parent_sid;

pid_t handover_fork(fork_fn real_fork)
{
    int saved = errno;
    /* A forked child forking again is doing more than fork+exec. */
    handover_release();
    int sv[2];
    struct stat st;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        errno = saved;
        return real_fork();     /* fail open: a plain fork */
    }
    if (fstat(sv[1], &st) != 0)
        st.st_ino = 0;
    pid_t pgid = getpgrp(), sid = getsid(0);
    errno = saved;
    actions_fork_prepare();
    pid_t pid = real_fork();
    actions_fork_done();
    if (pid == 0) {
        close(sv[0]);
        g_fd = sv[1];
        g_ino = st.st_ino;
        g_parent_pgid = pgid;
        g_parent_sid = sid;
        handover_in_child = 1;
        errno = saved;
        return 0;
    }
    int fork_errno = errno;
    close(sv[1]);
    if (pid > 0)
        handover_wait(sv[0]);   /* returns unless this process became clang */
    close(sv[0]);
    errno = pid < 0 ? fork_errno : saved;
    return pid;
}

/* Is g_fd still our socket?  The child may have closed it and reused the
 * number for a file of its own; then it must not be touched. */
static int ours(void)
{
    struct stat st;
    return g_fd >= 0 && fstat(g_fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
           st.st_ino == g_ino;
}

void handover_release(void)
{
    if (ours())
        close(g_fd);
    g_fd = -1;
}

static int send_all(const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(g_fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
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
    sigprocmask(SIG_BLOCK, NULL, &m.sigmask);
    sigemptyset(&m.ignored);
    for (int s = 1; s < NSIG; s++) {
        struct sigaction a;
        if (sigaction(s, NULL, &a) == 0 && a.sa_handler == SIG_IGN)
            sigaddset(&m.ignored, s);
    }
    mode_t um = umask(0);
    umask(um);
    m.umask = um;

    /* The header carries the cwd and the fds as SCM_RIGHTS. */
    union {
        char buf[CMSG_SPACE(sizeof(int) * (HANDOVER_FDS_MAX + 1))];
        struct cmsghdr align;
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = { &m, sizeof m };
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
        w = sendmsg(g_fd, &mh, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w < 0)
        return -1;
    /* A stream socket may take part of the header: send the rest. */
    if ((size_t)w < sizeof m && send_all((char *)&m + w, sizeof m - (size_t)w))
        return -1;
    if (send_all(fds->fd, sizeof(int) * fds->n) != 0 ||
        send_all(path, m.path_len) != 0 ||
        send_strings(argv, m.argc) != 0 || send_strings(envp, m.envc) != 0)
        return -1;
    return 0;
}

static ssize_t read_byte(char *c)
{
    ssize_t r;
    do
        r = read(g_fd, c, 1);
    while (r < 0 && errno == EINTR);
    return r;
}

void handover_offer(const char *path, char *const argv[], char *const envp[])
{
    int saved = errno;
    if (!ours()) {
        g_fd = -1;
        return;
    }
    const struct settings *s = process_settings();
    struct spawn_view v = { path, argv, 0, 0, 0, 1 };
    struct decision d;
    policy_decide(&v, &s->targets, &d);
    struct fdset fds = { .n = 0 };
    /* Not clang, or the child changed what the parent cannot copy: its
     * process group or session. */
    if (!d.act || getpgrp() != g_parent_pgid || getsid(0) != g_parent_sid ||
        fdtable_each(collect_inherited, &fds) != 0) {
        handover_release();
        errno = saved;
        return;
    }
    int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    int sent = cwd >= 0 && send_offer(path, argv, envp, &fds, cwd) == 0;
    if (cwd >= 0)
        close(cwd);
    char c = 0;
    if (sent && read_byte(&c) == 1 && c == 'X') {
        /* The parent is exec'ing.  'G': it failed and undid everything,
         * we exec ourselves; EOF: the parent is clang now. */
        if (read_byte(&c) <= 0)
            _exit(0);
    }
    handover_release();
    errno = saved;
}
