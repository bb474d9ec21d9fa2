/* SPDX-License-Identifier: MIT */
/* timing.h - what the benchmark's C programs share: a monotonic clock in
 * nanoseconds, medians, and the environment a child gets under one preload
 * setting.  Header-only: each program is one .c file. */
#ifndef BENCH_TIMING_H
#define BENCH_TIMING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v in place; the median (the mean of the middle two when n is even). */
static inline double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* environ with LD_PRELOAD replaced by `preload`, or removed when preload is
 * empty: the driver's own preload must not leak into a setting.  Exits 2
 * when out of memory. */
static inline char **env_with_preload(char **environ_, const char *preload)
{
    size_t n = 0, k = 0;
    while (environ_[n])
        n++;
    char **envp = calloc(n + 2, sizeof *envp);
    if (!envp)
        exit(2);
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ_[i], "LD_PRELOAD=", 11) != 0)
            envp[k++] = environ_[i];
    if (*preload) {
        size_t len = strlen(preload) + sizeof "LD_PRELOAD=";
        char *s = malloc(len);
        if (!s)
            exit(2);
        snprintf(s, len, "LD_PRELOAD=%s", preload);
        envp[k++] = s;
    }
    envp[k] = NULL;
    return envp;
}

#endif
