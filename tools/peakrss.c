/* peakrss.c - peak resident memory of a whole process tree.
 *
 * usage: peakrss [-p] [-i MS] [-o FILE] -- cmd args...
 *
 * Why a tree and not getrusage(): the point of libskcexec is that skc and
 * clang are never resident at the same time, so what matters is the sum
 * over all live descendants at each instant (RUSAGE_CHILDREN only gives the
 * largest single process).  We become a child subreaper so that processes
 * whose parent died (e.g. clang left behind by `env -C`) stay in our tree.
 * Output: one line
 *   peakrss: peak_total_mb=X.X peak_single_mb=Y.Y samples=N status=S
 * and the exit status of cmd (128+signal if it was killed). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct proc {
    int pid, ppid;
    int state; /* 0 unknown, 1 in our tree, 2 not */
};

static struct proc *procs;
static size_t nprocs, cap;

/* Reads a small /proc file; 0 when the process vanished meanwhile. */
static int read_small(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n > 0;
}

static int cmp_pid(const void *a, const void *b)
{
    return ((const struct proc *)a)->pid - ((const struct proc *)b)->pid;
}

static struct proc *find(int pid)
{
    struct proc key = {.pid = pid};
    return bsearch(&key, procs, nprocs, sizeof *procs, cmp_pid);
}

/* Whether P descends from SELF; memoised so each chain is walked once.
 * A parent missing from the snapshot (it exited) ends the chain: with the
 * subreaper bit its orphans are re-parented to us before long anyway. */
static int in_tree(struct proc *p, int self)
{
    if (p->state == 0) {
        struct proc *parent;
        if (p->ppid == self)
            p->state = 1;
        else if (p->ppid <= 1 || !(parent = find(p->ppid)) || parent == p)
            p->state = 2;
        else {
            p->state = 2; /* guards against a (racy) ppid loop */
            p->state = in_tree(parent, self) ? 1 : 2;
        }
    }
    return p->state == 1;
}

/* One sample: total and largest RSS (bytes) of our descendants. */
/* -p: proportional set size instead of RSS.  A page shared by k
 * processes counts 1/k in each, so the sum is the memory really used even
 * while a forked child still shares its parent's pages (RSS would count
 * them twice).  Costs a page-table walk per process: sample less often. */
static int use_pss;

/* Bytes of memory of pid; 0 if it vanished or is a zombie. */
static double memory_of(int pid, long page)
{
    char path[64], buf[4096];
    if (use_pss) {
        snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
        if (!read_small(path, buf, sizeof buf))
            return 0;
        char *p = strstr(buf, "\nPss:");
        long kb;
        return p && sscanf(p + 5, " %ld", &kb) == 1 ? (double)kb * 1024 : 0;
    }
    snprintf(path, sizeof path, "/proc/%d/statm", pid);
    long size, resident;
    if (!read_small(path, buf, sizeof buf) ||
        sscanf(buf, "%ld %ld", &size, &resident) != 2)
        return 0;
    return (double)resident * (double)page;
}

static void sample(int self, long page, double *total, double *single)
{
    nprocs = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return;
    struct dirent *e;
    char path[64], buf[1024];
    while ((e = readdir(d))) {
        int pid = atoi(e->d_name);
        if (pid <= 0 || pid == self)
            continue;
        /* ppid is the 2nd field after the command name, which may itself
         * contain spaces and parentheses: parse from the last ')'. */
        snprintf(path, sizeof path, "/proc/%d/stat", pid);
        if (!read_small(path, buf, sizeof buf))
            continue;
        char *rp = strrchr(buf, ')');
        int ppid;
        if (!rp || sscanf(rp + 1, " %*c %d", &ppid) != 1)
            continue;
        if (nprocs == cap) {
            cap = cap ? cap * 2 : 256;
            if (!(procs = realloc(procs, cap * sizeof *procs)))
                abort();
        }
        procs[nprocs++] = (struct proc){pid, ppid, 0};
    }
    closedir(d);

    qsort(procs, nprocs, sizeof *procs, cmp_pid);
    double sum = 0, max = 0;
    for (size_t i = 0; i < nprocs; i++) {
        if (!in_tree(&procs[i], self))
            continue;
        double b = memory_of(procs[i].pid, page);
        sum += b;
        if (b > max)
            max = b;
    }
    if (sum > *total)
        *total = sum;
    if (max > *single)
        *single = max;
}

static int usage(void)
{
    fprintf(stderr, "usage: peakrss [-p] [-i MS] [-o FILE] -- cmd args...\n");
    return 2;
}

int main(int argc, char **argv)
{
    int interval_ms = 5, opt;
    const char *outfile = NULL;
    while ((opt = getopt(argc, argv, "+pi:o:")) != -1) {
        if (opt == 'p')
            use_pss = 1;
        else if (opt == 'i')
            interval_ms = atoi(optarg);
        else if (opt == 'o')
            outfile = optarg;
        else
            return usage();
    }
    if (optind >= argc)
        return usage();
    if (interval_ms < 1)
        interval_ms = 1;

    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        perror("peakrss: PR_SET_CHILD_SUBREAPER");

    pid_t child = fork();
    if (child < 0) {
        perror("peakrss: fork");
        return 127;
    }
    if (child == 0) {
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "peakrss: %s: %s\n", argv[optind], strerror(errno));
        _exit(127);
    }

    int self = (int)getpid(), status = -1, st;
    long page = sysconf(_SC_PAGESIZE);
    double total = 0, single = 0;
    unsigned long samples = 0;
    struct timespec ts = {interval_ms / 1000, (interval_ms % 1000) * 1000000L};

    /* Sample until every descendant is gone: after the direct child exits,
     * orphans re-parented to us are still measured and then reaped. */
    for (;;) {
        sample(self, page, &total, &single);
        samples++;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0)
            if (p == child)
                status = WIFEXITED(st) ? WEXITSTATUS(st)
                       : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 255;
        if (p < 0 && errno == ECHILD)
            break;
        nanosleep(&ts, NULL);
    }
    if (status < 0)
        status = 255; /* cannot happen: the child was reaped above */

    FILE *out = outfile ? fopen(outfile, "w") : stderr;
    if (!out) {
        perror(outfile);
        out = stderr;
    }
    fprintf(out, "peakrss: peak_total_mb=%.1f peak_single_mb=%.1f samples=%lu "
            "status=%d\n", total / 1048576.0, single / 1048576.0, samples,
            status);
    if (out != stderr)
        fclose(out);
    return status;
}
