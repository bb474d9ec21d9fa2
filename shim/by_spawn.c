/* SPDX-License-Identifier: MIT */
/* by_spawn.c - see by_spawn.h. */
#include "by_spawn.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "actions.h"
#include "become.h"
#include "plan.h"
#include "policy.h"
#include "process.h"

/* What policy needs to know of the call. */
static struct spawn_view view_of(const char *prog, char *const argv[],
                                 const posix_spawnattr_t *attr,
                                 int actions_known)
{
    struct spawn_view v = spawn_view_of(prog, argv);
    v.actions_known = actions_known;
    v.ids_differ = getuid() != geteuid() || getgid() != getegid();
    if (attr == NULL)
        return v;
    v.has_attr = 1;
    pid_t group = 0;
    if (posix_spawnattr_getflags(attr, &v.attr_flags) != 0 ||
        posix_spawnattr_getpgroup(attr, &group) != 0)
        v.attr_flags = (short)0xffff;       /* unknown: inert */
    v.pgroup_moves = group != getpgrp();
    return v;
}

void spawn_in_place(const char *prog, int use_path,
                    const posix_spawn_file_actions_t *fa,
                    const posix_spawnattr_t *attr, char *const argv[],
                    char *const envp[])
{
    int saved_errno = errno;
    /* posix_spawn is no cancellation point; our waits must not be one. */
    int cancel;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
    const struct settings *s = process_settings();
    const struct become_how how = { "spawns", "spawning clang as usual", NULL };

    struct fa_list list;
    int known = actions_snapshot(fa, &list) == 0;
    struct spawn_view view = view_of(prog, argv, attr, known);
    struct decision d;
    policy_decide(&view, &s->targets, &d);
    const char *why = d.why;
    if (d.act) {
        struct exec_plan plan;
        why = plan_build(&plan, &d, prog, use_path, &list, attr, argv, envp);
        if (why == NULL) {
            why = become_clang(&plan, &how);
            plan_free(&plan);
        }
    }
    if (why != NULL)
        become_explain(&how, prog, why, d.bad_arg);
    actions_free(&list);
    pthread_setcancelstate(cancel, NULL);
    errno = saved_errno;
}
