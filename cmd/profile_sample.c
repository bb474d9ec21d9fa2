/* SPDX-License-Identifier: MIT */
/* profile_sample.c - one sample of skcexec-profile: which processes of
 * /proc descend from us (CMD's tree), the RSS of each, and what we keep of
 * them: one entry per (process, name) pair with its first size and big new
 * maxima, and the largest sum of the tree with its parts.  Each sample also
 * goes to the --csv file and to the chart's samples file. */
#include "profile.h"

#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MARKS 256

struct proc {
    int pid, ppid;
    int tree;                 /* 0 unknown, 1 ours, 2 not */
    unsigned long long start;
    char comm[NAME_LEN];
};

void tree_init(struct tree *t, FILE *csv, FILE *chart)
{
    memset(t, 0, sizeof *t);
    t->peak.kib = -1;
    t->csv = csv;
    t->chart = chart;
}

/* ---- what we know of each process ------------------------------------------ */

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
int big_step(long from_kib, long to_kib, double factor)
{
    return (double)to_kib > (double)from_kib * (1 + factor) &&
           to_kib - from_kib > 64L * 1024;
}

/* FROM: the entry of the same process before an exec in place, or NO_ENTRY. */
static size_t new_entry(struct tree *t, const struct proc *p, size_t from, long t_ms)
{
    t->entries = grow(t->entries, &t->cap_entries, t->nentries + 1, sizeof *t->entries);
    struct entry *e = &t->entries[t->nentries];
    memset(e, 0, sizeof *e);
    e->pid = p->pid;
    e->ppid = p->ppid;
    e->start = p->start;
    snprintf(e->comm, sizeof e->comm, "%s", p->comm);
    e->from = from;
    snprintf(e->prev, sizeof e->prev, "%s", from == NO_ENTRY ? "" : t->entries[from].comm);
    e->first_ms = t_ms;
    e->end_ms = -1;
    return t->nentries++;
}

static void update(struct entry *e, const struct rss *r, long t_ms)
{
    long kib = r->anon + r->file + r->shmem;
    e->kib = kib;
    e->rss = *r;
    if (r->anon > e->max_anon.anon || !e->nmarks)
        e->max_anon = *r;
    if (!e->nmarks) {
        add_mark(e, t_ms, kib);
        e->max_kib = kib;
    } else if (kib > e->max_kib) {
        e->max_kib = kib;
        if (big_step(e->marks[e->nmarks - 1].kib, kib, 0.1))
            add_mark(e, t_ms, kib);
    }
}

static void end_entry(struct entry *e, long t_ms, const char *next)
{
    e->end_ms = t_ms;
    snprintf(e->next, sizeof e->next, "%s", next);
}

/* ---- /proc --------------------------------------------------------------- */

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

/* /proc/PID/stat: the name is between the first '(' and the last ')' (it
 * may itself hold spaces and parentheses). */
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

/* The resident memory of PID in KiB, in its three kinds: RssAnon,
 * RssFile and RssShmem of /proc/PID/status (Linux 4.5 and later), else
 * statm's resident and shared pages (shared is file + shmem, counted as
 * file).  -1 if the process vanished. */
static int read_rss(int pid, struct rss *r)
{
    static long page_kib;
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    if (read_small(path, buf, sizeof buf) != 0)
        return -1;
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
        {"\nRssAnon:", offsetof(struct rss, anon)},
        {"\nRssFile:", offsetof(struct rss, file)},
        {"\nRssShmem:", offsetof(struct rss, shmem)},
    };
    int found = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *k = strstr(buf, keys[i].key);
        char *end;
        long v = k ? strtol(k + strlen(keys[i].key), &end, 10) : -1;
        if (k && end != k + strlen(keys[i].key) && v >= 0) {
            *(long *)((char *)r + keys[i].off) = v;
            found++;
        }
    }
    if (found == 3)
        return 0;
    if (!page_kib)
        page_kib = sysconf(_SC_PAGESIZE) / 1024;
    snprintf(path, sizeof path, "/proc/%d/statm", pid);
    if (read_small(path, buf, sizeof buf) != 0)
        return -1;
    /* "size resident shared ..." in pages */
    char *p = buf, *end;
    (void)strtol(p, &p, 10);
    long resident = strtol(p, &end, 10);
    long shared = strtol(end, &p, 10);
    if (end == p || shared > resident)
        return -1;
    *r = (struct rss){(resident - shared) * page_kib, shared * page_kib, 0};
    return 0;
}

static int cmp_pid(const void *a, const void *b)
{
    int x = ((const struct proc *)a)->pid, y = ((const struct proc *)b)->pid;
    return (x > y) - (x < y);
}

static struct proc *find_proc(const struct tree *t, int pid)
{
    struct proc key = {.pid = pid};
    return bsearch(&key, t->procs, t->nprocs, sizeof *t->procs, cmp_pid);
}

/* Whether P descends from SELF; memoised.  A parent missing from the
 * snapshot (it just exited) ends the chain: its orphans are re-parented to
 * us (subreaper) before the next sample.  Two passes up the chain: find
 * the answer, then write it into every process on the way. */
static int in_tree(const struct tree *t, struct proc *p, int self)
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
        struct proc *parent = q->ppid > 1 ? find_proc(t, q->ppid) : NULL;
        if (!parent || parent == q)
            break;
        q = parent;
    }
    /* The same way up again, to where the first pass stopped (not
     * further: beyond CMD are our own ancestors).  The depth bound made a
     * (racy) ppid loop count as "not ours". */
    const struct proc *last = q;
    for (q = p; q && !q->tree; q = q->ppid > 1 ? find_proc(t, q->ppid) : NULL) {
        q->tree = answer;
        if (q == last)
            break;
    }
    return answer == 1;
}

static void list_procs(struct tree *t)
{
    t->nprocs = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (pid <= 0 || *end)
            continue;
        t->procs = grow(t->procs, &t->cap_procs, t->nprocs + 1, sizeof *t->procs);
        if (read_stat((int)pid, &t->procs[t->nprocs]) == 0)
            t->nprocs++;
    }
    closedir(d);
    qsort(t->procs, t->nprocs, sizeof *t->procs, cmp_pid);
}

/* ---- sampling ------------------------------------------------------------ */

/* The entry for P, alive at the last sample as LAST (or none): the same
 * one, a new one after an exec in place, or a new process. */
static size_t entry_for(struct tree *t, const struct proc *p, const size_t *last, long t_ms)
{
    if (last) {
        struct entry *e = &t->entries[*last];
        if (e->start == p->start && !strcmp(e->comm, p->comm))
            return *last;
        if (e->start == p->start) {
            end_entry(e, t_ms, p->comm);
            return new_entry(t, p, *last, t_ms);
        }
        end_entry(e, t_ms, "");
    }
    return new_entry(t, p, NO_ENTRY, t_ms);
}

/* The first N entries of live_next (this sample's) summed to TOTAL. */
static void note_peak(struct tree *t, long total, long t_ms, size_t n)
{
    struct peak *pk = &t->peak;
    if (total <= pk->kib)
        return;
    pk->kib = total;
    pk->t_ms = t_ms;
    pk->parts = grow(pk->parts, &pk->cap_parts, n, sizeof *pk->parts);
    for (size_t i = 0; i < n; i++)
        pk->parts[i] = (struct mark){(long)t->live_next[i], t->entries[t->live_next[i]].kib};
    pk->nparts = n;
}

int proc_self(void)
{
    char buf[32];
    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *end;
    long pid = strtol(buf, &end, 10);
    return *end || pid <= 0 ? -1 : (int)pid;
}

void tree_sample(struct tree *t, int self, long t_ms)
{
    if (self <= 0)
        return; /* /proc does not show us: nothing can be found */
    list_procs(t);
    size_t n = 0, j = 0;
    long total = 0;
    for (size_t i = 0; i < t->nprocs; i++) {
        struct proc *p = &t->procs[i];
        struct rss r;
        if (p->pid == self || !in_tree(t, p, self) || read_rss(p->pid, &r) != 0)
            continue;
        long kib = r.anon + r.file + r.shmem;
        /* Both lists are in pid order: walk them together. */
        while (j < t->nlive && t->entries[t->live[j]].pid < p->pid)
            end_entry(&t->entries[t->live[j++]], t_ms, "");
        const size_t *last =
            j < t->nlive && t->entries[t->live[j]].pid == p->pid ? &t->live[j++] : NULL;
        size_t id = entry_for(t, p, last, t_ms);
        update(&t->entries[id], &r, t_ms);
        t->live_next = grow(t->live_next, &t->cap_live_next, n + 1, sizeof *t->live_next);
        t->live_next[n++] = id;
        total += kib;
        if (t->csv)
            fprintf(t->csv, "%ld,%d,%s,%ld\n", t_ms, p->pid, p->comm, kib);
        if (t->chart)
            fprintf(t->chart, "%ld %zu %ld\n", t_ms, id, kib);
    }
    while (j < t->nlive)
        end_entry(&t->entries[t->live[j++]], t_ms, "");
    if (t->csv)
        fprintf(t->csv, "%ld,0,TOTAL,%ld\n", t_ms, total);
    if (t->chart)
        fprintf(t->chart, "%ld -1 %ld\n", t_ms, total);
    note_peak(t, total, t_ms, n);
    /* live_next becomes live; the old array is reused next time. */
    size_t *tmp = t->live, tmp_cap = t->cap_live;
    t->live = t->live_next;
    t->cap_live = t->cap_live_next;
    t->nlive = n;
    t->live_next = tmp;
    t->cap_live_next = tmp_cap;
}

void tree_end(struct tree *t, long t_ms)
{
    for (size_t j = 0; j < t->nlive; j++)
        end_entry(&t->entries[t->live[j]], t_ms, "");
    t->nlive = 0;
}
