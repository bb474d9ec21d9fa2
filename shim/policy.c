/* SPDX-License-Identifier: MIT */
/* policy.c - see policy.h.  Pure: no syscalls, no globals, no allocation. */
#include "policy.h"

#include <spawn.h>
#include <string.h>

#include "clang_args.h"

const char *policy_basename(const char *path)
{
    if (path == NULL)
        return "";
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

const char *policy_caller_name(const char *exe_base, const char *arg0_base,
                               const struct name_list *callers)
{
    if (exe_base != NULL && name_list_match(callers, exe_base))
        return exe_base;
    if (arg0_base != NULL && name_list_match(callers, arg0_base))
        return arg0_base;
    return NULL;
}

int policy_has_batch(char *const *argv)
{
    for (size_t i = 1; argv[i] != NULL; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--batch") == 0 ||
            strncmp(argv[i], "--batch=", 8) == 0)
            return 1;
    }
    return 0;
}

/* GNU env's long options; getopt_long accepts any unambiguous prefix. */
enum { L_NONE = -1, L_AMBIGUOUS = -2 };
static const char *const env_longopts[] = {
    "ignore-environment", "unset", "chdir", "null", "split-string", "debug",
    "default-signal", "ignore-signal", "block-signal", "list-signal-handling",
    "help", "version",
};

static int env_longopt(const char *name, size_t len)
{
    int found = L_NONE;
    for (int i = 0; i < (int)(sizeof env_longopts / sizeof *env_longopts); i++) {
        if (strncmp(env_longopts[i], name, len) != 0)
            continue;
        if (env_longopts[i][len] == '\0')
            return i;                   /* exact match beats prefixes */
        found = found == L_NONE ? i : L_AMBIGUOUS;
    }
    return found;
}

static int add_op(struct env_wrap *w, char kind, const char *arg)
{
    if (w->n_ops == ENV_OPS_MAX)
        return -1;
    /* env refuses to unset a name holding '=' and to set an empty name. */
    if (*arg == '\0' || (kind == 'u' && strchr(arg, '=') != NULL) ||
        (kind == 's' && arg[0] == '='))
        return -1;
    w->op[w->n_ops].kind = kind;
    w->op[w->n_ops].arg = arg;
    w->n_ops++;
    return 0;
}

int policy_parse_env(char *const *argv, struct env_wrap *w)
{
    memset(w, 0, sizeof *w);
    size_t i = 1;
    for (; argv[i] != NULL; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-") == 0) {
            /* Obsolete spelling of -i, seen by env only as the first
             * operand: options end here. */
            w->ignore_env = 1;
            i++;
            break;
        }
        if (a[0] != '-')
            break;                      /* first operand: options end */
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            int o = env_longopt(name, len);
            const char *val = eq ? eq + 1 : NULL;
            if (o == 0 && eq == NULL) {
                w->ignore_env = 1;
            } else if (o == 1 || o == 2) {      /* --unset, --chdir */
                if (val == NULL) {
                    val = argv[++i];
                    if (val == NULL)
                        return -1;
                }
                if (o == 1 ? add_op(w, 'u', val) != 0 : *val == '\0')
                    return -1;
                if (o == 2)
                    w->chdir = val;
            } else {
                return -1;              /* unknown or changes env's behaviour */
            }
            continue;
        }
        /* A cluster of short options: "-i", "-iu", "-uNAME", "-C" "DIR". */
        for (size_t k = 1; a[k] != '\0'; k++) {
            char c = a[k];
            if (c == 'i') {
                w->ignore_env = 1;
                continue;
            }
            if (c != 'u' && c != 'C')
                return -1;
            const char *val = a[k + 1] != '\0' ? a + k + 1 : argv[++i];
            if (val == NULL)
                return -1;
            if (c == 'u' ? add_op(w, 'u', val) != 0 : *val == '\0')
                return -1;
            if (c == 'C')
                w->chdir = val;
            break;                      /* the value ended the cluster */
        }
    }
    /* NAME=VALUE operands, then the command. */
    for (; argv[i] != NULL && strchr(argv[i], '=') != NULL; i++)
        if (add_op(w, 's', argv[i]) != 0)
            return -1;
    if (argv[i] == NULL)
        return -1;                      /* no command: env prints, not us */
    w->cmd = i;
    return 0;
}

#define ATTR_REPLAYABLE                                                       \
    (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | \
     POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER |                   \
     POSIX_SPAWN_USEVFORK | POSIX_SPAWN_RESETIDS)

struct spawn_view spawn_view_of(const char *prog, char *const argv[])
{
    struct spawn_view v = { 0 };
    v.prog = prog;
    v.argv = argv;
    v.actions_known = 1;
    return v;
}

void policy_decide(const struct spawn_view *in, const struct name_list *targets,
                   struct decision *out)
{
    memset(out, 0, sizeof *out);
    if (in->prog == NULL || in->prog[0] == '\0' || in->argv == NULL ||
        in->argv[0] == NULL) {
        out->why = "no program or empty argv";
        return;
    }
    const char *base = policy_basename(in->prog);
    if (name_list_match(targets, base)) {
        out->cmd = 0;
    } else if (strcmp(base, "env") == 0) {
        if (policy_parse_env(in->argv, &out->env) != 0) {
            out->why = "env with options the shim does not replay";
            return;
        }
        if (!name_list_match(targets, policy_basename(in->argv[out->env.cmd]))) {
            out->why = "env runs a program that is not a target";
            return;
        }
        out->via_env = 1;
        out->cmd = out->env.cmd;
    } else {
        out->why = "not a target";
        return;
    }
    const char *why = clang_args_check(in->argv + out->cmd, &out->bad_arg);
    if (why != NULL) {
        out->why = why;
        return;
    }
    if (!in->actions_known) {
        out->why = "file actions not all recorded";
        return;
    }
    if (in->has_attr) {
        /* setsid cannot be undone if execve then fails, nor can dropping
         * privileges: both would break failing open. */
        if (in->attr_flags & POSIX_SPAWN_SETSID) {
            out->why = "spawn attribute setsid cannot be undone";
            return;
        }
        if (in->attr_flags & ~ATTR_REPLAYABLE) {
            out->why = "unknown spawn attribute flags";
            return;
        }
        if ((in->attr_flags & POSIX_SPAWN_RESETIDS) && in->ids_differ) {
            out->why = "spawn attribute resetids would drop privileges";
            return;
        }
        /* A new process group for clang would move the caller's own pid
         * out of the group its parent and the terminal signal. */
        if ((in->attr_flags & POSIX_SPAWN_SETPGROUP) && in->pgroup_moves) {
            out->why = "spawn attribute setpgroup would move the caller's pid "
                       "to another process group";
            return;
        }
    }
    out->act = 1;
    out->why = "clang";
}
