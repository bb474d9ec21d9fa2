/* SPDX-License-Identifier: MIT */
/* spawn_path.c - see spawn_path.h. */
#include "spawn_path.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "actions.h"
#include "barrier.h"
#include "carryover.h"
#include "inplace.h"
#include "log.h"
#include "plan.h"
#include "policy.h"
#include "process.h"
#include "stdio_flush.h"

static void explain(const struct settings *s, const char *prog, const char *why)
{
    if (s->verbose >= 2)
        log_line("pid %d: %s spawns %s: inert (%s)", (int)getpid(),
                 process_name(), policy_basename(prog), why);
}

void spawn_in_place(const char *prog, int use_path,
                    const posix_spawn_file_actions_t *fa,
                    const posix_spawnattr_t *attr, char *const argv[],
                    char *const envp[])
{
    static int warned_timeout;
    int saved_errno = errno;
    /* posix_spawn is no cancellation point; our waits must not be one. */
    int cancel;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
    const struct settings *s = process_settings();

    struct fa_list list;
    struct spawn_view view = {
        .prog = prog,
        .argv = argv,
        .has_attr = attr != NULL,
        .ids_differ = getuid() != geteuid() || getgid() != getegid(),
        .actions_known = actions_snapshot(fa, &list) == 0,
    };
    if (attr != NULL && posix_spawnattr_getflags(attr, &view.attr_flags) != 0)
        view.attr_flags = (short)0xffff;        /* unknown: inert */

    struct decision d;
    policy_decide(&view, &s->targets, &d);
    if (!d.act) {
        explain(s, prog, d.why);
        goto out;
    }

    struct exec_plan plan;
    const char *why = plan_build(&plan, &d, prog, use_path, &list, attr, argv,
                                 envp);
    if (why != NULL) {
        explain(s, prog, why);
        goto out;
    }

    why = carryover_refusal_for(&plan);
    if (why != NULL) {
        explain(s, prog, why);
        plan_free(&plan);
        goto out;
    }

    int b = barrier_wait(plan.dirfd, plan.argv, s->wait_ms);
    if (b != 0) {
        if (b < 0)
            explain(s, prog, "cannot tell whether the IR is complete");
        else if (!warned_timeout++)
            barrier_warn(b, s->wait_ms, "spawning clang as usual");
        plan_free(&plan);
        goto out;
    }

    /* Buffered output would be lost with the process image: write it out
     * while fds 1 and 2 are still the caller's own. */
    if (stdio_flush() != 0) {
        explain(s, prog, "another thread holds stdout or stderr");
        plan_free(&plan);
        goto out;
    }
    if (s->verbose >= 1)
        log_line("pid %d: %s replaced by %s (%s), freeing %ld MiB RSS",
                 (int)getpid(), process_name(), policy_basename(plan.argv[0]),
                 plan.path, process_rss_mib());

    int err = inplace_exec(&plan);
    if (s->verbose >= 1)
        log_line("pid %d: exec %s failed (%s); spawning it as usual",
                 (int)getpid(), plan.path, strerror(err));
    plan_free(&plan);
out:
    actions_free(&list);
    pthread_setcancelstate(cancel, NULL);
    errno = saved_errno;
}
