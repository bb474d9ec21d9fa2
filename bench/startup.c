/* SPDX-License-Identifier: MIT */
/* startup.c - times one command under several LD_PRELOAD settings,
 * interleaved, and prints medians and ratios measured in the same run.
 *
 * usage: startup [-r ROUNDS] [-n SPAWNS] [-b BASE] LABEL=[PRELOAD]...
 *                -- PROG [ARG]...
 *
 * Each round spawns PROG SPAWNS times per setting (posix_spawn + waitpid,
 * timed from just before the spawn to just after the wait).  The settings
 * take turns spawn by spawn, starting one further each time, so a burst of
 * noise on the machine hits them all alike.  LABEL= with no path runs PROG
 * with no preload at all.  Output, one line per setting:
 *
 *   startup: LABEL median_us=M ratio=R minflt=F
 *
 * M is the median over every spawn; R is the median over rounds of (this
 * setting's median in the round / BASE's median in the same round), a
 * paired ratio that slow drifts of the machine cancel out of.  F is the
 * child's minor page faults, the median over every spawn (wait4's
 * rusage): unlike the times, a count the machine's noise does not move,
 * and most of what a preloaded library adds to a trivial program.  BASE is the
 * first setting unless -b names another.  A child that does not exit 0 is
 * a wrong result: exit status 1.
 */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

extern char **environ;

#define MAX_SETTINGS 16

struct setting {
    const char *label;
    char **envp;        /* environ without LD_PRELOAD, plus this preload */
    double *ns;         /* every spawn's time, rounds * spawns */
    double *flt;        /* every spawn's child's minor faults */
};

static void die(const char *msg)
{
    fprintf(stderr, "startup: %s\n", msg);
    exit(2);
}

/* One timed spawn + wait; returns ns, or -1 when the child failed; the
 * child's minor page faults in *flt. */
static double spawn_once(char **argv, char **envp, double *flt)
{
    pid_t pid;
    int status;
    struct rusage ru;
    double t0 = now_ns();
    if (posix_spawn(&pid, argv[0], NULL, NULL, argv, envp) != 0)
        return -1;
    if (wait4(pid, &status, 0, &ru) != pid)
        return -1;
    double t1 = now_ns();
    *flt = (double)ru.ru_minflt;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t1 - t0 : -1;
}

int main(int argc, char **argv)
{
    long rounds = 20, spawns = 100;
    const char *base = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "+r:n:b:")) != -1) {
        if (opt == 'r') rounds = atol(optarg);
        else if (opt == 'n') spawns = atol(optarg);
        else if (opt == 'b') base = optarg;
        else die("bad option");
    }
    struct setting set[MAX_SETTINGS];
    int ns = 0, b = 0;
    for (; optind < argc && strcmp(argv[optind], "--") != 0; optind++) {
        char *eq = strchr(argv[optind], '=');
        if (!eq || ns == MAX_SETTINGS)
            die("settings are LABEL=[PRELOAD], at most 16");
        *eq = '\0';
        set[ns].label = argv[optind];
        set[ns].envp = env_with_preload(environ, eq + 1);
        set[ns].ns = malloc((size_t)(rounds * spawns) * sizeof(double));
        set[ns].flt = malloc((size_t)(rounds * spawns) * sizeof(double));
        if (!set[ns].ns || !set[ns].flt)
            die("out of memory");
        if (base && !strcmp(base, set[ns].label))
            b = ns;
        ns++;
    }
    if (optind + 1 >= argc || ns == 0 || rounds < 1 || spawns < 1)
        die("usage: startup [-r R] [-n N] [-b BASE] LABEL=[SO]... -- PROG [ARG]...");
    char **prog = argv + optind + 1;

    double *ratio = malloc((size_t)rounds * ns * sizeof(double));
    double *tmp = malloc((size_t)spawns * sizeof(double));
    double round_med[MAX_SETTINGS];
    if (!ratio || !tmp)
        die("out of memory");
    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i < spawns; i++)
            for (int k = 0; k < ns; k++) {
                struct setting *s = &set[(k + i + r) % ns];
                double t = spawn_once(prog, s->envp, &s->flt[r * spawns + i]);
                if (t < 0) {
                    fprintf(stderr, "startup: %s failed under setting %s\n",
                            prog[0], s->label);
                    return 1;
                }
                s->ns[r * spawns + i] = t;
            }
        for (int k = 0; k < ns; k++) {
            memcpy(tmp, set[k].ns + r * spawns, (size_t)spawns * sizeof(double));
            round_med[k] = median(tmp, (size_t)spawns);
        }
        for (int k = 0; k < ns; k++)
            ratio[k * rounds + r] = round_med[k] / round_med[b];
    }
    for (int k = 0; k < ns; k++)
        printf("startup: %s median_us=%.1f ratio=%.4f minflt=%.0f\n", set[k].label,
               median(set[k].ns, (size_t)(rounds * spawns)) / 1e3,
               median(ratio + k * rounds, (size_t)rounds),
               median(set[k].flt, (size_t)(rounds * spawns)));
    return 0;
}
