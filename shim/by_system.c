/* SPDX-License-Identifier: MIT */
/* by_system.c - see by_system.h. */
#include "by_system.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "become.h"
#include "plan.h"
#include "policy.h"
#include "process.h"
#include "resolve.h"
#include "shell_cmd.h"

extern char **environ;

#define WORDS_MAX 4096

/* The PATH sh will search: a PATH=... prefix of the command wins. */
static const char *search_path(const struct shell_cmd *c)
{
    const char *path = getenv("PATH");
    for (size_t i = 0; i < c->cmd; i++)
        if (strncmp(c->words[i], "PATH=", 5) == 0)
            path = c->words[i] + 5;
    return path;
}

/* `cmd` parsed into words[] (buf holds them); NULL when the caller may be
 * replaced by `sh -c cmd`, else why not.  *prog: the program word. */
static const char *try(const char *cmd, char *buf, char **words,
                       const char **prog, const struct become_how *how)
{
    const struct settings *s = process_settings();
    struct shell_cmd c;
    /* system() hands the command to sh as its argument after -c: a first
     * byte '-' or '+' makes sh read it as options, and fail. */
    if (cmd[0] == '-' || cmd[0] == '+')
        return "the command starts with '-' or '+'";
    if (shell_cmd_parse(cmd, buf, words, WORDS_MAX, &c) != 0)
        return "not one simple command";
    *prog = c.words[c.cmd];
    struct spawn_view v = spawn_view_of(c.words[c.cmd], c.words + c.cmd);
    struct decision d;
    policy_decide(&v, &s->targets, &d);
    if (!d.act)
        return d.why;
    if (d.via_env)
        return "env in a system() command";
    /* A missing clang must fail as it did: system returns 127 to skc. */
    char path[PATH_MAX];
    if (resolve_program(AT_FDCWD, c.words[c.cmd], 1, search_path(&c), path,
                        sizeof path) != 0)
        return "clang not found";
    /* Exactly what system() runs: sh -c cmd, with the caller's environment,
     * signal mask and dispositions (glibc's child resets only SIGINT and
     * SIGQUIT, which are then not ignored, so nothing changes). */
    char *sh_argv[] = { "sh", "-c", (char *)cmd, NULL };
    struct fa_list none = { NULL, 0 };
    struct decision sh = { .act = 1 };
    struct exec_plan plan;
    const char *why = plan_build(&plan, &sh, "/bin/sh", 0, &none, NULL,
                                 sh_argv, environ);
    if (why != NULL)
        return why;
    plan.clang_argv = c.words + c.cmd;
    why = become_clang(&plan, how);
    plan_free(&plan);
    return why;
}

void system_in_place(const char *cmd)
{
    int saved = errno;
    int cancel;                 /* our waits must not be cancellation points */
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
    size_t len = strlen(cmd);
    char *buf = malloc(len + 1);
    char **words = malloc((WORDS_MAX + 1) * sizeof *words);
    const char *prog = "sh";
    const struct become_how how = { "runs", "running system() as usual", NULL };
    if (buf != NULL && words != NULL) {
        const char *why = try(cmd, buf, words, &prog, &how);
        if (why != NULL)
            become_explain(&how, prog, why, NULL);
    }
    free(buf);
    free(words);
    pthread_setcancelstate(cancel, NULL);
    errno = saved;
}
