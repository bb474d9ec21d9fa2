/* SPDX-License-Identifier: MIT */
/* policy.h - the decision: replace the caller by this spawn, or stay inert.
 *
 * Pure functions over plain data (strings, flags): no syscalls, no globals,
 * no allocation.  Unit-tested in tests/unit/unit_policy.c and fuzzed.  What they
 * cannot know (does the program exist, is a descriptor a pipe) is checked
 * later by plan.c, which stays inert on any doubt.
 */
#ifndef SKCEXEC_POLICY_H
#define SKCEXEC_POLICY_H

#include <stddef.h>

#include "settings.h"

/* The name under which this process is a caller, or NULL.  Either basename
 * may be NULL (unreadable /proc/self/exe, say). */
const char *policy_caller_name(const char *exe_base, const char *arg0_base,
                               const struct name_list *callers);

/* Does the caller's argv ask for several units (--batch)? */
int policy_has_batch(char *const *argv);

/* `env [-i] [-u VAR] [-C DIR] [VAR=VAL]... [--] cmd args...`, parsed the way
 * GNU env's getopt reads it.  Options that change what env itself would do
 * beyond environment and directory (-S, -v, signal options, -0) are refused,
 * so the spawn stays a plain spawn of env. */
#define ENV_OPS_MAX 64
struct env_op {
    char kind;                  /* 'u': unset NAME, 's': set NAME=VALUE */
    const char *arg;            /* points into argv */
};
struct env_wrap {
    int ignore_env;             /* -i: start from an empty environment */
    const char *chdir;          /* -C DIR, or NULL (last one wins) */
    size_t n_ops;
    struct env_op op[ENV_OPS_MAX];  /* in argv order */
    size_t cmd;                 /* argv index of the command */
};
int policy_parse_env(char *const *argv, struct env_wrap *w);

/* What the shim knows about one posix_spawn[p] call. */
struct spawn_view {
    const char *prog;           /* path or file as given */
    char *const *argv;
    int has_attr;
    short attr_flags;           /* posix_spawnattr_getflags */
    int ids_differ;             /* real and effective uid or gid differ */
    int pgroup_moves;           /* SETPGROUP names a group not the caller's */
    int actions_known;          /* no file actions, or every one recorded */
};

/* A view of a spawn with no attributes and no file actions (an exec, a
 * system() command, a handed-over fork). */
struct spawn_view spawn_view_of(const char *prog, char *const argv[]);

struct decision {
    int act;
    const char *why;            /* static text, for SKCEXEC_VERBOSE=2 */
    const char *bad_arg;        /* clang's argument that made it inert, or NULL */
    int via_env;                /* prog is env, wrapping the target */
    struct env_wrap env;
    size_t cmd;                 /* argv index of clang's own argv[0] */
};

void policy_decide(const struct spawn_view *in, const struct name_list *targets,
                   struct decision *out);

/* Basename of a path ("" for NULL). */
const char *policy_basename(const char *path);

#endif
