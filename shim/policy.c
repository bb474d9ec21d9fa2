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
static const char env_longopts[][21] = {
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

/* The value of option `c` ('u' or 'C'): the one given, applied to *w; -1
 * when missing or refused. */
static int option_value(struct env_wrap *w, char c, const char *val)
{
    if (val == NULL || (c == 'u' ? add_op(w, 'u', val) != 0 : *val == '\0'))
        return -1;
    if (c == 'C')
        w->chdir = val;
    return 0;
}

/* One long option at argv[*i] ("--unset=N", "--chdir" "DIR", ...); *i moves
 * past a separate value.  -1: unknown, or one that changes env itself. */
static int long_option(char *const *argv, size_t *i, struct env_wrap *w)
{
    const char *name = argv[*i] + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    int o = env_longopt(name, len);
    if (o == 0 && eq == NULL) {
        w->ignore_env = 1;
        return 0;
    }
    if (o != 1 && o != 2)                   /* --unset, --chdir */
        return -1;
    const char *val = eq ? eq + 1 : argv[++*i];
    return option_value(w, o == 1 ? 'u' : 'C', val);
}

/* A cluster of short options at argv[*i]: "-i", "-iu", "-uNAME", "-C"
 * "DIR"; *i moves past a separate value. */
static int short_options(char *const *argv, size_t *i, struct env_wrap *w)
{
    const char *a = argv[*i];
    for (size_t k = 1; a[k] != '\0'; k++) {
        char c = a[k];
        if (c == 'i') {
            w->ignore_env = 1;
            continue;
        }
        if (c != 'u' && c != 'C')
            return -1;
        /* The value ends the cluster. */
        return option_value(w, c, a[k + 1] != '\0' ? a + k + 1 : argv[++*i]);
    }
    return 0;
}

int policy_parse_env(char *const *argv, struct env_wrap *w)
{
    memset(w, 0, sizeof *w);
    size_t i = 1;
    for (; argv[i] != NULL; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0 || strcmp(a, "-") == 0) {
            /* "-": the obsolete spelling of -i, seen by env only as the
             * first operand.  Either way, options end here. */
            w->ignore_env |= a[1] == '\0';
            i++;
            break;
        }
        if (a[0] != '-')
            break;                      /* first operand: options end */
        int r = a[1] == '-' ? long_option(argv, &i, w)
                            : short_options(argv, &i, w);
        if (r != 0)
            return -1;
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

/* Where clang's own argv starts (out->cmd, out->via_env, out->env); the
 * reason when the program is not a target, directly or behind env. */
static const char *find_clang(const struct spawn_view *in,
                              const struct name_list *targets,
                              struct decision *out)
{
    const char *base = policy_basename(in->prog);
    if (name_list_match(targets, base))
        return NULL;
    if (strcmp(base, "env") != 0)
        return "not a target";
    if (policy_parse_env(in->argv, &out->env) != 0)
        return "env with options the shim does not replay";
    if (!name_list_match(targets, policy_basename(in->argv[out->env.cmd])))
        return "env runs a program that is not a target";
    out->via_env = 1;
    out->cmd = out->env.cmd;
    return NULL;
}

/* The spawn attributes: only those that can be replayed and undone, and
 * that change nothing skc's parent could see. */
static const char *attr_refusal(const struct spawn_view *in)
{
    if (!in->has_attr)
        return NULL;
    /* setsid cannot be undone if execve then fails, nor can dropping
     * privileges: both would break failing open. */
    if (in->attr_flags & POSIX_SPAWN_SETSID)
        return "spawn attribute setsid cannot be undone";
    if (in->attr_flags & ~ATTR_REPLAYABLE)
        return "unknown spawn attribute flags";
    if ((in->attr_flags & POSIX_SPAWN_RESETIDS) && in->ids_differ)
        return "spawn attribute resetids would drop privileges";
    /* A new process group for clang would move the caller's own pid out
     * of the group its parent and the terminal signal. */
    if ((in->attr_flags & POSIX_SPAWN_SETPGROUP) && in->pgroup_moves)
        return "spawn attribute setpgroup would move the caller's pid to "
               "another process group";
    return NULL;
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
    const char *why = find_clang(in, targets, out);
    if (why == NULL)
        why = clang_args_check(in->argv + out->cmd, &out->bad_arg);
    if (why == NULL && !in->actions_known)
        why = "file actions not all recorded";
    if (why == NULL)
        why = attr_refusal(in);
    out->act = why == NULL;
    out->why = why != NULL ? why : "clang";
}
