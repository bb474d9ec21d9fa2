/* SPDX-License-Identifier: MIT */
/* profile.h - how the files of skcexec-profile talk to each other:
 *   skcexec-profile.c  options, main and the sampling loop
 *   profile_run.c      starting CMD in its cgroup, reaping, ending the run
 *   profile_signal.c   which signals we take, what children get back
 *   profile_kill.c     signalling what is left of the tree, never others
 *   profile_sample.c   /proc, the process tree, per-process entries, the peak
 *   profile_report.c   the time line and the summary lines
 *   profile_cgroup.c   the memory cgroup
 *   profile_output.c   --output, --csv and --chart files, written safely
 *   profile_chart.c    the optional gnuplot chart
 *   profile_fit.c      --fit: the build with and without libskcexec */
#ifndef SKCEXEC_PROFILE_H
#define SKCEXEC_PROFILE_H

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <time.h>

#define PROG "skcexec-profile"
#define EXIT_USAGE 2
#define EXIT_INTERNAL 125  /* the profiler itself failed (like env(1)) */
#define NAME_LEN 32

/* ---- helpers shared by every file ------------------------------------------ */

static inline long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ARRAY with room for NEED elements of ELEM bytes (*CAP of them now);
 * out of memory is the profiler's failure: status 125. */
static inline void *grow(void *array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return array;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(array, n * elem);
    if (!p) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
    *cap = n;
    return p;
}

/* ---- options (skcexec-profile.c) ------------------------------------------- */

#define FIT_MAX_LIMITS 16

/* --fit MIB[,LABEL]: a limit to check the build against. */
struct fit_limit {
    long mib;
    char label[96];
};

struct options {
    long interval_ms, limit_mib, top;
    int quiet, no_cgroup;
    const char *chart, *csv, *output;
    struct fit_limit fit[FIT_MAX_LIMITS];
    int nfit;                 /* 0: no --fit, a plain profile */
    char **cmd;
};

/* ---- output files (profile_output.c) --------------------------------------- */

struct output {
    int fd;                   /* -1 when closed */
    FILE *f;                  /* out_stream's, or NULL */
    char path[PATH_MAX];      /* the name given */
    char tmp[PATH_MAX];       /* the new file renamed over it, or "" when
                               * written in place (a pipe, a device) */
};

/* Opens PATH to be written without truncating or following anything
 * there (see profile_output.c).  0, or -1 with the reason in WHY. */
int out_open(struct output *o, const char *path, char *why, size_t size);

/* A stdio stream on the file (NULL when out of memory). */
FILE *out_stream(struct output *o);

/* Writes LEN bytes; -1 with errno (EPIPE: the reader is gone). */
int out_write(struct output *o, const char *buf, size_t len);

/* Closes the file and renames the new file over the name; 0 or -1 with
 * errno (the new file is then removed). */
int out_commit(struct output *o);

/* Closes the file and removes the new file. */
void out_drop(struct output *o);

/* Removes every new file not yet renamed (async-signal-safe). */
void out_drop_temps(void);

/* ---- memory cgroup (profile_cgroup.c) -------------------------------------- */

struct cgroup {
    int version;          /* 1 or 2 once created; 0 when there is none */
    int has_peak;         /* the group has a max-usage counter */
    char dir[PATH_MAX];   /* the group's directory */
    char procs[PATH_MAX + 16];  /* its cgroup.procs, its cgroup.kill: */
    char kill[PATH_MAX + 16];   /* made once, for async-signal-safe code */
    char why[512];        /* why there is no group (version == 0) */
};

/* Creates a fresh memory cgroup for one run, with a hard limit of
 * LIMIT_MIB (0: no limit), inside the profiler's own group and nowhere
 * else, under a name no other run has.  Returns 0, or -1 with cg->why
 * set. */
int cg_create(struct cgroup *cg, long limit_mib);

/* Sends SIG to every process of the group, each through a pidfd that
 * was checked to be in the group after it was opened (v2 with SIGKILL:
 * cgroup.kill as well).  Returns how many processes it found there.
 * Async-signal-safe. */
int cg_signal(const struct cgroup *cg, int sig);

/* The last resort (a fault of ours, an exit on an error): kills what is
 * in the group made by cg_create, if any, and removes it.
 * Async-signal-safe. */
void cg_emergency(void);

/* Moves PID into the group.  0 or -1 with cg->why set. */
int cg_add(struct cgroup *cg, pid_t pid);

/* The group's peak usage in bytes, or -1 when it has no such counter. */
long long cg_peak_bytes(const struct cgroup *cg);

/* The group's usage now (memory.current, memory.usage_in_bytes) and the
 * part of it that is page cache of files, which the kernel can write back
 * and reclaim (shmem, tmpfs, is not): bytes.  0, or -1 if unreadable. */
int cg_usage(const struct cgroup *cg, long long *usage, long long *file);

/* How many processes the OOM killer killed in the group, -1 if unknown. */
long cg_oom_kills(const struct cgroup *cg);

/* Removes the group (retried briefly: the kernel frees it lazily). */
void cg_remove(struct cgroup *cg);

/* ---- the sampled process tree (profile_sample.c) --------------------------- */

struct mark {
    long t_ms, kib;
};

/* Resident memory in KiB by kind (/proc/PID/status): anonymous (the heap,
 * freed when the process exits or execs), file-backed (page cache, which
 * the kernel can write back and reclaim under a limit), shmem (tmpfs,
 * shared anonymous: kept until swapped). */
struct rss {
    long anon, file, shmem;
};

#define NO_ENTRY ((size_t)-1)

/* One (process, name) pair: an exec in place (skc becoming clang++) keeps
 * the pid and starts a new entry, so the hand-over shows. */
struct entry {
    int pid, ppid;            /* ppid when first seen */
    unsigned long long start; /* start time: tells a reused pid apart */
    char comm[NAME_LEN];
    char prev[NAME_LEN];      /* name before an exec in place, or "" */
    char next[NAME_LEN];      /* name after one, or "" */
    size_t from;              /* the entry before that exec, or NO_ENTRY */
    long first_ms, end_ms, kib, max_kib;
    struct rss rss;           /* at the last sample */
    struct rss max_anon;      /* at the sample of the largest rss.anon */
    struct mark *marks;       /* first sample, then each big new maximum */
    size_t nmarks, cap_marks;
};

/* The tree's largest sampled sum, and who made it up. */
struct peak {
    long kib, t_ms;           /* kib is -1 before the first sample */
    struct mark *parts;       /* t_ms holds the entry id here */
    size_t nparts, cap_parts;
};

struct proc;                  /* one process of a /proc snapshot */

struct tree {
    struct entry *entries;    /* every entry of the run; ids index it */
    size_t nentries, cap_entries;
    /* Entries alive at the last sample, in pid order (ids into entries),
     * and the array the next sample builds its list in. */
    size_t *live, nlive, cap_live;
    size_t *live_next, cap_live_next;
    struct peak peak;
    struct proc *procs;       /* the last /proc snapshot, in pid order */
    size_t nprocs, cap_procs;
    FILE *csv;                /* --csv rows, or NULL */
    FILE *chart;              /* the chart's "t_ms id rss_kib" lines, or NULL */
};

/* An empty tree whose samples also go to CSV and CHART (each may be NULL). */
void tree_init(struct tree *t, FILE *csv, FILE *chart);

/* One sample, T_MS after the start: every process descending from SELF
 * (proc_self()) in /proc. */
void tree_sample(struct tree *t, int self, long t_ms);

/* Ends, at T_MS, every entry still alive: the run is over. */
void tree_end(struct tree *t, long t_ms);

/* Our own pid as /proc shows it, or -1 when /proc does not show us.  Not
 * getpid(): in a pid namespace that still sees the host's /proc, getpid()
 * is 1 there while /proc numbers us (and the parent of CMD) otherwise. */
int proc_self(void);

/* ---- ending what is left of the tree (profile_kill.c) ---------------------- */

/* Sends SIG to every process of CMD's tree: the members of the cgroup CG
 * (if it has one) and every descendant of SELF (proc_self(); none if -1)
 * in /proc, through handles that cannot be reused.  Returns how many
 * processes got it. */
int tree_signal(const struct cgroup *cg, int self, int sig);

/* ---- signals (profile_signal.c) -------------------------------------------- */

/* Sets our dispositions and mask: WAITED gets the signals the run loop
 * takes (SIGCHLD, and every one that ends the run), blocked from now on;
 * CLEANUP (async-signal-safe) runs before we die of a fault. */
void sig_setup(sigset_t *waited, void (*cleanup)(void));

/* Whether SIG, taken with sigtimedwait, asks the run to end. */
int sig_ends_run(int sig);

/* In a child before exec (async-signal-safe): CMD gets back what we
 * inherited; a helper (gnuplot) gets default dispositions, no mask. */
void sig_child_as_inherited(void);
void sig_child_clean(void);

/* Before a last write that may block: the signals act on us again as
 * they did when we started (SIGPIPE stays ignored: EPIPE is handled). */
void sig_release(void);

/* A new maximum worth a line: FACTOR (0.1: 10%) and 64 MiB above the last
 * one noted. */
int big_step(long from_kib, long to_kib, double factor);

/* ---- running CMD (profile_run.c) ------------------------------------------- */

struct child {
    pid_t pid;
    int status;               /* wait status, once reaped; -1 before */
    long long t0_ms;          /* when it was started: time 0 of the samples */
    sigset_t waited;          /* the signals we take with sigtimedwait */
    int self;                 /* proc_self() */
    const struct cgroup *cg;  /* CMD's group (version 0: none) */
    int stop_sig;             /* the signal that ended the run, or 0 */
    int told;                 /* the rest of the tree got SIGTERM */
    long long kill_at;        /* when what is left gets SIGKILL */
};

/* Makes us the subreaper of CMD's tree and sets up the signals (from now
 * on, no signal is lost); CLEANUP is sig_setup's. */
void run_prepare(struct child *c, void (*cleanup)(void));

/* Forks OPT->cmd, in the cgroup CG if it has one; returns whether CMD was
 * exec'd.  When CMD cannot enter the group, CG is removed and the reason
 * goes to CG_WHY (WHY_SIZE bytes). */
int run_start(struct child *c, const struct options *opt, struct cgroup *cg,
              char *cg_why, size_t why_size);

/* Reaps whatever exited; returns 0 once no process of the tree is left. */
int run_reap(struct child *c);

/* Waits for a signal until DEADLINE (ms, monotonic); returns early when a
 * child changed state or a signal asked the run to end (see run_stop). */
void run_wait_until(struct child *c, long long deadline);

/* Once a signal asked the run to end: what is left of the tree after CMD
 * exited gets SIGTERM, and everything, CMD included, SIGKILL after a
 * grace period or at a second signal.  Called after each wait. */
void run_stop(struct child *c);

/* Waits for PID, a helper of ours (gnuplot); a signal meanwhile ends it
 * (SIGTERM, SIGKILL after the grace period or at a second signal).
 * Returns its wait status, or -1. */
int run_wait_helper(struct child *c, pid_t pid);

/* CMD's exit status, 128+N if signal N killed it. */
int run_exit_status(const struct child *c);

/* ---- the report (profile_report.c) ----------------------------------------- */

/* The --top entries by maximum RSS, biggest first. */
struct top {
    size_t *ids;              /* into tree->entries */
    size_t n;
};

void report_choose_top(struct top *top, const struct tree *t, long max);

/* The time line of the TOP entries and of the peak. */
void report_time_line(FILE *out, const struct tree *t, const struct top *top,
                      const struct options *opt);

struct result {
    long peak_mib;
    const char *source;
    long oom_kills;
    int status;               /* CMD's */
    int exit_status;          /* ours: CMD's, or --fit's verdict */
    int stop_sig;             /* the signal that ended the run, or 0 */
    double wall_s;
};

/* The peak (the cgroup's if CG has a counter, else the sampled one, with
 * CG_WHY saying why), the OOM kills, and the machine-readable line; fills
 * R's peak_mib, source and oom_kills. */
void report_summary(FILE *out, const struct tree *t, const struct cgroup *cg,
                    const char *cg_why, const struct options *opt, struct result *r);

/* ---- will the build fit? (profile_fit.c) ---------------------------------- */

struct fit;

/* An empty account, with the library's own lists of skc and clang names
 * (SKCEXEC_CALLERS, SKCEXEC_TARGETS from our environment, which CMD
 * inherits). */
struct fit *fit_new(void);

/* After each tree_sample at T_MS: the usage of the group CG (or the RSS
 * sums without one), the skc and clang processes seen, and what each skc
 * replaced by clang would add while its clang runs. */
void fit_sample(struct fit *f, const struct tree *t, const struct cgroup *cg, long t_ms);

/* The table, one verdict line per --fit limit, and the machine-readable
 * lines; returns the exit status: CMD's when it failed, else 0 when the
 * build fits the first limit with the library, 1 when it does not. */
int fit_report(FILE *out, struct fit *f, const struct tree *t, const struct options *opt,
               const struct result *r);

/* ---- chart (profile_chart.c) ----------------------------------------------- */

struct chart {
    const char *file;         /* --chart FILE; NULL when there is no chart */
    char gnuplot[PATH_MAX];
    char dir[PATH_MAX];       /* temporary directory of the samples */
    char samples_path[PATH_MAX + 16];
    FILE *samples;            /* "t_ms id rss_kib" lines, written while sampling */
};

/* Gets ready to draw FILE (NULL: no chart): finds gnuplot and opens the
 * samples file.  When that fails, one line on stderr and no chart (file is
 * NULL): the run goes on. */
void chart_begin(struct chart *ch, const char *file);

/* Draws the chart (the total and the TOP entries of T, titled with CMD
 * and PEAK_MIB) and removes the temporary files; a signal meanwhile ends
 * gnuplot (run_wait_helper with C's signals). */
void chart_end(struct chart *ch, struct child *c, const struct tree *t,
               const struct top *top, char **cmd, long peak_mib);

#endif
