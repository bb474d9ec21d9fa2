/* SPDX-License-Identifier: MIT */
/* become.c - see become.h. */
#include "become.h"

#include <stdio.h>
#include <string.h>

#include "barrier.h"
#include "equivalence.h"
#include "handover.h"
#include "inplace.h"
#include "log.h"
#include "policy.h"
#include "process.h"
#include "procfs.h"

void become_explain(const struct become_how *how, const char *prog,
                    const char *why, const char *arg)
{
    if (process_settings()->verbose < 2)
        return;
    if (arg != NULL)
        log_line("%s %s %s: inert (%s: '%s')", process_name(), how->verb,
                 policy_basename(prog), why, arg);
    else
        log_line("%s %s %s: inert (%s)", process_name(), how->verb,
                 policy_basename(prog), why);
}

static const char *get_ready(const struct exec_plan *p,
                             const struct become_how *how)
{
    const struct settings *s = process_settings();
    enum barrier_result b = barrier_wait(p->dirfd, p->clang_argv, s->wait_ms);
    if (b == BARRIER_UNKNOWN)
        return "cannot tell whether the caller is ready (/proc)";
    if (b != BARRIER_READY) {
        static int warned;      /* once per process */
        if (s->verbose >= 1 && !warned++)
            barrier_warn(b, s->wait_ms, how->instead);
        return b == BARRIER_THREADS ? "other threads still ran"
                                    : "a file clang reads is being written";
    }
    /* Single-threaded from here on: nothing changes under our feet. */
    const char *why = equivalence_refusal(p);
    if (why != NULL)
        return why;
    /* Buffered output would be lost with the process image: write it out
     * while fds 1 and 2 are still the caller's own. */
    fflush(NULL);
    return NULL;
}

const char *become_clang(const struct exec_plan *p, const struct become_how *how)
{
    const char *why = get_ready(p, how);
    if (why != NULL)
        return why;
    const struct settings *s = process_settings();
    long rss = procfs_rss_mib();
    if (how->claim != NULL && !handover_settle(how->claim, HANDOVER_PARENT_EXECS))
        return "the child stopped waiting";
    struct log_msg said;
    if (p->argv == p->clang_argv)
        log_format(&said, "%s replaced by %s (%s), freeing %ld MiB RSS",
                   process_name(), policy_basename(p->clang_argv[0]), p->path,
                   rss);
    else
        log_format(&said, "%s replaced by %s (%s) running %s, freeing %ld MiB "
                   "RSS", process_name(), policy_basename(p->argv[0]), p->path,
                   policy_basename(p->clang_argv[0]), rss);
    int err = inplace_exec(p, s->verbose >= 1 ? &said : NULL, &why);
    /* Still here: everything was undone. */
    if (how->claim != NULL)
        __atomic_store_n(how->claim, HANDOVER_CHILD_EXECS, __ATOMIC_RELEASE);
    if (why != NULL)
        return why;
    if (s->verbose >= 1)
        log_line("exec %s failed (%s); %s", p->path, strerror(err), how->instead);
    return NULL;
}
