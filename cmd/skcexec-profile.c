/* skcexec-profile - memory profile of a command's whole process tree.
 *
 * usage: skcexec-profile [--interval MS] [--chart FILE] [--csv FILE]
 *            [--limit MIB] [--top N] [--quiet] [--output FILE] [--no-cgroup]
 *            [--] CMD [ARGS...]
 *
 * Runs CMD, samples the RSS of every process of its tree from /proc, and
 * prints on stderr (or --output FILE; stdout stays CMD's) a time line of
 * the biggest processes, the tree's peak, and one machine-readable line:
 *   skcexec-profile: peak_mib=N source=cgroup-v2|cgroup-v1|sampled
 *                    oom_kill=0|1|? status=S wall_s=X.XX
 * When a memory cgroup is writable, CMD runs in a group of its own and the
 * kernel's high-water mark of that group is the peak (no sample can miss
 * it); otherwise the peak is the largest sampled sum, an estimate.  The
 * exit status is CMD's (128+N when a signal N killed it).  See the man
 * page, man/skcexec-profile.1.
 *
 * Why a tree sum: skc (3.4 GB) and the clang it starts (0.9 GB) are two
 * processes, and a machine runs out of memory on their sum.  We are a
 * child subreaper, so processes whose parent exits (an `env -C` wrapper, a
 * daemonising script) are re-parented to us and stay in the tree; we go on
 * sampling until the last of them exits. */
#include "profile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "unknown"
#endif

#define PROG "skcexec-profile"
#define EXIT_USAGE 2
#define EXIT_INTERNAL 125  /* the profiler itself failed (like env(1)) */
#define MAX_LINES 40       /* time line length we thin down to */
#define MAX_MARKS 256
#define NAME_LEN 32

/* ---- options ------------------------------------------------------------- */

static struct {
    long interval_ms, limit_mib, top;
    int quiet, no_cgroup;
    const char *chart, *csv, *output;
    char **cmd;
} opt = {.interval_ms = 100, .top = 5};

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
         "  --help, --version\n"
         "\n"
         "The exit status is CMD's (128+N if signal N killed it); 2 for a usage\n"
         "error, 126/127 if CMD cannot be run, 125 if the profiler itself fails.");
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
    if (opt.chart) {
        const char *ext = strrchr(opt.chart, '.');
        if (!ext || (strcasecmp(ext, ".png") != 0 && strcasecmp(ext, ".svg") != 0))
            usage_error("--chart: the file name must end in .png or .svg: '%s'",
                        opt.chart);
    }
}

/* ---- time ------------------------------------------------------------------ */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long t0_ms;

/* ---- what we know of each process ------------------------------------------ */

struct mark {
    long t_ms, kib;
};

/* One (process, name) pair: an exec in place (skc becoming clang++) keeps
 * the pid and starts a new entry, so the hand-over shows. */
struct entry {
    int pid;
    unsigned long long start; /* start time: tells a reused pid apart */
    char comm[NAME_LEN];
    char prev[NAME_LEN];      /* name before an exec in place, or "" */
    char next[NAME_LEN];      /* name after one, or "" */
    long first_ms, end_ms, kib, max_kib;
    struct mark *marks;       /* first sample, then each big new maximum */
    size_t nmarks, cap_marks;
};

static struct entry *entries;
static size_t nentries, cap_entries;

/* Entries alive at the last sample, in pid order (ids into entries). */
static size_t *live, nlive, cap_live;
static size_t *live_next;
static size_t cap_live_next;

/* The tree's largest sampled sum, and who made it up. */
static long peak_kib = -1, peak_ms;
static struct mark *peak_parts; /* t_ms holds the entry id here */
static size_t npeak_parts, cap_peak_parts;

static void *grow(void *array, size_t *cap, size_t need, size_t elem)
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

/* Most processes (a build's many small ones) get one mark: grow slowly. */
static void add_mark(struct entry *e, long t_ms, long kib)
{
    if (e->nmarks >= MAX_MARKS)
        return;
    if (e->nmarks == e->cap_marks) {
        size_t n = e->cap_marks ? e->cap_marks * 2 : 1;
        struct mark *m = realloc(e->marks, n * sizeof *m);
        if (!m) {
            fprintf(stderr, PROG ": out of memory\n");
            exit(EXIT_INTERNAL);
        }
        e->marks = m;
        e->cap_marks = n;
    }
    e->marks[e->nmarks++] = (struct mark){t_ms, kib};
}

/* A new maximum worth a line: 10% and 64 MiB above the last one noted. */
static int big_step(long from_kib, long to_kib, double factor)
{
    return (double)to_kib > (double)from_kib * (1 + factor) &&
           to_kib - from_kib > 64L * 1024;
}

static size_t new_entry(int pid, unsigned long long start, const char *comm,
                        const char *prev, long t_ms)
{
    entries = grow(entries, &cap_entries, nentries + 1, sizeof *entries);
    struct entry *e = &entries[nentries];
    memset(e, 0, sizeof *e);
    e->pid = pid;
    e->start = start;
    snprintf(e->comm, sizeof e->comm, "%s", comm);
    snprintf(e->prev, sizeof e->prev, "%s", prev);
    e->first_ms = t_ms;
    e->end_ms = -1;
    return nentries++;
}

static void update(size_t id, long kib, long t_ms)
{
    struct entry *e = &entries[id];
    e->kib = kib;
    if (!e->nmarks) {
        add_mark(e, t_ms, kib);
        e->max_kib = kib;
    } else if (kib > e->max_kib) {
        e->max_kib = kib;
        if (big_step(e->marks[e->nmarks - 1].kib, kib, 0.1))
            add_mark(e, t_ms, kib);
    }
}

/* ---- /proc --------------------------------------------------------------- */

struct proc {
    int pid, ppid;
    int tree;                 /* 0 unknown, 1 ours, 2 not */
    unsigned long long start;
    char comm[NAME_LEN];
};

static struct proc *procs;
static size_t nprocs, cap_procs;

/* Reads a small /proc file; -1 when the process vanished meanwhile (every
 * read may fail: processes come and go between readdir and open). */
static int read_small(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

/* A name safe in CSV rows, time line columns and gnuplot titles. */
static void clean_name(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == ',' || *s == '"' || *s == '\'' ||
            *s == '\\' || *s == 0x7f)
            *s = '_';
}

/* /proc/PID/stat: the name is between the first '(' and the last ')' (it
 * may itself hold spaces and parentheses). */
/* Field N (from 1, as in proc(5)) of a stat line, given the text after the
 * name's ')' (field 3 onwards); NULL if the line is shorter. */
static const char *stat_field(const char *after_name, int n)
{
    const char *s = after_name;
    for (int f = 2; s; f++) {
        while (*s == ' ')
            s++;
        if (!*s)
            return NULL;
        if (f == n - 1)
            return s;
        s = strchr(s, ' ');
    }
    return NULL;
}

static int read_stat(int pid, struct proc *p)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (read_small(path, buf, sizeof buf) != 0)
        return -1;
    char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
    if (!lp || !rp || rp < lp)
        return -1;
    const char *state = stat_field(rp + 1, 3), *ppid = stat_field(rp + 1, 4);
    const char *start = stat_field(rp + 1, 22);
    if (!state || !ppid || !start)
        return -1;
    if (*state == 'Z' || *state == 'X') /* exited, not yet reaped */
        return -1;
    p->ppid = (int)strtol(ppid, NULL, 10);
    p->start = strtoull(start, NULL, 10);
    int len = (int)(rp - lp - 1);
    snprintf(p->comm, sizeof p->comm, "%.*s", len < NAME_LEN ? len : NAME_LEN - 1,
             lp + 1);
    clean_name(p->comm);
    p->pid = pid;
    p->tree = 0;
    return 0;
}

/* Resident KiB of PID from /proc/PID/statm; -1 if it vanished. */
static long rss_kib(int pid)
{
    static long page_kib;
    if (!page_kib)
        page_kib = sysconf(_SC_PAGESIZE) / 1024;
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/statm", pid);
    if (read_small(path, buf, sizeof buf) != 0)
        return -1;
    /* "size resident shared ..." in pages */
    char *p = buf, *end;
    (void)strtol(p, &p, 10);
    long resident = strtol(p, &end, 10);
    return end == p ? -1 : resident * page_kib;
}

static int cmp_pid(const void *a, const void *b)
{
    int x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;
    return (x > y) - (x < y);
}

static struct proc *find_proc(int pid)
{
    struct proc key = {.pid = pid};
    return bsearch(&key, procs, nprocs, sizeof *procs, cmp_pid);
}

/* Whether P descends from SELF; memoised.  A parent missing from the
 * snapshot (it just exited) ends the chain: its orphans are re-parented to
 * us (subreaper) before the next sample.  Two passes up the chain: find
 * the answer, then write it into every process on the way. */
static int in_tree(struct proc *p, int self)
{
    int answer = 2;
    struct proc *q = p;
    for (int depth = 0; depth < 4096; depth++) {
        if (q->tree) {
            answer = q->tree;
            break;
        }
        if (q->ppid == self) {
            answer = 1;
            break;
        }
        struct proc *parent = q->ppid > 1 ? find_proc(q->ppid) : NULL;
        if (!parent || parent == q)
            break;
        q = parent;
    }
    /* The same way up again, to where the first pass stopped (not
     * further: beyond CMD are our own ancestors).  The depth bound made a
     * (racy) ppid loop count as "not ours". */
    const struct proc *last = q;
    for (q = p; q && !q->tree; q = q->ppid > 1 ? find_proc(q->ppid) : NULL) {
        q->tree = answer;
        if (q == last)
            break;
    }
    return answer == 1;
}

static void list_procs(void)
{
    nprocs = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (pid <= 0 || *end)
            continue;
        procs = grow(procs, &cap_procs, nprocs + 1, sizeof *procs);
        if (read_stat((int)pid, &procs[nprocs]) == 0)
            nprocs++;
    }
    closedir(d);
    qsort(procs, nprocs, sizeof *procs, cmp_pid);
}

/* ---- sampling ------------------------------------------------------------ */

static FILE *csv, *chart_samples;

static void end_entry(size_t id, long t_ms, const char *next)
{
    entries[id].end_ms = t_ms;
    snprintf(entries[id].next, sizeof entries[id].next, "%s", next);
}

/* The entry for P, alive at the last sample as LAST (or none): the same
 * one, a new one after an exec in place, or a new process. */
static size_t entry_for(const struct proc *p, const size_t *last, long t_ms)
{
    if (last) {
        struct entry *e = &entries[*last];
        if (e->start == p->start && !strcmp(e->comm, p->comm))
            return *last;
        if (e->start == p->start) {
            char prev[NAME_LEN];
            snprintf(prev, sizeof prev, "%s", e->comm);
            end_entry(*last, t_ms, p->comm);
            return new_entry(p->pid, p->start, p->comm, prev, t_ms);
        }
        end_entry(*last, t_ms, "");
    }
    return new_entry(p->pid, p->start, p->comm, "", t_ms);
}

static void note_peak(long total, long t_ms, size_t n)
{
    if (total <= peak_kib)
        return;
    peak_kib = total;
    peak_ms = t_ms;
    peak_parts = grow(peak_parts, &cap_peak_parts, n, sizeof *peak_parts);
    for (size_t i = 0; i < n; i++)
        peak_parts[i] = (struct mark){(long)live_next[i], entries[live_next[i]].kib};
    npeak_parts = n;
}

static void sample(long t_ms)
{
    int self = (int)getpid();
    list_procs();
    size_t n = 0, j = 0;
    long total = 0;
    for (size_t i = 0; i < nprocs; i++) {
        struct proc *p = &procs[i];
        long kib;
        if (p->pid == self || !in_tree(p, self) || (kib = rss_kib(p->pid)) < 0)
            continue;
        /* Both lists are in pid order: walk them together. */
        while (j < nlive && entries[live[j]].pid < p->pid)
            end_entry(live[j++], t_ms, "");
        const size_t *last = j < nlive && entries[live[j]].pid == p->pid ? &live[j++] : NULL;
        size_t id = entry_for(p, last, t_ms);
        update(id, kib, t_ms);
        live_next = grow(live_next, &cap_live_next, n + 1, sizeof *live_next);
        live_next[n++] = id;
        total += kib;
        if (csv)
            fprintf(csv, "%ld,%d,%s,%ld\n", t_ms, p->pid, p->comm, kib);
        if (chart_samples)
            fprintf(chart_samples, "%ld %zu %ld\n", t_ms, id, kib);
    }
    while (j < nlive)
        end_entry(live[j++], t_ms, "");
    if (csv)
        fprintf(csv, "%ld,0,TOTAL,%ld\n", t_ms, total);
    if (chart_samples)
        fprintf(chart_samples, "%ld -1 %ld\n", t_ms, total);
    note_peak(total, t_ms, n);
    /* live_next becomes live; the old array is reused next time. */
    size_t *tmp = live, tmp_cap = cap_live;
    live = live_next;
    cap_live = cap_live_next;
    nlive = n;
    live_next = tmp;
    cap_live_next = tmp_cap;
}

/* ---- running CMD --------------------------------------------------------- */

static pid_t child;
static int child_status = -1; /* wait status, once reaped */

/* Reaps whatever exited; returns 0 once no process of the tree is left. */
static int reap(void)
{
    pid_t p;
    int st;
    while ((p = waitpid(-1, &st, WNOHANG)) > 0)
        if (p == child)
            child_status = st;
    return !(p < 0 && errno == ECHILD);
}

/* A signal sent to us by another process goes on to CMD (or, once CMD is
 * gone, to what is left of its tree).  One from the terminal (SI_KERNEL)
 * already reached CMD, which is in our process group. */
static void forward(int sig, const siginfo_t *info)
{
    if (info->si_code == SI_KERNEL)
        return;
    if (child_status < 0) {
        kill(child, sig);
        return;
    }
    for (size_t i = 0; i < nlive; i++)
        kill(entries[live[i]].pid, sig);
}

static sigset_t waited, saved_mask;

/* Waits for a signal until DEADLINE (ms, monotonic), forwarding the ones
 * meant for CMD; returns early when a child changed state. */
static void wait_until(long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return;
        struct timespec ts = {left / 1000, (left % 1000) * 1000000L};
        siginfo_t info;
        int sig = sigtimedwait(&waited, &info, &ts);
        if (sig == SIGCHLD)
            return;
        if (sig > 0)
            forward(sig, &info);
        else if (errno == EAGAIN)
            return;
    }
}

static void on_sigchld(int sig)
{
    (void)sig; /* only there so that SIGCHLD is never discarded */
}

static void block_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigchld;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigemptyset(&waited);
    sigaddset(&waited, SIGCHLD);
    sigaddset(&waited, SIGINT);
    sigaddset(&waited, SIGTERM);
    sigaddset(&waited, SIGHUP);
    sigprocmask(SIG_BLOCK, &waited, &saved_mask);
}

/* In the child: wait for the go (the parent has put us in the cgroup),
 * then exec CMD.  Errors are reported like a shell: 127 not found, 126
 * found but not runnable. */
static void run_child(int go_fd, int err_fd)
{
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    signal(SIGCHLD, SIG_DFL);
    char c;
    if (read(go_fd, &c, 1) != 1)
        _exit(EXIT_INTERNAL); /* the parent gave up */
    execvp(opt.cmd[0], opt.cmd);
    int err = errno;
    if (write(err_fd, &err, sizeof err) < 0) {
        /* nothing better to do: the status still says it */
    }
    fprintf(stderr, PROG ": %s: %s\n", opt.cmd[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
}

/* Forks CMD, in the cgroup CG if it has one; returns whether CMD was
 * exec'd.  With --limit, failing to enter the group is fatal (status 2):
 * running CMD without the limit asked for would be a silent lie. */
static int start_child(struct cgroup *cg, char *cg_why, size_t why_size)
{
    int go[2], ex[2];
    if (pipe2(go, O_CLOEXEC) != 0 || pipe2(ex, O_CLOEXEC) != 0) {
        fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
        exit(EXIT_INTERNAL);
    }
    t0_ms = now_ms();
    child = fork();
    if (child < 0) {
        fprintf(stderr, PROG ": fork: %s\n", strerror(errno));
        exit(EXIT_INTERNAL);
    }
    if (child == 0) {
        close(go[1]);
        close(ex[0]);
        run_child(go[0], ex[1]);
    }
    close(go[0]);
    close(ex[1]);
    if (cg->version && cg_add(cg, child) != 0) {
        snprintf(cg_why, why_size, "%s", cg->why);
        cg_remove(cg);
        if (opt.limit_mib) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
            fprintf(stderr, PROG ": --limit: cannot move the command into its "
                    "cgroup: %s\n", cg_why);
            exit(EXIT_USAGE);
        }
    }
    if (write(go[1], "g", 1) != 1) {
        fprintf(stderr, PROG ": pipe: %s\n", strerror(errno));
        exit(EXIT_INTERNAL);
    }
    close(go[1]);
    /* EOF once exec succeeded (close-on-exec); an errno if it failed.
     * Sampling starts only after the exec, so that our own forked copy
     * is never mistaken for a process of CMD's. */
    int err;
    ssize_t n;
    while ((n = read(ex[0], &err, sizeof err)) < 0 && errno == EINTR)
        ;
    close(ex[0]);
    return n != (ssize_t)sizeof err;
}

/* Samples every INTERVAL until no process of the tree is left. */
static void run_loop(int execd)
{
    long long next = t0_ms;
    while (reap()) {
        long long now = now_ms();
        if (now >= next) {
            if (execd)
                sample((long)(now - t0_ms));
            /* On the grid t0 + k * interval; late samples are skipped,
             * not bunched. */
            long long k = (now - t0_ms) / opt.interval_ms + 1;
            next = t0_ms + k * opt.interval_ms;
        }
        wait_until(next);
    }
    long t_end = (long)(now_ms() - t0_ms);
    for (size_t j = 0; j < nlive; j++)
        end_entry(live[j], t_end, "");
    nlive = 0;
}

/* ---- report -------------------------------------------------------------- */

static long mib(long kib)
{
    return (kib + 512) / 1024;
}

struct line {
    long t_ms;
    int order; /* at equal times: ends by exec, starts, growth, PEAK, ends */
    char text[512];
};

static struct line *lines;
static size_t nlines, cap_lines;

static struct line *add_line(long t_ms, int order)
{
    lines = grow(lines, &cap_lines, nlines + 1, sizeof *lines);
    struct line *l = &lines[nlines++];
    l->t_ms = t_ms;
    l->order = order;
    l->text[0] = '\0';
    return l;
}

static int cmp_line(const void *a, const void *b)
{
    const struct line *x = a, *y = b;
    if (x->t_ms != y->t_ms)
        return (x->t_ms > y->t_ms) - (x->t_ms < y->t_ms);
    return x->order - y->order;
}

static size_t *top_ids;
static size_t ntop;

static int cmp_by_max(const void *a, const void *b)
{
    const struct entry *x = &entries[*(const size_t *)a], *y = &entries[*(const size_t *)b];
    if (x->max_kib != y->max_kib)
        return (x->max_kib < y->max_kib) - (x->max_kib > y->max_kib);
    return (x->first_ms > y->first_ms) - (x->first_ms < y->first_ms);
}

/* The --top entries by maximum RSS. */
static void choose_top(void)
{
    size_t *ids = malloc((nentries ? nentries : 1) * sizeof *ids);
    if (!ids)
        exit(EXIT_INTERNAL);
    for (size_t i = 0; i < nentries; i++)
        ids[i] = i;
    qsort(ids, nentries, sizeof *ids, cmp_by_max);
    top_ids = ids;
    ntop = nentries < (size_t)opt.top ? nentries : (size_t)opt.top;
}

static int cmp_part(const void *a, const void *b)
{
    long x = ((const struct mark *)a)->kib, y = ((const struct mark *)b)->kib;
    return (x < y) - (x > y);
}

/* "T+25.0s  PEAK  skc 3412 MiB + clang 940 MiB = 4352 MiB total" */
static void peak_line(void)
{
    struct line *l = add_line(peak_ms, 3);
    qsort(peak_parts, npeak_parts, sizeof *peak_parts, cmp_part);
    size_t len = (size_t)snprintf(l->text, sizeof l->text, "T+%.1fs  PEAK ",
                                  (double)peak_ms / 1000.0);
    long others = 0;
    size_t nothers = 0, shown = 0;
    for (size_t i = 0; i < npeak_parts; i++) {
        const struct entry *e = &entries[peak_parts[i].t_ms];
        if (shown < (size_t)opt.top && len < sizeof l->text - 100) {
            len += (size_t)snprintf(l->text + len, sizeof l->text - len, "%s %s %ld MiB",
                                    shown ? " +" : "", e->comm, mib(peak_parts[i].kib));
            shown++;
        } else {
            others += peak_parts[i].kib;
            nothers++;
        }
    }
    if (nothers)
        len += (size_t)snprintf(l->text + len, sizeof l->text - len,
                                " + %zu other%s %ld MiB", nothers,
                                nothers > 1 ? "s" : "", mib(others));
    snprintf(l->text + len, sizeof l->text - len, " = %ld MiB total", mib(peak_kib));
}

/* The lines of entry E, growth thinned with FACTOR; returns how many. */
static size_t entry_lines(const struct entry *e, double factor, int emit)
{
    size_t n = 0;
    long kept = 0;
    for (size_t m = 0; m < e->nmarks; m++) {
        const struct mark *k = &e->marks[m];
        if (m && !big_step(kept, k->kib, factor))
            continue;
        kept = k->kib;
        n++;
        if (!emit)
            continue;
        struct line *l = add_line(k->t_ms, m ? 2 : 1);
        int w = snprintf(l->text, sizeof l->text, "T+%.1fs  %s[%d]  %ld MiB",
                         (double)k->t_ms / 1000.0, e->comm, e->pid, mib(k->kib));
        if (!m && e->prev[0])
            snprintf(l->text + w, sizeof l->text - (size_t)w,
                     "  (exec in the same pid, was %s)", e->prev);
        else if (!m)
            snprintf(l->text + w, sizeof l->text - (size_t)w, "  (started)");
    }
    n++;
    if (emit) {
        struct line *l = add_line(e->end_ms, e->next[0] ? 0 : 4);
        if (e->next[0])
            snprintf(l->text, sizeof l->text, "T+%.1fs  %s[%d]  exec'd %s, max %ld MiB",
                     (double)e->end_ms / 1000.0, e->comm, e->pid, e->next, mib(e->max_kib));
        else
            snprintf(l->text, sizeof l->text, "T+%.1fs  %s[%d]  exited, max %ld MiB",
                     (double)e->end_ms / 1000.0, e->comm, e->pid, mib(e->max_kib));
    }
    return n;
}

/* One line per change of interest of the biggest processes; when that
 * is too long, growth lines are thinned (10%, 20%, 40%... steps). */
static void time_line(FILE *out)
{
    double factor = 0.1;
    for (;;) {
        size_t n = 1;
        for (size_t i = 0; i < ntop; i++)
            n += entry_lines(&entries[top_ids[i]], factor, 0);
        if (n <= MAX_LINES || factor > 100)
            break;
        factor *= 2;
    }
    nlines = 0;
    for (size_t i = 0; i < ntop; i++)
        entry_lines(&entries[top_ids[i]], factor, 1);
    if (peak_kib >= 0)
        peak_line();
    qsort(lines, nlines, sizeof *lines, cmp_line);
    fprintf(out, "time line (RSS sampled every %ld ms; the %zu biggest processes):\n",
            opt.interval_ms, ntop);
    for (size_t i = 0; i < nlines; i++)
        fprintf(out, "%s\n", lines[i].text);
}

struct result {
    long peak_mib;
    const char *source;
    long oom_kills;
    int status;
    double wall_s;
};

static void summary(FILE *out, const struct cgroup *cg, const char *cg_why,
                    struct result *r)
{
    long long bytes = cg_peak_bytes(cg);
    long sampled = peak_kib < 0 ? 0 : mib(peak_kib);
    if (bytes >= 0) {
        r->peak_mib = (long)((bytes + (1 << 19)) >> 20);
        r->source = cg->version == 2 ? "cgroup-v2" : "cgroup-v1";
        fprintf(out, "peak: %ld MiB (cgroup v%d %s: authoritative; sampled RSS sum %ld MiB)\n",
                r->peak_mib, cg->version,
                cg->version == 2 ? "memory.peak" : "max_usage", sampled);
    } else {
        r->peak_mib = sampled;
        r->source = "sampled";
        fprintf(out, "peak: %ld MiB (sampled every %ld ms: an estimate, the true peak "
                "may be higher%s%s)\n", sampled, opt.interval_ms,
                cg->version ? "; the cgroup has no peak counter" :
                cg_why[0] ? "; no memory cgroup: " : "", cg->version ? "" : cg_why);
    }
    r->oom_kills = cg_oom_kills(cg);
    if (r->oom_kills > 0)
        fprintf(out, "oom: the kernel killed %ld process%s of the group (memory limit %s)\n",
                r->oom_kills, r->oom_kills > 1 ? "es" : "",
                opt.limit_mib ? "reached" : "of an enclosing group reached");
    fprintf(out, PROG ": peak_mib=%ld source=%s oom_kill=%s status=%d wall_s=%.2f\n",
            r->peak_mib, r->source,
            r->oom_kills < 0 ? "?" : r->oom_kills > 0 ? "1" : "0", r->status, r->wall_s);
}

/* ---- chart --------------------------------------------------------------- */

static char chart_dir[PATH_MAX], chart_file[PATH_MAX + 16];
static char gnuplot_path[PATH_MAX];

static void chart_begin(void)
{
    if (!chart_find_gnuplot(gnuplot_path, sizeof gnuplot_path)) {
        fprintf(stderr, PROG ": gnuplot not found; no chart (apt-get install gnuplot-nox)\n");
        opt.chart = NULL;
        return;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(chart_dir, sizeof chart_dir, "%s/skcexec-profile.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(chart_dir)) {
        fprintf(stderr, PROG ": %s: %s; no chart\n", chart_dir, strerror(errno));
        opt.chart = NULL;
        return;
    }
    snprintf(chart_file, sizeof chart_file, "%s/samples", chart_dir);
    if (!(chart_samples = fopen(chart_file, "we"))) {
        fprintf(stderr, PROG ": %s: %s; no chart\n", chart_file, strerror(errno));
        rmdir(chart_dir);
        opt.chart = NULL;
    }
}

static void chart_end(long peak_mib)
{
    if (!opt.chart)
        return;
    int ok = fclose(chart_samples) == 0;
    chart_samples = NULL;
    struct chart_series *s = calloc(ntop + 1, sizeof *s);
    if (ok && s) {
        s[0].id = -1;
        snprintf(s[0].title, sizeof s[0].title, "total");
        for (size_t i = 0; i < ntop; i++) {
            const struct entry *e = &entries[top_ids[i]];
            s[i + 1].id = (long)top_ids[i];
            snprintf(s[i + 1].title, sizeof s[i + 1].title, "%s[%d]", e->comm, e->pid);
        }
        /* "CMD ARGS (peak N MiB)", the command cut at 100 characters */
        char cmd[104] = "", title[160];
        size_t len = 0;
        for (char **a = opt.cmd; *a && len < sizeof cmd - 1; a++)
            len += (size_t)snprintf(cmd + len, sizeof cmd - len, "%s%s",
                                    a == opt.cmd ? "" : " ", *a);
        if (len >= sizeof cmd - 1)
            memcpy(cmd + sizeof cmd - 4, "...", 4);
        snprintf(title, sizeof title, "%s (peak %ld MiB)", cmd, peak_mib);
        chart_draw(gnuplot_path, opt.chart, chart_file, s, ntop + 1, title);
    }
    free(s);
    unlink(chart_file);
    rmdir(chart_dir);
}

/* ---- main ---------------------------------------------------------------- */

static FILE *open_or_die(const char *what, const char *path)
{
    FILE *f = fopen(path, "we");
    if (!f) {
        fprintf(stderr, PROG ": %s: %s: %s\n", what, path, strerror(errno));
        exit(EXIT_USAGE);
    }
    return f;
}

int main(int argc, char **argv)
{
    parse_options(argc, argv);
    FILE *out = opt.output ? open_or_die("--output", opt.output) : stderr;
    if (opt.csv) {
        csv = open_or_die("--csv", opt.csv);
        fputs("t_ms,pid,comm,rss_kib\n", csv);
    }

    struct cgroup cg;
    char cg_why[sizeof cg.why] = "";
    if (opt.no_cgroup) {
        memset(&cg, 0, sizeof cg);
        snprintf(cg_why, sizeof cg_why, "--no-cgroup given");
    } else if (cg_create(&cg, opt.limit_mib) != 0) {
        if (opt.limit_mib) {
            fprintf(stderr, PROG ": --limit needs a writable memory cgroup: %s\n", cg.why);
            return EXIT_USAGE;
        }
        snprintf(cg_why, sizeof cg_why, "%s", cg.why);
    }
    if (opt.chart)
        chart_begin();
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        fprintf(stderr, PROG ": PR_SET_CHILD_SUBREAPER: %s (orphans are not counted)\n",
                strerror(errno));

    block_signals();
    int execd = start_child(&cg, cg_why, sizeof cg_why);
    run_loop(execd);

    struct result r = {0};
    r.wall_s = (double)(now_ms() - t0_ms) / 1000.0;
    int st = child_status;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st)
                                                               : EXIT_INTERNAL;
    if (csv && fclose(csv) != 0)
        fprintf(stderr, PROG ": --csv: %s: %s\n", opt.csv, strerror(errno));
    choose_top();
    if (!opt.quiet)
        time_line(out);
    summary(out, &cg, cg_why, &r);
    cg_remove(&cg);
    if (out != stderr && fclose(out) != 0)
        fprintf(stderr, PROG ": --output: %s: %s\n", opt.output, strerror(errno));
    chart_end(r.peak_mib);
    return r.status;
}
