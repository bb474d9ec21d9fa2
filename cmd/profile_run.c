/* profile_run.c - running CMD for skcexec-profile: fork it, put it in its
 * memory cgroup before it execs, reap it and every orphan of its tree (we
 * are their subreaper), and pass on to it the signals we are sent.  While
 * waiting for the next sample, all signals of interest are taken with
 * sigtimedwait: no handler runs in the middle of a sample. */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_sigchld(int sig)
{
    (void)sig; /* only there so that SIGCHLD is never discarded */
}

static void block_signals(struct child *c)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&c->waited);
    sigaddset(&c->waited, SIGCHLD);
    sigaddset(&c->waited, SIGINT);
    sigaddset(&c->waited, SIGTERM);
    sigaddset(&c->waited, SIGHUP);
    sigprocmask(SIG_BLOCK, &c->waited, &c->saved_mask);
}

void run_prepare(struct child *c)
{
    memset(c, 0, sizeof *c);
    c->status = -1;
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        fprintf(stderr, PROG ": PR_SET_CHILD_SUBREAPER: %s (orphans are not counted)\n",
                strerror(errno));
    block_signals(c);
}

/* In the child: wait for the go (the parent has put us in the cgroup),
 * then exec CMD.  Errors are reported like a shell: 127 not found, 126
 * found but not runnable. */
static void run_child(const struct child *c, char **cmd, int go_fd, int err_fd)
{
    sigprocmask(SIG_SETMASK, &c->saved_mask, NULL);
    signal(SIGCHLD, SIG_DFL);
    char ch;
    if (read(go_fd, &ch, 1) != 1)
        _exit(EXIT_INTERNAL); /* the parent gave up */
    execvp(cmd[0], cmd);
    int err = errno;
    if (write(err_fd, &err, sizeof err) < 0) {
        /* nothing better to do: the status still says it */
    }
    fprintf(stderr, PROG ": %s: %s\n", cmd[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
}

/* With --limit, failing to enter the group is fatal (status 2): running
 * CMD without the limit asked for would be a silent lie. */
int run_start(struct child *c, const struct options *opt, struct cgroup *cg,
              char *cg_why, size_t why_size)
{
    int go[2], ex[2];
    if (pipe2(go, O_CLOEXEC) != 0 || pipe2(ex, O_CLOEXEC) != 0) {
        fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
        exit(EXIT_INTERNAL);
    }
    c->t0_ms = now_ms();
    c->pid = fork();
    if (c->pid < 0) {
        fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
        exit(EXIT_INTERNAL);
    }
    if (c->pid == 0) {
        close(go[1]);
        close(ex[0]);
        run_child(c, opt->cmd, go[0], ex[1]);
    }
    close(go[0]);
    close(ex[1]);
    if (cg->version && cg_add(cg, c->pid) != 0) {
        snprintf(cg_why, why_size, "%s", cg->why);
        cg_remove(cg);
        if (opt->limit_mib) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, NULL, 0);
            fprintf(stderr, PROG ": --limit: cannot move the command into its "
                    "cgroup: %s\n", cg_why);
            exit(EXIT_USAGE);
        }
    }
    if (write(go[1], "g", 1) != 1) {
        fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
        exit(EXIT_INTERNAL);
    }
    close(go[1]);
    /* EOF once exec succeeded (close-on-exec); an errno if it failed.
     * Sampling starts only after the exec, so that our own forked copy
     * is never mistaken for a process of CMD's. */
    int err;
    ssize_t n;
    while ((n = read(ex[0], &err, sizeof err)) < 0 && errno == EINTR)
        ;
    close(ex[0]);
    return n != (ssize_t)sizeof err;
}

int run_reap(struct child *c)
{
    pid_t p;
    int st;
    while ((p = waitpid(-1, &st, WNOHANG)) > 0)
        if (p == c->pid)
            c->status = st;
    return !(p < 0 && errno == ECHILD);
}

/* A signal sent to us by another process goes on to CMD (or, once CMD is
 * gone, to what is left of its tree).  One from the terminal (SI_KERNEL)
 * already reached CMD, which is in our process group. */
static void forward(const struct child *c, const struct tree *tree, int sig,
                    const siginfo_t *info)
{
    if (info->si_code == SI_KERNEL)
        return;
    if (c->status < 0) {
        kill(c->pid, sig);
        return;
    }
    tree_kill(tree, sig);
}

void run_wait_until(const struct child *c, const struct tree *tree, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return;
        struct timespec ts = {left / 1000, (left % 1000) * 1000000L};
        siginfo_t info;
        int sig = sigtimedwait(&c->waited, &info, &ts);
        if (sig == SIGCHLD)
            return;
        if (sig > 0)
            forward(c, tree, sig, &info);
        else if (errno == EAGAIN)
            return;
    }
}

int run_exit_status(const struct child *c)
{
    int st = c->status;
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st)
                                                          : EXIT_INTERNAL;
}
