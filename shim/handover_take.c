/* SPDX-License-Identifier: MIT */
/* handover_take.c - the parent's side of the fork handover (handover.h):
 * receive the child's exec, make it a plan (plan_from_offer), become clang.
 * Runs in the parent after fork returned there: malloc and stdio are fine.
 */
#include "handover.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "actions.h"
#include "become.h"
#include "clock.h"
#include "plan.h"
#include "policy.h"
#include "process.h"
#include "snapshot.h"

struct offer {
    struct handover_msg m;
    int fds[HANDOVER_FDS_MAX + 1];      /* received: cwd first, then the fds */
    int n_received;
    int *numbers;                       /* the child's numbers for fds[1..] */
    char *path, *argv_buf, *envp_buf;
    char **argv, **envp;
};

/* Wait for the child's first byte; 1 if there is something to read. */
static int wait_readable(int sock, long wait_ms)
{
    long deadline = clock_ms() + wait_ms;
    for (;;) {
        long left = deadline - clock_ms();
        struct pollfd p = { sock, POLLIN, 0 };
        int r = poll(&p, 1, left > 0 ? (int)left : 0);
        if (r > 0)
            return 1;
        if (r == 0 || errno != EINTR)
            return 0;
    }
}

/* The rest of the offer, by `deadline`: a child that stalls mid-offer
 * (stopped, say) cannot hold the parent's fork. */
static int read_all(int sock, void *buf, size_t n, long deadline)
{
    char *p = buf;
    while (n > 0) {
        long left = deadline - clock_ms();
        if (left <= 0 || !wait_readable(sock, left))
            return -1;
        ssize_t r = read(sock, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* NUL-separated strings -> a NULL-terminated array; -1 if malformed. */
static char **split(char *buf, uint64_t bytes, uint32_t n)
{
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    uint64_t off = 0;
    for (uint32_t i = 0; i < n; i++) {
        char *nul = off < bytes ? memchr(buf + off, '\0', bytes - off) : NULL;
        if (nul == NULL) {
            free(v);
            return NULL;
        }
        v[i] = buf + off;
        off = (uint64_t)(nul - buf) + 1;
    }
    return v;
}

/* The header, and the descriptors that come with it (cwd first). */
static int receive_header(int sock, struct offer *o, long deadline)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * (HANDOVER_FDS_MAX + 1))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { &o->m, sizeof o->m };
    struct msghdr mh = { 0 };
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctl.buf;
    mh.msg_controllen = sizeof ctl.buf;
    ssize_t r;
    do
        r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    while (r < 0 && errno == EINTR);
    if (r <= 0)
        return -1;              /* EOF: the child exec'd something else */
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        if (k > HANDOVER_FDS_MAX + 1 - (size_t)o->n_received)
            k = HANDOVER_FDS_MAX + 1 - (size_t)o->n_received;
        memcpy(o->fds + o->n_received, CMSG_DATA(c), k * sizeof(int));
        o->n_received += (int)k;
    }
    if ((size_t)r < sizeof o->m)
        return read_all(sock, (char *)&o->m + r, sizeof o->m - (size_t)r,
                        deadline);
    return 0;
}

static int receive(int sock, struct offer *o)
{
    long deadline = clock_ms() + HANDOVER_MARGIN_MS;
    if (receive_header(sock, o, deadline) != 0)
        return -1;
    const struct handover_msg *m = &o->m;
    if (m->magic != HANDOVER_MAGIC || m->n_fds > HANDOVER_FDS_MAX ||
        (int)m->n_fds + 1 != o->n_received || m->path_len == 0 ||
        m->path_len > 4096 || m->argc == 0 ||
        m->argv_bytes + m->envp_bytes > HANDOVER_BYTES_MAX)
        return -1;              /* a decline, or malformed */
    o->numbers = calloc(m->n_fds + 1, sizeof(int));
    o->path = malloc(m->path_len);
    o->argv_buf = malloc(m->argv_bytes + 1);
    o->envp_buf = malloc(m->envp_bytes + 1);
    if (!o->numbers || !o->path || !o->argv_buf || !o->envp_buf ||
        read_all(sock, o->numbers, sizeof(int) * m->n_fds, deadline) != 0 ||
        read_all(sock, o->path, m->path_len, deadline) != 0 ||
        read_all(sock, o->argv_buf, m->argv_bytes, deadline) != 0 ||
        read_all(sock, o->envp_buf, m->envp_bytes, deadline) != 0 ||
        o->path[m->path_len - 1] != '\0')
        return -1;
    o->argv = split(o->argv_buf, m->argv_bytes, m->argc);
    o->envp = split(o->envp_buf, m->envp_bytes, m->envc);
    return o->argv && o->envp ? 0 : -1;
}

static void release(struct offer *o)
{
    for (int i = 0; i < o->n_received; i++)
        close(o->fds[i]);
    free(o->numbers);
    free(o->path);
    free(o->argv_buf);
    free(o->envp_buf);
    free(o->argv);
    free(o->envp);
}

/* Move the received fds above every number the child uses, so replaying
 * "dup2(received, number)" in order never overwrites a received fd. */
static int lift(struct offer *o)
{
    int base = 3;
    for (uint32_t i = 0; i < o->m.n_fds; i++)
        if (o->numbers[i] >= base)
            base = o->numbers[i] + 1;
    for (int i = 0; i < o->n_received; i++)
        if ((o->fds[i] = plan_lift_fd(o->fds[i], base)) < 0)
            return -1;
    return 0;
}

/* Wake the child up: the verdict itself is in the shared word. */
static void wake(int sock)
{
    char c = 0;
    while (send(sock, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno == EINTR)
        ;
}

/* Why the child declined, for SKCEXEC_VERBOSE=2. */
static const char *declined(uint32_t reason)
{
    if (reason == HANDOVER_CONFINED)
        return "the child is confined apart from skc (Landlock, an LSM)";
    if (reason == HANDOVER_UNREADABLE)
        return "the child's state cannot be read";
    if (reason >= SNAPSHOT_ROWS)
        return "?";
    static char text[80];       /* the parent's only, while it decides */
    snprintf(text, sizeof text, "the child's %s: not skc's",
             snapshot_row_name((int)reason));
    return text;
}

/* How this way of starting clang is named in messages. */
static struct become_how fork_how(int *claim)
{
    struct become_how how = { "forks and execs", "the child runs clang",
                              claim };
    return how;
}

/* The offer received and decided: exec it in place, or say why not. */
static const char *act_on(struct offer *o, int sock, int *word)
{
    const struct settings *s = process_settings();
    struct spawn_view v = spawn_view_of(o->path, o->argv);
    struct decision d;
    policy_decide(&v, &s->targets, &d);
    if (!d.act)
        return d.why;
    if (lift(o) != 0)
        return "cannot move the child's fds";
    struct fa_list fa = { calloc(o->m.n_fds + 1, sizeof(struct fa_op)), 0 };
    if (fa.ops == NULL)
        return "out of memory";
    int own[HANDOVER_FDS_MAX + 2];
    size_t n_own = 0;
    for (int i = 0; i < o->n_received; i++)
        own[n_own++] = o->fds[i];
    own[n_own++] = sock;
    struct offered_exec x = {
        .path = o->path, .argv = o->argv, .envp = o->envp,
        .fds = o->fds + 1, .numbers = o->numbers, .n_fds = o->m.n_fds,
        .cwd = o->fds[0], .own = own, .n_own = n_own,
        .sigmask = o->m.sigmask, .ignored = o->m.ignored,
        .umask = (mode_t)o->m.umask,
    };
    struct exec_plan plan;
    const char *why = plan_from_offer(&plan, &d, &x, &fa);
    if (why == NULL) {
        struct become_how how = fork_how(word);
        why = become_clang(&plan, &how);
        plan_free(&plan);
    }
    free(fa.ops);
    return why;
}

void handover_take(int sock, int *word)
{
    const struct settings *s = process_settings();
    if (!wait_readable(sock, s->fork_wait_ms)) {
        /* The child is slow to exec: go on, and let it exec by itself. */
        handover_settle(word, HANDOVER_CHILD_EXECS);
        wake(sock);
        return;
    }
    int cancel;                 /* fork is no cancellation point */
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
    struct offer o;
    memset(&o, 0, sizeof o);
    const char *why = NULL;
    if (receive(sock, &o) == 0)
        why = act_on(&o, sock, word);
    else if (o.m.magic == HANDOVER_DECLINE)
        why = declined(o.m.argc);
    else if (o.n_received || o.m.magic)
        why = "malformed offer";
    if (why != NULL) {
        struct become_how how = fork_how(NULL);
        become_explain(&how, o.path ? o.path : "clang", why, NULL);
    }
    handover_settle(word, HANDOVER_CHILD_EXECS);
    wake(sock);                 /* harmless if the child is already gone */
    release(&o);
    pthread_setcancelstate(cancel, NULL);
}
