/* profile.h - the parts of skcexec-profile that live in their own files:
 * the memory cgroup (profile_cgroup.c) and the gnuplot chart
 * (profile_chart.c).  skcexec-profile.c holds the sampling and the report. */
#ifndef SKCEXEC_PROFILE_H
#define SKCEXEC_PROFILE_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- memory cgroup ------------------------------------------------------- */

struct cgroup {
    int version;          /* 1 or 2 once created; 0 when there is none */
    int has_peak;         /* the group has a max-usage counter */
    char dir[PATH_MAX];   /* the group's directory */
    char why[512];        /* why there is no group (version == 0) */
};

/* Creates a fresh memory cgroup for one run, with a hard limit of
 * LIMIT_MIB (0: no limit).  Returns 0, or -1 with cg->why set. */
int cg_create(struct cgroup *cg, long limit_mib);

/* Moves PID into the group.  0 or -1 with cg->why set. */
int cg_add(struct cgroup *cg, pid_t pid);

/* The group's peak usage in bytes, or -1 when it has no such counter. */
long long cg_peak_bytes(const struct cgroup *cg);

/* How many processes the OOM killer killed in the group, -1 if unknown. */
long cg_oom_kills(const struct cgroup *cg);

/* Removes the group (retried briefly: the kernel frees it lazily). */
void cg_remove(struct cgroup *cg);

/* ---- chart ----------------------------------------------------------------- */

/* The full path of gnuplot on PATH in BUF, or NULL. */
const char *chart_find_gnuplot(char *buf, size_t size);

struct chart_series {
    long id;              /* entry id in the samples file, -1 for the total */
    char title[64];
};

/* Draws FILE (.png or .svg) from SAMPLES, a text file of
 * "t_ms id rss_kib" lines: one line per series.  Returns 0 or -1 (a
 * one-line message is printed on stderr). */
int chart_draw(const char *gnuplot, const char *file, const char *samples,
               const struct chart_series *series, size_t nseries,
               const char *title);

#endif
