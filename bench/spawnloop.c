/* SPDX-License-Identifier: MIT */
/* spawnloop.c - a program that is not a caller (its name is not skc) and
 * starts children in a loop, as make or a shell does: under a preload it
 * shows what the wrapped posix_spawn and fork cost such a program.
 *
 * usage: spawnloop posix_spawn|fork-exec N PROG [--bare-child]
 *
 * Runs PROG (no arguments) N times, by posix_spawn + waitpid or by
 * fork + execve + waitpid, and prints the median time of one start+wait.
 * PROG inherits our environment, LD_PRELOAD included; with --bare-child it
 * gets it without LD_PRELOAD, so only the wrapped calls in this process
 * are measured, not the preload's start-up cost in the child.
 *
 *   spawnloop: MODE median_us=M
 *
 * Exit status 1 if a child does not exit 0 (a wrong result), 2 on misuse.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

extern char **environ;

/* Starts argv[0] once; returns its pid or -1. */
static pid_t start(int use_fork, char **argv, char **envp)
{
    pid_t pid;
    if (!use_fork)
        return posix_spawn(&pid, argv[0], NULL, NULL, argv, envp) == 0
                   ? pid : -1;
    pid = fork();
    if (pid == 0) {
        execve(argv[0], argv, envp);
        _exit(127);
    }
    return pid;
}

int main(int argc, char **argv)
{
    int bare = argc == 5 && !strcmp(argv[4], "--bare-child");
    if ((argc != 4 && !bare) || (strcmp(argv[1], "posix_spawn") != 0 &&
                                 strcmp(argv[1], "fork-exec") != 0)) {
        fputs("usage: spawnloop posix_spawn|fork-exec N PROG [--bare-child]\n",
              stderr);
        return 2;
    }
    char **envp = bare ? env_with_preload(environ, "") : environ;
    int use_fork = argv[1][0] == 'f';
    long n = atol(argv[2]);
    char *child[] = {argv[3], NULL};
    double *t = malloc((size_t)(n > 0 ? n : 1) * sizeof *t);
    if (n < 1 || !t)
        return 2;
    for (long i = 0; i < n; i++) {
        int status;
        double t0 = now_ns();
        pid_t pid = start(use_fork, child, envp);
        if (pid < 0 || waitpid(pid, &status, 0) != pid ||
            !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "spawnloop: %s failed\n", argv[3]);
            return 1;
        }
        t[i] = now_ns() - t0;
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    printf("spawnloop: %s median_us=%.1f\n", argv[1], t[n / 2] / 1e3);
    return 0;
}
