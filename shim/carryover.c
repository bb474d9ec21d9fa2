/* SPDX-License-Identifier: MIT */
/* carryover.c - see carryover.h. */
#include "carryover.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

#include "plan.h"

/* The signals a build's supervisor (a shell, make, CI, a timeout) uses to
 * stop skc: after the exec, clang must react to them as skc would have. */
static const int g_stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void ignored_now(sigset_t *ignored)
{
    sigemptyset(ignored);
    for (int s = 1; s < NSIG; s++) {
        struct sigaction a;
        if (sigaction(s, NULL, &a) == 0 && !(a.sa_flags & SA_SIGINFO) &&
            a.sa_handler == SIG_IGN)
            sigaddset(ignored, s);
    }
}

static int timer_armed(int which)
{
    struct itimerval t;
    return getitimer(which, &t) != 0 || t.it_value.tv_sec != 0 ||
           t.it_value.tv_usec != 0;
}

const char *carryover_refusal(const sigset_t *blocked, const sigset_t *ignored)
{
    int saved = errno;
    const char *why = NULL;
    struct rlimit cpu;
    sigset_t now, pending;
    if (getrlimit(RLIMIT_CPU, &cpu) != 0 ||
        cpu.rlim_cur != RLIM_INFINITY || cpu.rlim_max != RLIM_INFINITY)
        why = "a CPU time limit: clang would inherit the time already used";
    else if (timer_armed(ITIMER_REAL) || timer_armed(ITIMER_VIRTUAL) ||
             timer_armed(ITIMER_PROF))
        why = "an alarm or interval timer is armed: it would outlive the exec";
    else if (sigpending(&pending) != 0 || !sigisemptyset(&pending))
        why = "a signal is pending: clang would receive it";
    else if (pthread_sigmask(SIG_BLOCK, NULL, &now) != 0)
        why = "cannot read the signal mask";
    for (size_t i = 0; why == NULL && i < sizeof g_stop_signals /
                                           sizeof g_stop_signals[0]; i++) {
        int s = g_stop_signals[i];
        struct sigaction a;
        if (sigaction(s, NULL, &a) != 0)
            why = "cannot read a signal's disposition";
        else if ((a.sa_flags & SA_SIGINFO) ||
                 (a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN))
            why = "the caller handles INT, TERM, HUP or QUIT itself";
        else if (sigismember(&now, s) || sigismember(blocked, s))
            /* Blocked in the caller: some thread may sigwait for it, and
             * clang would not; blocked after the exec: clang would not
             * stop where the caller does. */
            why = "INT, TERM, HUP or QUIT is blocked";
        else if ((a.sa_handler == SIG_IGN) != sigismember(ignored, s))
            why = "INT, TERM, HUP or QUIT would be ignored differently";
    }
    errno = saved;
    return why;
}

const char *carryover_refusal_for(const struct exec_plan *p)
{
    sigset_t blocked, ignored;
    int saved = errno;
    if (p != NULL && (p->attr_flags & POSIX_SPAWN_SETSIGMASK))
        blocked = p->sigmask;
    else
        pthread_sigmask(SIG_BLOCK, NULL, &blocked);
    if (p != NULL && p->has_sigstate) {
        ignored = p->sig_ignored;       /* a handover: the child's */
    } else {
        ignored_now(&ignored);
        if (p != NULL && (p->attr_flags & POSIX_SPAWN_SETSIGDEF))
            for (int s = 1; s < NSIG; s++)
                if (sigismember(&p->sigdefault, s) == 1)
                    sigdelset(&ignored, s);
    }
    errno = saved;
    return carryover_refusal(&blocked, &ignored);
}
