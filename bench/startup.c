/* SPDX-License-Identifier: MIT */
/* startup.c - times one command under several LD_PRELOAD settings,
 * interleaved, and prints what each setting adds to the base setting's
 * time, measured in the same run.
 *
 * usage: startup [-r ROUNDS] [-n SPAWNS] [-b BASE] LABEL=[PRELOAD]...
 *                -- PROG [ARG]...
 *
 * Each round spawns PROG SPAWNS times per setting (posix_spawn + wait4,
 * timed from just before the spawn to just after the wait).  The settings
 * take turns spawn by spawn, starting one further each time, so a burst of
 * noise on the machine hits them all alike.  LABEL= with no path runs PROG
 * with no preload at all.  Output, one line per setting:
 *
 *   startup: LABEL mean_us=A median_us=M extra_us=E iqr_us=Q1..Q3
 *            range_us=LO..HI ratio=R cpu_us=C cpu_extra_us=CE
 *            cpu_iqr_us=CQ1..CQ3 minflt=F
 *
 * (on one line).  A and M are the mean and the median over every spawn.
 * E is what this setting adds per process: the median over rounds of
 * (this setting's mean in the round - BASE's mean in the same round);
 * Q1..Q3 and LO..HI, the quartiles and the extremes of that difference
 * over the rounds: its spread.  R is the median over rounds of the ratio
 * of the same two means.
 *
 * Load adds the same large time to every setting, which shrinks the ratio
 * of a fixed cost towards 1 and buries E in noise.  The child's own CPU
 * time (wait4's rusage, user + system: the kernel's precise run time of the
 * child, exec and exit included) leaves out the time it waited for a CPU:
 * C is its mean per spawn, CE and CQ1..CQ3 the same per-round differences
 * as E and Q1..Q3.  The gap A - C (the wait, plus the parent's spawn and wait) is
 * small and steady on a quiet machine and grows with the load; bench/run.sh
 * reads it.  F is the child's minor page faults, the median over every
 * spawn: a count the machine's noise does not move.  BASE is the first
 * setting unless -b names another.  A child that does not exit 0 is a
 * wrong result: exit status 1.
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
    double *cpu;        /* every spawn's child's CPU time, ns */
    double *flt;        /* every spawn's child's minor faults */
    double *extra;      /* per round: mean - base's mean, ns */
    double *cpu_extra;  /* per round: the same for the CPU time */
    double *ratio;      /* per round: mean / base's mean */
};

static void die(const char *msg)
{
    fprintf(stderr, "startup: %s\n", msg);
    exit(2);
}

static double *array(long n)
{
    double *p = calloc((size_t)n, sizeof(double));
    if (!p)
        die("out of memory");
    return p;
}

static double mean(const double *v, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

static double tv_ns(struct timeval t)
{
    return (double)t.tv_sec * 1e9 + (double)t.tv_usec * 1e3;
}

/* One timed spawn + wait; returns ns, or -1 when the child failed; the
 * child's CPU time (ns) and minor page faults in *cpu and *flt. */
static double spawn_once(char **argv, char **envp, double *cpu, double *flt)
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
    *cpu = tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
    *flt = (double)ru.ru_minflt;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t1 - t0 : -1;
}

/* The q-quantile of v[0..n) (sorts v), by linear interpolation. */
static double quantile(double *v, long n, double q)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double pos = q * (double)(n - 1);
    long i = (long)pos;
    return i + 1 < n ? v[i] + (pos - (double)i) * (v[i + 1] - v[i]) : v[i];
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
    if (rounds < 1 || spawns < 1)
        die("ROUNDS and SPAWNS must be at least 1");
    struct setting set[MAX_SETTINGS];
    int ns = 0, b = 0;
    for (; optind < argc && strcmp(argv[optind], "--") != 0; optind++) {
        char *eq = strchr(argv[optind], '=');
        if (!eq || ns == MAX_SETTINGS)
            die("settings are LABEL=[PRELOAD], at most 16");
        *eq = '\0';
        struct setting *s = &set[ns];
        s->label = argv[optind];
        s->envp = env_with_preload(environ, eq + 1);
        s->ns = array(rounds * spawns);
        s->cpu = array(rounds * spawns);
        s->flt = array(rounds * spawns);
        s->extra = array(rounds);
        s->cpu_extra = array(rounds);
        s->ratio = array(rounds);
        if (base && !strcmp(base, s->label))
            b = ns;
        ns++;
    }
    if (optind + 1 >= argc || ns == 0)
        die("usage: startup [-r R] [-n N] [-b BASE] LABEL=[SO]... -- PROG [ARG]...");
    char **prog = argv + optind + 1;

    for (long r = 0; r < rounds; r++) {
        for (long i = 0; i < spawns; i++)
            for (int k = 0; k < ns; k++) {
                struct setting *s = &set[(k + i + r) % ns];
                long j = r * spawns + i;
                double t = spawn_once(prog, s->envp, &s->cpu[j], &s->flt[j]);
                if (t < 0) {
                    fprintf(stderr, "startup: %s failed under setting %s\n",
                            prog[0], s->label);
                    return 1;
                }
                s->ns[j] = t;
            }
        double bw = mean(set[b].ns + r * spawns, spawns);
        double bc = mean(set[b].cpu + r * spawns, spawns);
        for (int k = 0; k < ns; k++) {
            double w = mean(set[k].ns + r * spawns, spawns);
            set[k].extra[r] = w - bw;
            set[k].cpu_extra[r] = mean(set[k].cpu + r * spawns, spawns) - bc;
            set[k].ratio[r] = w / bw;
        }
    }
    long all = rounds * spawns;
    for (int k = 0; k < ns; k++) {
        struct setting *s = &set[k];
        double m = mean(s->ns, all), c = mean(s->cpu, all);
        double *e = s->extra, *ce = s->cpu_extra;
        printf("startup: %s mean_us=%.1f median_us=%.1f extra_us=%.1f "
               "iqr_us=%.1f..%.1f range_us=%.1f..%.1f ratio=%.4f "
               "cpu_us=%.1f cpu_extra_us=%.1f cpu_iqr_us=%.1f..%.1f "
               "minflt=%.0f\n",
               s->label, m / 1e3, median(s->ns, (size_t)all) / 1e3,
               quantile(e, rounds, 0.5) / 1e3, quantile(e, rounds, 0.25) / 1e3,
               quantile(e, rounds, 0.75) / 1e3, quantile(e, rounds, 0) / 1e3,
               quantile(e, rounds, 1) / 1e3, median(s->ratio, (size_t)rounds),
               c / 1e3, quantile(ce, rounds, 0.5) / 1e3,
               quantile(ce, rounds, 0.25) / 1e3,
               quantile(ce, rounds, 0.75) / 1e3, median(s->flt, (size_t)all));
    }
    return 0;
}
