/* SPDX-License-Identifier: MIT */
/* profile_report.c - what skcexec-profile prints once the run is over: the
 * time line (the biggest processes' starts, big growth steps, exec hand-overs
 * and exits, with the tree's peak among them, in time order), then the
 * summary: the peak (the cgroup's when it has a counter, else the sampled
 * one), OOM kills, and the one machine-readable line. */
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 40       /* time line length we thin down to */

static long mib(long kib)
{
    return (kib + 512) / 1024;
}

/* ---- choosing the processes shown ------------------------------------------ */

static int cmp_by_max(const void *a, const void *b, void *entries)
{
    const struct entry *e = entries;
    const struct entry *x = &e[*(const size_t *)a], *y = &e[*(const size_t *)b];
    if (x->max_kib != y->max_kib)
        return (x->max_kib < y->max_kib) - (x->max_kib > y->max_kib);
    return (x->first_ms > y->first_ms) - (x->first_ms < y->first_ms);
}

void report_choose_top(struct top *top, const struct tree *t, long max)
{
    size_t *ids = malloc((t->nentries ? t->nentries : 1) * sizeof *ids);
    if (!ids)
        exit(EXIT_INTERNAL);
    for (size_t i = 0; i < t->nentries; i++)
        ids[i] = i;
    qsort_r(ids, t->nentries, sizeof *ids, cmp_by_max, t->entries);
    top->ids = ids;
    top->n = t->nentries < (size_t)max ? t->nentries : (size_t)max;
}

/* ---- time line ------------------------------------------------------------- */

struct line {
    long t_ms;
    int order; /* at equal times: ends by exec, starts, growth, PEAK, ends */
    char text[512];
};

struct lines {
    struct line *v;
    size_t n, cap;
};

static struct line *add_line(struct lines *ls, long t_ms, int order)
{
    ls->v = grow(ls->v, &ls->cap, ls->n + 1, sizeof *ls->v);
    struct line *l = &ls->v[ls->n++];
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

static int cmp_part(const void *a, const void *b)
{
    long x = ((const struct mark *)a)->kib, y = ((const struct mark *)b)->kib;
    return (x < y) - (x > y);
}

/* "T+25.0s  PEAK  skc 3412 MiB + clang 940 MiB = 4352 MiB total": the
 * parts biggest first, at most SHOW of them by name. */
static void peak_line(struct lines *ls, const struct tree *t, long show)
{
    const struct peak *pk = &t->peak;
    struct line *l = add_line(ls, pk->t_ms, 3);
    struct mark *parts = malloc((pk->nparts ? pk->nparts : 1) * sizeof *parts);
    if (!parts)
        exit(EXIT_INTERNAL);
    if (pk->nparts)
        memcpy(parts, pk->parts, pk->nparts * sizeof *parts);
    qsort(parts, pk->nparts, sizeof *parts, cmp_part);
    size_t len = (size_t)snprintf(l->text, sizeof l->text, "T+%.1fs  PEAK ",
                                  (double)pk->t_ms / 1000.0);
    long others = 0;
    size_t nothers = 0, shown = 0;
    for (size_t i = 0; i < pk->nparts; i++) {
        const struct entry *e = &t->entries[parts[i].t_ms];
        if (shown < (size_t)show && len < sizeof l->text - 100) {
            len += (size_t)snprintf(l->text + len, sizeof l->text - len, "%s %s %ld MiB",
                                    shown ? " +" : "", e->comm, mib(parts[i].kib));
            shown++;
        } else {
            others += parts[i].kib;
            nothers++;
        }
    }
    if (nothers)
        len += (size_t)snprintf(l->text + len, sizeof l->text - len,
                                " + %zu other%s %ld MiB", nothers,
                                nothers > 1 ? "s" : "", mib(others));
    snprintf(l->text + len, sizeof l->text - len, " = %ld MiB total", mib(pk->kib));
    free(parts);
}

/* The lines of entry E, growth thinned with FACTOR; returns how many
 * (added to LS only when EMIT). */
static size_t entry_lines(struct lines *ls, const struct entry *e, double factor, int emit)
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
        struct line *l = add_line(ls, k->t_ms, m ? 2 : 1);
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
        struct line *l = add_line(ls, e->end_ms, e->next[0] ? 0 : 4);
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
void report_time_line(FILE *out, const struct tree *t, const struct top *top,
                      const struct options *opt)
{
    struct lines ls = {0};
    double factor = 0.1;
    for (;;) {
        size_t n = 1;
        for (size_t i = 0; i < top->n; i++)
            n += entry_lines(&ls, &t->entries[top->ids[i]], factor, 0);
        if (n <= MAX_LINES || factor > 100)
            break;
        factor *= 2;
    }
    for (size_t i = 0; i < top->n; i++)
        entry_lines(&ls, &t->entries[top->ids[i]], factor, 1);
    if (t->peak.kib >= 0)
        peak_line(&ls, t, opt->top);
    qsort(ls.v, ls.n, sizeof *ls.v, cmp_line);
    fprintf(out, "time line (RSS sampled every %ld ms; the %zu biggest processes):\n",
            opt->interval_ms, top->n);
    for (size_t i = 0; i < ls.n; i++)
        fprintf(out, "%s\n", ls.v[i].text);
    free(ls.v);
}

/* ---- summary --------------------------------------------------------------- */

void report_summary(FILE *out, const struct tree *t, const struct cgroup *cg,
                    const char *cg_why, const struct options *opt, struct result *r)
{
    long long bytes = cg_peak_bytes(cg);
    long sampled = t->peak.kib < 0 ? 0 : mib(t->peak.kib);
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
                "may be higher%s%s)\n", sampled, opt->interval_ms,
                cg->version ? "; the cgroup has no peak counter" :
                cg_why[0] ? "; no memory cgroup: " : "", cg->version ? "" : cg_why);
    }
    r->oom_kills = cg_oom_kills(cg);
    if (r->oom_kills > 0)
        fprintf(out, "oom: the kernel killed %ld process%s of the group (memory limit %s)\n",
                r->oom_kills, r->oom_kills > 1 ? "es" : "",
                opt->limit_mib ? "reached" : "of an enclosing group reached");
    if (r->stop_sig)
        fprintf(out, "stopped: SIG%s received; what was left of the tree was ended\n",
                sigabbrev_np(r->stop_sig) ? sigabbrev_np(r->stop_sig) : "?");
    fprintf(out, PROG ": peak_mib=%ld source=%s oom_kill=%s status=%d wall_s=%.2f\n",
            r->peak_mib, r->source,
            r->oom_kills < 0 ? "?" : r->oom_kills > 0 ? "1" : "0", r->status, r->wall_s);
}
