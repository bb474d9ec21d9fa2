/* SPDX-License-Identifier: MIT */
/* process.c - see process.h. */
#include "process.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "policy.h"
#include "real.h"
#include "startup_data.h"

STARTUP_DATA int process_state;
STARTUP_DATA pid_t process_pid;            /* the process that decided */

static struct settings g_settings;
static char g_name[256];
static char **g_argv;                   /* the program's argv */

/* The basename of this process's executable, or NULL when unreadable. */
static const char *exe_basename(void)
{
    /* Static, not on the stack: decide() also runs in the children of
     * forks that are not ours (raw clone with a small stack); only the
     * thread that won the election ever gets here. */
    static char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    /* A deleted executable reads as "/path/skc (deleted)". */
    char *del = strstr(exe, " (deleted)");
    if (del != NULL && del[10] == '\0')
        *del = '\0';
    return policy_basename(exe);
}

static int decide(void)
{
    if (getauxval(AT_SECURE) != 0)
        return 0;
    const char *dis = getenv("SKCEXEC_DISABLE");
    if (dis != NULL && strcmp(dis, "1") == 0)
        return 0;   /* fast exit, before parsing anything else */
    /* Without its argv we cannot rule out --batch: inert. */
    g_argv = real_program_argv();
    if (g_argv == NULL || g_argv[0] == NULL)
        return 0;

    struct settings *s = &g_settings;
    struct settings_env env = {
        dis, getenv("SKCEXEC_VERBOSE"), getenv("SKCEXEC_CALLERS"),
        getenv("SKCEXEC_TARGETS"), getenv("SKCEXEC_WAIT_MS"),
        getenv("SKCEXEC_FORK_WAIT_MS"),
    };
    settings_parse(s, &env);

    const char *arg0_base = policy_basename(g_argv[0]);
    const char *who = policy_caller_name(exe_basename(), arg0_base,
                                         &s->callers);
    if (who == NULL)
        return 0;
    size_t len = strnlen(who, sizeof g_name - 1);
    memcpy(g_name, who, len);
    g_name[len] = '\0';

    /* From here on this process is a caller: it may speak. */
    if (s->warn[0] != '\0')
        log_lines(s->warn);
    if (s->disable)
        return 0;
    if (policy_has_batch(g_argv)) {
        if (s->verbose >= 2)
            log_line("%s --batch compiles several units: inert", g_name);
        return 0;
    }
    return 1;
}

/* How long a thread that finds another one deciding waits for its verdict
 * before it answers inert for this call; deciding takes tens of
 * microseconds.  A time, not a count of sched_yield calls: on a loaded CPU
 * each yield can give away a whole time slice. */
#define DECIDE_PATIENCE_MS 50

static pid_t my_tid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

/* 1 if thread `tid` is not in this process: we are a copy of a process in
 * which it was deciding, made by a fork that is not ours (_Fork, clone). */
static int thread_gone(pid_t tid)
{
    int saved = errno;
    int gone = syscall(SYS_tgkill, (long)getpid(), (long)tid, 0L) != 0 &&
               errno == ESRCH;
    errno = saved;
    return gone;
}

int process_decide(void)
{
    int s = PROCESS_UNDECIDED;
    pid_t tid = my_tid();
    /* While deciding, the state is minus the decider's thread id, set in
     * the same CAS that elects it: a waiter always knows who decides. */
    if (__atomic_compare_exchange_n(&process_state, &s, -(int)tid, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        /* g_settings and g_name are written by this thread only, before
         * the verdict is published. */
        int saved = errno;
        process_pid = getpid();
        int active = decide();
        __atomic_store_n(&process_state,
                         active ? PROCESS_ACTIVE : PROCESS_INERT,
                         __ATOMIC_RELEASE);
        errno = saved;
        return active;
    }
    if (s == PROCESS_ACTIVE || s == PROCESS_INERT)
        return s == PROCESS_ACTIVE && getpid() == process_pid;
    /* Someone is deciding.  Waiting is vain when it is this very thread (a
     * signal handler interrupted decide()): inert for this call.  When the
     * decider is not in this process at all, nobody ever will decide here:
     * inert for good. */
    pid_t decider = (pid_t)-s;
    if (decider == tid)
        return 0;
    if (thread_gone(decider)) {
        __atomic_compare_exchange_n(&process_state, &s, PROCESS_INERT, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        return s == PROCESS_ACTIVE && getpid() == process_pid;
    }
    long deadline = clock_ms() + DECIDE_PATIENCE_MS;
    for (;;) {
        s = __atomic_load_n(&process_state, __ATOMIC_ACQUIRE);
        if (s == PROCESS_ACTIVE || s == PROCESS_INERT)
            return s == PROCESS_ACTIVE && getpid() == process_pid;
        if (clock_ms() >= deadline)
            return 0;           /* inert for this call; the state is the decider's */
        sched_yield();
    }
}

const struct settings *process_settings(void) { return &g_settings; }
const char *process_name(void) { return g_name; }
