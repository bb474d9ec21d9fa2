/* SPDX-License-Identifier: MIT */
/* skcexec-profile - memory profile of a command's whole process tree.
 *
 * usage: skcexec-profile [--interval MS] [--chart FILE] [--csv FILE]
 *            [--limit MIB] [--top N] [--quiet] [--output FILE] [--no-cgroup]
 *            [--fit MIB[,LABEL]]... [--] CMD [ARGS...]
 *
 * Runs CMD, samples the RSS of every process of its tree from /proc, and
 * prints on stderr (or --output FILE; stdout stays CMD's) a time line of
 * the biggest processes, the tree's peak, and one machine-readable line:
 *   skcexec-profile: peak_mib=N source=cgroup-v2|cgroup-v1|sampled
 *                    oom_kill=0|1|? status=S wall_s=X.XX
 * When a memory cgroup is writable, CMD runs in a group of its own and the
 * kernel's high-water mark of that group is the peak (no sample can miss
 * it); otherwise the peak is the largest sampled sum, an estimate.  The
 * exit status is CMD's (128+N when a signal N killed it).  With --fit
 * (what `skcexec fit` runs), the report ends with whether the build fits
 * each limit given without libskcexec, with it, or not at all
 * (profile_fit.c), and the status says whether it fits the first.  See
 * the man pages, man/skcexec-profile.1 and man/skcexec.1 (FIT).
 *
 * Why a tree sum: skc (3.4 GB) and the clang it starts (0.9 GB) are two
 * processes, and a machine runs out of memory on their sum.  We are a
 * child subreaper, so processes whose parent exits (an `env -C` wrapper, a
 * daemonising script) are re-parented to us and stay in the tree; we go on
 * sampling until the last of them exits.
 *
 * This file: the options, and main's steps in order (signals, files,
 * cgroup, chart, start, sample until the tree is gone, report).  The other
 * files are listed in profile.h. */
#include "profile.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef VERSION
#define VERSION "unknown"
#endif

/* ---- options ------------------------------------------------------------- */

static struct options opt = {.interval_ms = 100, .top = 5};

/* Usage errors are one line on stderr and status 2. */
__attribute__((format(printf, 1, 2), noreturn))
static void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(PROG ": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see " PROG " --help)\n", stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

static void help(void)
{
    puts("usage: " PROG " [OPTION]... [--] CMD [ARGS...]\n"
         "Run CMD and report the memory (RSS) of its whole process tree over time.\n"
         "\n"
         "  --interval MS  sampling period in milliseconds (default 100)\n"
         "  --csv FILE     write every sample: t_ms,pid,comm,rss_kib (+ TOTAL rows)\n"
         "  --chart FILE   draw RSS over time into FILE (.png or .svg; needs gnuplot)\n"
         "  --limit MIB    run CMD in its own memory cgroup limited to MIB\n"
         "  --top N        processes shown in the time line (default 5)\n"
         "  --quiet        print only the summary lines\n"
         "  --output FILE  write the report to FILE instead of stderr\n"
         "  --no-cgroup    do not use a memory cgroup: the peak is sampled only\n"
         "  --fit MIB[,LABEL]  say whether the build fits MIB without libskcexec,\n"
         "                 with it, or not at all (repeatable; see skcexec fit)\n"
         "  --help, --version\n"
         "\n"
         "The exit status is CMD's (128+N if signal N killed it); 2 for a usage\n"
         "error, 126/127 if CMD cannot be run, 125 if the profiler itself fails.\n"
         "With --fit, when CMD succeeded: 0 if the build fits the first limit with\n"
         "the library, 1 if it does not.");
    exit(0);
}

/* A whole decimal number in [MIN, MAX], else a usage error naming OPTION. */
static long number(const char *option, const char *text, long min, long max)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        usage_error("%s: not a number from %ld to %ld: '%s'", option, min, max, text);
    return v;
}

/* --fit MIB[,LABEL] */
static void add_fit(const char *text)
{
    if (opt.nfit == FIT_MAX_LIMITS)
        usage_error("--fit: at most %d limits", FIT_MAX_LIMITS);
    struct fit_limit *l = &opt.fit[opt.nfit++];
    const char *comma = strchr(text, ',');
    char num[32];
    size_t len = comma ? (size_t)(comma - text) : strlen(text);
    snprintf(num, sizeof num, "%.*s", (int)(len < sizeof num ? len : sizeof num - 1), text);
    if (len >= sizeof num)
        usage_error("--fit: not a number of MiB from 1 to %ld: '%s'", 1L << 30, text);
    l->mib = number("--fit", num, 1, 1L << 30);
    snprintf(l->label, sizeof l->label, "%s", comma ? comma + 1 : "");
}

static void parse_options(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"interval", required_argument, NULL, 'i'},
        {"chart", required_argument, NULL, 'c'},
        {"csv", required_argument, NULL, 'v'},
        {"limit", required_argument, NULL, 'l'},
        {"top", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},
        {"output", required_argument, NULL, 'o'},
        {"no-cgroup", no_argument, NULL, 'n'},
        {"fit", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0; /* our own one-line messages */
    /* "+": stop at CMD, whose own options are not ours. */
    while ((c = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
        switch (c) {
        case 'i': opt.interval_ms = number("--interval", optarg, 1, 3600000); break;
        case 'l': opt.limit_mib = number("--limit", optarg, 1, 1L << 30); break;
        case 't': opt.top = number("--top", optarg, 1, 1000); break;
        case 'c': opt.chart = optarg; break;
        case 'v': opt.csv = optarg; break;
        case 'o': opt.output = optarg; break;
        case 'q': opt.quiet = 1; break;
        case 'n': opt.no_cgroup = 1; break;
        case 'f': add_fit(optarg); break;
        case 'h': help(); break;
        case 'V': puts(PROG " " VERSION); exit(0);
        case ':': usage_error("option '%s' needs an argument", argv[optind - 1]); break;
        default: usage_error("unknown option '%s'", argv[optind - 1]); break;
        }
    }
    if (optind >= argc)
        usage_error("no command given");
    opt.cmd = argv + optind;
    if (opt.no_cgroup && opt.limit_mib)
        usage_error("--limit needs a cgroup: it cannot go with --no-cgroup");
    /* Without /proc nothing tells skc from clang: no estimate is possible,
     * with or without a cgroup. */
    if (opt.nfit && proc_self() < 0)
        usage_error("--fit needs /proc to see each process's memory, and /proc does "
                    "not show this process (not mounted?)");
    if (opt.chart) {
        const char *ext = strrchr(opt.chart, '.');
        if (!ext || (strcasecmp(ext, ".png") != 0 && strcasecmp(ext, ".svg") != 0))
            usage_error("--chart: the file name must end in .png or .svg: '%s'",
                        opt.chart);
    }
}

/* ---- main ---------------------------------------------------------------- */

static struct output csv_out, report_out;

/* --csv and --output: a bad path is a usage error (status 2), before the
 * command runs. */
static void open_or_die(struct output *o, const char *what, const char *path)
{
    char why[256];
    if (out_open(o, path, why, sizeof why) != 0) {
        fprintf(stderr, PROG ": %s: %s: %s\n", what, path, why);
        exit(EXIT_USAGE);
    }
}

/* The last resort, on an exit for an error or a fault of ours (it may
 * run in a signal handler): no group, no temporary file left behind. */
static void emergency(void)
{
    cg_emergency();
    out_drop_temps();
}

/* The memory cgroup CMD will run in, or none (CG_WHY says why).  --limit
 * without a group is a usage error: status 2. */
static void make_cgroup(struct cgroup *cg, char *cg_why, size_t why_size)
{
    if (opt.no_cgroup) {
        memset(cg, 0, sizeof *cg);
        snprintf(cg_why, why_size, "--no-cgroup given");
    } else if (cg_create(cg, opt.limit_mib) != 0) {
        if (opt.limit_mib) {
            fprintf(stderr, PROG ": --limit needs a writable memory cgroup: %s\n", cg->why);
            exit(EXIT_USAGE);
        }
        snprintf(cg_why, why_size, "%s", cg->why);
    }
}

/* Samples every INTERVAL until no process of the tree is left; FIT (or
 * NULL) accounts each sample, with the usage of the group CG. */
static void run_loop(struct child *c, struct tree *tree, int execd, struct fit *fit,
                     const struct cgroup *cg)
{
    long long next = c->t0_ms;
    while (run_reap(c)) {
        run_stop(c);
        long long now = now_ms();
        if (now >= next) {
            if (execd) {
                tree_sample(tree, c->self, (long)(now - c->t0_ms));
                if (fit)
                    fit_sample(fit, tree, cg, (long)(now - c->t0_ms));
            }
            /* On the grid t0 + k * interval; late samples are skipped,
             * not bunched. */
            long long k = (now - c->t0_ms) / opt.interval_ms + 1;
            next = c->t0_ms + k * opt.interval_ms;
        }
        run_wait_until(c, next);
    }
    tree_end(tree, (long)(now_ms() - c->t0_ms));
}

/* The report, written in memory first: nothing blocks before the group
 * is removed and the files are in place. */
static char *render_report(const struct tree *tree, const struct top *top,
                           const struct cgroup *cg, const char *cg_why,
                           struct fit *fit, struct result *r, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
    if (!opt.quiet)
        report_time_line(f, tree, top, &opt);
    report_summary(f, tree, cg, cg_why, &opt, r);
    if (fit)
        r->exit_status = fit_report(f, fit, tree, &opt, r);
    if (fclose(f) != 0) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
    return text;
}

/* The report to --output or stderr.  A reader that went away (EPIPE,
 * `| head`) ends it quietly. */
static void write_report(const char *text, size_t len)
{
    struct output err = {.fd = 2};
    struct output *o = opt.output ? &report_out : &err;
    /* Writing to a pipe or a terminal may block for good: from here on a
     * signal ends us as it would any program (nothing is left to clean). */
    if (!o->tmp[0])
        sig_release();
    if (out_write(o, text, len) != 0 && errno != EPIPE)
        fprintf(stderr, PROG ": %s: %s\n", opt.output ? opt.output : "stderr",
                strerror(errno));
    if (opt.output && out_commit(o) != 0)
        fprintf(stderr, PROG ": --output: %s: %s\n", opt.output, strerror(errno));
}

int main(int argc, char **argv)
{
    parse_options(argc, argv);
    struct child child;
    run_prepare(&child, emergency);
    atexit(emergency);
    FILE *csv = NULL;
    if (opt.output)
        open_or_die(&report_out, "--output", opt.output);
    if (opt.csv) {
        open_or_die(&csv_out, "--csv", opt.csv);
        if (!(csv = out_stream(&csv_out))) {
            fprintf(stderr, PROG ": out of memory\n");
            exit(EXIT_INTERNAL);
        }
        fputs("t_ms,pid,comm,rss_kib\n", csv);
    }

    struct cgroup cg;
    char cg_why[sizeof cg.why] = "";
    make_cgroup(&cg, cg_why, sizeof cg_why);
    struct chart chart;
    chart_begin(&chart, opt.chart);
    struct tree tree;
    tree_init(&tree, csv, chart.samples);

    struct fit *fit = opt.nfit ? fit_new() : NULL;

    int execd = run_start(&child, &opt, &cg, cg_why, sizeof cg_why);
    run_loop(&child, &tree, execd, fit, &cg);

    struct result r = {0};
    r.wall_s = (double)(now_ms() - child.t0_ms) / 1000.0;
    r.status = r.exit_status = run_exit_status(&child);
    r.stop_sig = child.stop_sig;
    struct top top;
    report_choose_top(&top, &tree, opt.top);
    size_t len;
    char *text = render_report(&tree, &top, &cg, cg_why, fit, &r, &len);
    cg_remove(&cg);
    if (csv && out_commit(&csv_out) != 0)
        fprintf(stderr, PROG ": --csv: %s: %s\n", opt.csv, strerror(errno));
    chart_end(&chart, &child, &tree, &top, opt.cmd, r.peak_mib);
    write_report(text, len);
    free(text);
    return r.exit_status;
}
