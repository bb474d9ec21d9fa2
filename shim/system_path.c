/* SPDX-License-Identifier: MIT */
/* system_path.c - see system_path.h. */
#include "system_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "barrier.h"
#include "carryover.h"
#include "log.h"
#include "policy.h"
#include "process.h"
#include "real.h"
#include "resolve.h"
#include "shell_cmd.h"
#include "stdio_flush.h"

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

/* `cmd` with "exec " before its program word: dash forks even for a single
 * command, and clang should take the caller's pid.  For a simple command,
 * "A=1 exec clang ..." runs clang with A=1 in its environment, as
 * "A=1 clang ..." would. */
static char *with_exec(const char *cmd, size_t at)
{
    size_t len = strlen(cmd) + 6;
    char *s = malloc(len);
    if (s != NULL)
        snprintf(s, len, "%.*sexec %s", (int)at, cmd, cmd + at);
    return s;
}

static const char *try(const char *cmd, char *buf, char **words)
{
    const struct settings *s = process_settings();
    struct shell_cmd c;
    if (shell_cmd_parse(cmd, buf, words, WORDS_MAX, &c) != 0)
        return "not one simple command";
    struct spawn_view v = { c.words[c.cmd], c.words + c.cmd, 0, 0, 0, 1 };
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
    execve_fn real_execve = REAL(execve_fn, execve);
    if (real_execve == NULL)
        return "no execve";
    const char *why = carryover_refusal_for(NULL);
    if (why != NULL)
        return why;
    int b = barrier_wait(AT_FDCWD, c.words + c.cmd, s->wait_ms);
    if (b != 0) {
        if (b > 0)
            barrier_warn(b, s->wait_ms, "running system() as usual");
        return "barrier";
    }
    if (s->verbose >= 1)
        log_line("pid %d: %s replaced by sh -c '%s ...' from system(), "
                 "freeing %ld MiB RSS", (int)getpid(), process_name(),
                 policy_basename(path), process_rss_mib());
    char *script = with_exec(cmd, c.cmd_offset);
    if (script == NULL)
        return "out of memory";
    if (stdio_flush() != 0) {
        free(script);
        return "another thread holds stdout or stderr";
    }
    char *argv[] = { "sh", "-c", script, NULL };
    real_execve("/bin/sh", argv, environ);
    free(script);
    if (s->verbose >= 1)
        log_line("pid %d: exec /bin/sh failed (%s); running system() as usual",
                 (int)getpid(), strerror(errno));
    return NULL;
}

void system_in_place(const char *cmd)
{
    int saved = errno;
    int cancel;                 /* our waits must not be cancellation points */
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
    size_t len = strlen(cmd);
    char *buf = malloc(len + 1);
    char **words = malloc((WORDS_MAX + 1) * sizeof *words);
    if (buf != NULL && words != NULL) {
        const char *why = try(cmd, buf, words);
        if (why != NULL && process_settings()->verbose >= 2)
            log_line("pid %d: %s runs system(): inert (%s)", (int)getpid(),
                     process_name(), why);
    }
    free(buf);
    free(words);
    pthread_setcancelstate(cancel, NULL);
    errno = saved;
}
