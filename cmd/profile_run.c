/* SPDX-License-Identifier: MIT */
/* profile_run.c - running CMD for skcexec-profile: fork it, put it in its
 * memory cgroup before it execs, reap it and every orphan of its tree (we
 * are their subreaper), and end the run when a signal asks for it.  While
 * waiting for the next sample, the signals are taken with sigtimedwait
 * (profile_signal.c blocks them): no handler runs in the middle of a
 * sample.
 *
 * Ending the run: the first signal goes on to CMD, unless it came from
 * the terminal, which sent it to CMD's process group already.  Once CMD
 * is gone, what is left of its tree (a `&` job that ignores SIGINT, a
 * setsid daemon that the terminal does not reach) gets SIGTERM; whatever
 * is still there STOP_GRACE_MS after the signal, or at a second one, CMD
 * included, gets SIGKILL.  Only then is the report written and the group
 * removed. */
#include "profile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define STOP_GRACE_MS 3000
#define KILL_POLL_MS 50     /* how often SIGKILL is sent again meanwhile */

void run_prepare(struct child *c, void (*cleanup)(void))
{
    memset(c, 0, sizeof *c);
    c->status = -1;
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        fprintf(stderr, PROG ": PR_SET_CHILD_SUBREAPER: %s (orphans are not counted)\n",
                strerror(errno));
    sig_setup(&c->waited, cleanup);
    c->self = proc_self();
}

/* In the child (async-signal-safe only): wait for the go (the parent has
 * put us in the cgroup), then exec CMD; on failure the errno goes to the
 * parent, which says it. */
static void run_child(char **cmd, int go_fd, int err_fd)
{
    sig_child_as_inherited();
    char ch;
    if (read(go_fd, &ch, 1) != 1)
        _exit(EXIT_INTERNAL); /* the parent gave up */
    execvp(cmd[0], cmd);
    int err = errno;
    if (write(err_fd, &err, sizeof err) < 0) {
        /* nothing better to do: the status still says it */
    }
    /* Like a shell: 127 not found, 126 found but not runnable. */
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
    fflush(NULL); /* nothing buffered is written twice */
    c->t0_ms = now_ms();
    c->pid = fork();
    if (c->pid < 0) {
        fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
        exit(EXIT_INTERNAL);
    }
    if (c->pid == 0) {
        close(go[1]);
        close(ex[0]);
        run_child(opt->cmd, go[0], ex[1]);
    }
    close(go[0]);
    close(ex[1]);
    c->cg = cg;
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
    if (n == (ssize_t)sizeof err) {
        fprintf(stderr, PROG ": %s: %s\n", opt->cmd[0], strerror(err));
        return 0;
    }
    return 1;
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

/* A signal that asks the run to end: the first goes on to CMD while it
 * runs (c->pid is our child, not reaped: its number cannot be another
 * process's), unless the terminal sent it to our process group and CMD
 * is still in it; the next one brings the SIGKILL forward. */
static void stop_request(struct child *c, int sig, const siginfo_t *info)
{
    if (c->stop_sig) {
        c->kill_at = now_ms();
        return;
    }
    c->stop_sig = sig;
    c->kill_at = now_ms() + STOP_GRACE_MS;
    if (c->status < 0 && (info->si_code != SI_KERNEL || getpgid(c->pid) != getpgrp()))
        kill(c->pid, sig);
}

void run_stop(struct child *c)
{
    if (!c->stop_sig)
        return;
    if (now_ms() >= c->kill_at) {
        if (c->status < 0)
            kill(c->pid, SIGKILL);
        tree_signal(c->cg, c->self, SIGKILL);
    } else if (c->status >= 0 && !c->told) {
        c->told = 1;
        tree_signal(c->cg, c->self, SIGTERM);
    }
}

/* The time to wake up at: DEADLINE, or sooner while the run is ending. */
static long long wake_at(const struct child *c, long long deadline)
{
    if (!c->stop_sig)
        return deadline;
    long long now = now_ms();
    long long k = c->kill_at > now ? c->kill_at : now + KILL_POLL_MS;
    return k < deadline ? k : deadline;
}

void run_wait_until(struct child *c, long long deadline)
{
    deadline = wake_at(c, deadline);
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return;
        struct timespec ts = {left / 1000, (left % 1000) * 1000000L};
        siginfo_t info;
        int sig = sigtimedwait(&c->waited, &info, &ts);
        if (sig > 0 && sig_ends_run(sig))
            stop_request(c, sig, &info);
        if (sig > 0 || errno == EAGAIN)
            return;
    }
}

int run_wait_helper(struct child *c, pid_t pid)
{
    int stopping = 0;
    long long kill_at = 0;
    for (;;) {
        int st;
        pid_t p = waitpid(pid, &st, WNOHANG);
        if (p == pid)
            return stopping ? -1 : st;
        if (p < 0 && errno != EINTR)
            return -1;
        long long now = now_ms();
        if (stopping && now >= kill_at)
            kill(pid, SIGKILL); /* not reaped yet: still our child's pid */
        long long left = stopping ? (kill_at > now ? kill_at - now : KILL_POLL_MS) : 1000;
        struct timespec ts = {left / 1000, (left % 1000) * 1000000L};
        siginfo_t info;
        int sig = sigtimedwait(&c->waited, &info, &ts);
        if (sig <= 0 || !sig_ends_run(sig))
            continue;
        if (!c->stop_sig)
            c->stop_sig = sig;
        if (stopping) {
            kill_at = now_ms();
        } else {
            stopping = 1;
            kill_at = now_ms() + STOP_GRACE_MS;
            kill(pid, SIGTERM);
        }
    }
}

int run_exit_status(const struct child *c)
{
    int st = c->status;
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st)
                                                          : EXIT_INTERNAL;
}
