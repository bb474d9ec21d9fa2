/* SPDX-License-Identifier: MIT */
/* profile_signal.c - which signals skcexec-profile takes, and what its
 * children get back.
 *
 * Every signal whose default action would kill the profiler is handled,
 * because dying by it would leave the memory cgroup (and CMD's tree)
 * behind:
 *   - SIGPIPE and SIGXFSZ are ignored: a failed write is then an error
 *     the code handles (EPIPE ends the report quietly);
 *   - SIGSEGV and the other signals of a fault of our own get a last
 *     resort handler that kills the cgroup, removes it and the temporary
 *     files, then dies of the signal;
 *   - all the others (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, ...) are
 *     blocked and taken with sigtimedwait in the run loop, where they end
 *     the run in order (profile_run.c).
 * A signal ignored when we start (nohup, a shell's `&`) stays ignored, as
 * it would for any program.  CMD gets back the dispositions and the mask
 * we inherited, as if we were not there; gnuplot, a helper of ours, gets
 * default dispositions and an empty mask. */
#include "profile.h"

#include <string.h>

static sigset_t inherited_mask;
static sigset_t changed;                 /* the dispositions we changed */
static int inherited_ignored[NSIG];      /* 1: SIG_IGN when we started */
static void (*crash_cleanup)(void);

/* Whether the default action of SIG ends the process. */
static int fatal_by_default(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGCONT: case SIGSTOP: case SIGTSTP: case SIGTTIN:
    case SIGTTOU: case SIGURG: case SIGWINCH: case SIGKILL:
        return 0;
    default:
        return 1;
    }
}

/* A fault of ours (or one of these sent by someone): nothing of the
 * profiler's state can be trusted, so only async-signal-safe cleanup,
 * then the default action, which the handler was reset to. */
static void on_crash(int sig)
{
    if (crash_cleanup)
        crash_cleanup();
    raise(sig); /* pending until we return: SA_NODEFER is not set */
}

static int is_crash(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL ||
           sig == SIGABRT || sig == SIGTRAP || sig == SIGSYS;
}

static void on_sigchld(int sig)
{
    (void)sig; /* only there so that SIGCHLD is never discarded */
}

void sig_setup(sigset_t *waited, void (*cleanup)(void))
{
    crash_cleanup = cleanup;
    sigprocmask(SIG_SETMASK, NULL, &inherited_mask);
    sigemptyset(&changed);
    sigemptyset(waited);
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction old, sa;
        /* SIGKILL, SIGSTOP and libc's own signals cannot be changed. */
        if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) != 0)
            continue;
        inherited_ignored[sig] = old.sa_handler == SIG_IGN;
        if (sig != SIGCHLD && (!fatal_by_default(sig) || inherited_ignored[sig]))
            continue;
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        if (sig == SIGCHLD) {
            sa.sa_handler = on_sigchld;
            sigaddset(waited, sig);
        } else if (sig == SIGPIPE || sig == SIGXFSZ) {
            sa.sa_handler = SIG_IGN;
        } else if (is_crash(sig)) {
            sa.sa_handler = on_crash;
            sa.sa_flags = SA_RESETHAND;
        } else {
            sigaddset(waited, sig);
            continue; /* stays as it is, blocked: sigtimedwait takes it */
        }
        if (sigaction(sig, &sa, NULL) == 0)
            sigaddset(&changed, sig);
    }
    sigprocmask(SIG_BLOCK, waited, NULL);
}

int sig_ends_run(int sig)
{
    return sig != SIGCHLD;
}

/* Async-signal-safe (it runs in a child between fork and exec). */
static void restore(int keep_pipe)
{
    for (int sig = 1; sig < NSIG; sig++) {
        if (!sigismember(&changed, sig) || (keep_pipe && sig == SIGPIPE))
            continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = inherited_ignored[sig] ? SIG_IGN : SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(sig, &sa, NULL);
    }
    sigprocmask(SIG_SETMASK, &inherited_mask, NULL);
}

void sig_child_as_inherited(void)
{
    restore(0);
}

void sig_child_clean(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &sa, NULL); /* fails harmlessly for libc's own */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

void sig_release(void)
{
    restore(1);
}
