/* SPDX-License-Identifier: MIT */
/* profile_fit.c - skcexec-profile --fit: will the build fit a memory
 * limit without libskcexec, with it, or not at all?  One run with the
 * library preloaded answers for both cases, because the build's phases
 * separate: skc's peak and clang's peak show in the same pid, one after
 * the other.  Without the library, skc would still hold its heap while
 * clang runs, so the build would need, at each moment of a clang that
 * replaced skc, what the run held then plus what skc held.
 *
 * Per sample (after tree_sample):
 *   usage U  the group's usage (memory.current / usage_in_bytes), or the
 *            tree's RSS sum without a group;
 *   need N   the part that cannot be reclaimed without swap: the group's
 *            usage less its file page cache (shmem stays in), or the sum
 *            of RssAnon + RssShmem;
 *   extra X  for every clang running in place of a skc: what that skc
 *            held and the exec freed (its largest RssAnon; with RSS sums,
 *            its whole RSS then, since its mapping would still count).
 * The estimate without the library is the largest U + X (and N + X for
 * the part a limit must hold), never less than what was measured.  A
 * verdict per limit compares the needs, not the page cache: the kernel
 * writes back and reclaims file pages (skc's persistent heap in a
 * MAP_SHARED state file is such pages) before it kills anything.
 *
 * Units: a skc that exec'd clang in place (same pid) is replaced; a skc
 * that has a clang below it was not (static, --batch, the library inert),
 * and then its clang ran next to it: what was measured is what a run
 * without the library needs.  Names go through the library's own lists
 * (SKCEXEC_CALLERS, SKCEXEC_TARGETS: shim/settings.c). */
#include "profile.h"
#include "policy.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ROWS 10     /* units listed in the table */
#define LABEL_MAX 240   /* a skc's package and argv, as shown */
#define ANCESTRY 8      /* levels looked up from a clang for its skc */

struct info {           /* per entry of the tree, by id */
    int seen;
    size_t unit;        /* the unit it is the skc or a clang of, or NO_ENTRY */
    char *name;         /* a skc's: its package, or its -o file's name */
    char *label;        /* a skc's argv */
    int batch;          /* a skc's argv has --batch */
    int caller;         /* its name is a caller's (skc) */
    long last_usage;    /* a skc's: the usage, its file page cache and the */
    long last_file;     /* group's peak counter at its last sample before */
    long last_peak;     /* its exec (-1: none) */
};

struct unit {
    size_t skc, clang;  /* entry ids */
    int replaced;
    const char *why;    /* not replaced: the likely reason */
    long add_kib;       /* what the exec freed: added to the usage ... */
    long add_need_kib;  /* ... and to the need, while its clang runs */
    long skc_kib;       /* skc's anonymous memory (its RssAnon at most) */
    long worst_kib;     /* usage + extra at its worst sample; -1 before one */
    long worst_ms;      /* when that was */
    long clang_kib;     /* clang's anonymous memory then, its children's too */
    long rest_kib;      /* the rest: worst = skc + clang + rest */
};

struct fit {
    struct settings lists;   /* callers and targets, as the library reads them */
    int use_cg;          /* 1: usage from the group; 0: RSS sums; -1: undecided */
    struct info *info;
    size_t cap_info;
    struct unit *units;
    size_t nunits, cap_units;
    long samples;
    long peak;                         /* the group's peak counter now (-1: none) */
    long file;                         /* U - N now: file page cache */
    long prev_usage, prev_need;        /* the last sample's U, N, file */
    long prev_file, prev_peak;         /* page cache and peak counter */
    long need_with, need_without;      /* largest N, largest N + X */
    long est_max;                      /* largest U + X */
};

/* KiB to MiB, rounded to the nearest (negative: a limit's overrun). */
static long mib(long kib)
{
    return kib >= 0 ? (kib + 512) / 1024 : -((-kib + 512) / 1024);
}

struct fit *fit_new(void)
{
    struct fit *f = calloc(1, sizeof *f);
    if (!f) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
    /* CMD inherits our environment: its lists are the library's lists. */
    struct settings_env env = {.callers = getenv("SKCEXEC_CALLERS"),
                               .targets = getenv("SKCEXEC_TARGETS")};
    settings_parse(&f->lists, &env);
    f->use_cg = -1;
    f->peak = f->prev_peak = -1;
    return f;
}

/* ---- what a skc was ---------------------------------------------------------- */

/* /proc/PID/FILE, whole (NUL-separated lists), malloc'd; NULL if unreadable. */
static char *read_proc(int pid, const char *file, size_t *len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        buf = grow(buf, &cap, n + 4097, 1);
        got = fread(buf + n, 1, 4096, f);
        n += got;
    } while (got > 0 && n < (1u << 20));
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Whether /proc/PID/maps names libskcexec.so. */
static int has_library(int pid)
{
    size_t len;
    char *maps = read_proc(pid, "maps", &len);
    int found = maps && strstr(maps, "/libskcexec.so") != NULL;
    free(maps);
    return found;
}

/* The value of VAR in the NUL-separated environment ENV of LEN bytes. */
static const char *env_value(const char *env, size_t len, const char *var)
{
    size_t vl = strlen(var);
    for (const char *p = env; p < env + len; p += strlen(p) + 1)
        if (!strncmp(p, var, vl) && p[vl] == '=')
            return p + vl + 1;
    return NULL;
}

/* A skc's name (its package from skargo's environment, or its output's
 * file name) and its argv on one line. */
static void describe_skc(struct info *in, int pid)
{
    size_t len, elen;
    char *cmd = read_proc(pid, "cmdline", &len);
    char *env = read_proc(pid, "environ", &elen);
    const char *pkg = env ? env_value(env, elen, "SKARGO_PKG_NAME") : NULL;
    const char *out = NULL;
    char label[LABEL_MAX + 4] = "";
    if (cmd) {
        size_t used = 0;
        char *argv[256];
        size_t argc = 0;
        for (char *p = cmd; p < cmd + len && argc < 255; p += strlen(p) + 1) {
            argv[argc++] = p;
            if (argc > 1 && !strcmp(argv[argc - 2], "-o"))
                out = p;
            if (used < LABEL_MAX)
                used += (size_t)snprintf(label + used, sizeof label - used, "%s%s",
                                         used ? " " : "", p);
        }
        argv[argc] = NULL;
        in->batch = policy_has_batch(argv);
        if (used > LABEL_MAX)
            strcpy(label + LABEL_MAX - 3, "...");
    }
    const char *name = pkg && *pkg ? pkg : out && *out ? policy_basename(out) : "skc";
    in->name = strdup(name);
    in->label = strdup(label);
    if (!in->name || !in->label) {
        fprintf(stderr, PROG ": out of memory\n");
        exit(EXIT_INTERNAL);
    }
    free(cmd);
    free(env);
}

/* Why skc PID (alive: its clang runs below it) was not replaced. */
static const char *why_not(const struct info *in, int pid)
{
    if (in->batch)
        return "it ran with --batch (one clang per unit): left alone on purpose";
    size_t len;
    char *env = read_proc(pid, "environ", &len);
    const char *disable = env ? env_value(env, len, "SKCEXEC_DISABLE") : NULL;
    const char *preload = env ? env_value(env, len, "LD_PRELOAD") : NULL;
    const char *why;
    if (disable && !strcmp(disable, "1"))
        why = "SKCEXEC_DISABLE=1";
    else if (has_library(pid))
        why = "the library left this spawn alone (SKCEXEC_VERBOSE=2 says why)";
    else if (env && (!preload || !strstr(preload, "libskcexec.so")))
        why = "LD_PRELOAD does not name libskcexec.so in it (unset, or scrubbed on the way)";
    else
        why = "the library is not loaded in it (a statically linked skc?)";
    free(env);
    return why;
}

/* Whether process PID is a caller as the library decides it: the name of
 * its program (/proc/PID/exe) or of its argv[0] is in SKCEXEC_CALLERS.
 * Its name alone can mislead: in the middle of an exec the name is still
 * the old one while the program is already the new one. */
static int runs_caller(const struct fit *f, int pid)
{
    char path[64], exe[PATH_MAX];
    snprintf(path, sizeof path, "/proc/%d/exe", pid);
    ssize_t n = readlink(path, exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = '\0';
    size_t len;
    char *cmd = read_proc(pid, "cmdline", &len);
    int yes = policy_caller_name(n > 0 ? policy_basename(exe) : NULL,
                                 cmd && len ? policy_basename(cmd) : NULL,
                                 &f->lists.callers) != NULL;
    free(cmd);
    return yes;
}

/* Whether processes A and B run the same program (/proc/PID/exe); yes
 * when that cannot be read (the caller knows they have the same name). */
static int same_program(int a, int b)
{
    char pa[64], pb[64], ea[PATH_MAX], eb[PATH_MAX];
    snprintf(pa, sizeof pa, "/proc/%d/exe", a);
    snprintf(pb, sizeof pb, "/proc/%d/exe", b);
    ssize_t na = readlink(pa, ea, sizeof ea - 1), nb = readlink(pb, eb, sizeof eb - 1);
    if (na < 0 || nb < 0)
        return 1;
    return na == nb && !memcmp(ea, eb, (size_t)na);
}

/* ---- units ---------------------------------------------------------------- */

static struct info *info_of(struct fit *f, size_t id)
{
    if (id >= f->cap_info) {
        size_t old = f->cap_info;
        f->info = grow(f->info, &f->cap_info, id + 1, sizeof *f->info);
        memset(f->info + old, 0, (f->cap_info - old) * sizeof *f->info);
        for (size_t i = old; i < f->cap_info; i++) {
            f->info[i].unit = NO_ENTRY;
            f->info[i].last_peak = -1;
        }
    }
    return &f->info[id];
}

static int is_caller(const struct fit *f, const char *comm)
{
    return name_list_match(&f->lists.callers, comm);
}

/* Of GROWTH in the usage, what was not page cache: the file pages that
 * came meanwhile (FILE_GROWTH; a state file's heap) are still charged. */
static long anon_growth(long growth, long file_growth)
{
    long anon = growth - (file_growth > 0 ? file_growth : 0);
    return anon > 0 ? anon : 0;
}

/* What skc grew by after its last sample, up to its exec: a skc grows
 * until it starts clang, and the samples miss the end.  The group's peak
 * counter does not: when it rose since that sample, the usage reached
 * that much in between, and the difference from that sample's usage is
 * what the tree grew by, skc for the most part (a clang that outgrew skc
 * within one interval would make it more: an overestimate). */
static long skc_growth(const struct fit *f, const struct info *skc)
{
    if (skc->last_peak < 0 || f->peak <= skc->last_peak)
        return 0;
    return anon_growth(f->peak - skc->last_usage, f->file - skc->last_file);
}

static size_t new_unit(struct fit *f, const struct tree *t, size_t skc, size_t clang,
                       int replaced)
{
    f->units = grow(f->units, &f->cap_units, f->nunits + 1, sizeof *f->units);
    struct unit *u = &f->units[f->nunits];
    memset(u, 0, sizeof *u);
    u->skc = skc;
    u->clang = clang;
    u->replaced = replaced;
    u->worst_kib = -1;
    const struct rss *m = &t->entries[skc].max_anon;
    /* With the group's usage, only the anonymous memory went with the
     * exec: skc's page cache (a state file it mapped) stays charged.
     * With RSS sums, skc's mappings would all still count. */
    u->add_kib = f->use_cg == 1 ? m->anon : m->anon + m->file + m->shmem;
    u->add_need_kib = f->use_cg == 1 ? m->anon : m->anon + m->shmem;
    u->skc_kib = m->anon;
    long growth = replaced ? skc_growth(f, info_of(f, skc)) : 0;
    u->add_kib += growth;
    u->add_need_kib += growth;
    u->skc_kib += growth;
    info_of(f, skc)->unit = f->nunits;
    info_of(f, clang)->unit = f->nunits;
    return f->nunits++;
}

/* The live entry of process PID in this sample, or NO_ENTRY. */
static size_t live_pid(const struct tree *t, int pid)
{
    size_t lo = 0, hi = t->nlive;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int p = t->entries[t->live[mid]].pid;
        if (p == pid)
            return t->live[mid];
        if (p < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NO_ENTRY;
}

/* The anonymous memory (and shmem) of process PID and of every process
 * below it in this sample: a clang driver runs cc1 and the linker as its
 * children. */
static long subtree_anon(const struct tree *t, int pid)
{
    long sum = 0;
    for (size_t i = 0; i < t->nlive; i++) {
        const struct entry *e = &t->entries[t->live[i]];
        int below = e->pid == pid;
        const struct entry *a = e;
        for (int depth = 0; !below && depth < ANCESTRY; depth++) {
            size_t up = live_pid(t, a->ppid);
            if (up == NO_ENTRY)
                break;
            a = &t->entries[up];
            below = a->pid == pid;
        }
        if (below)
            sum += e->rss.anon + e->rss.shmem;
    }
    return sum;
}

/* A clang first seen: in place of a skc (its entry follows the skc's),
 * below one (not replaced), or neither (skargo's own link: no unit). */
static void place_clang(struct fit *f, const struct tree *t, size_t id)
{
    const struct entry *e = &t->entries[id];
    if (e->from != NO_ENTRY && info_of(f, e->from)->caller) {
        new_unit(f, t, e->from, id, 1);
        return;
    }
    int ppid = e->ppid;
    for (int depth = 0; depth < ANCESTRY; depth++) {
        size_t up = live_pid(t, ppid);
        if (up == NO_ENTRY)
            return;
        const struct entry *a = &t->entries[up];
        struct info *in = info_of(f, up);
        if (in->caller) {
            if (in->unit == NO_ENTRY) {
                size_t u = new_unit(f, t, up, id, 0);
                f->units[u].why = why_not(in, a->pid);
            } else {
                info_of(f, id)->unit = in->unit;
            }
            return;
        }
        ppid = a->ppid;
    }
}

/* ---- sampling ------------------------------------------------------------- */

/* NEED, anonymous memory held at a moment with the library, and what
 * it would have been without: NEED + EXTRA_NEED. */
static void note_need(struct fit *f, long need, long extra_need)
{
    if (need > f->need_with)
        f->need_with = need;
    if (need + extra_need > f->need_without)
        f->need_without = need + extra_need;
}

void fit_sample(struct fit *f, const struct tree *t, const struct cgroup *cg, long t_ms)
{
    long rss_sum = 0, need_sum = 0;
    for (size_t i = 0; i < t->nlive; i++) {
        size_t id = t->live[i];
        const struct entry *e = &t->entries[id];
        rss_sum += e->kib;
        need_sum += e->rss.anon + e->rss.shmem;
    }
    long long usage, file;
    int from_cg = cg->version && cg_usage(cg, &usage, &file) == 0;
    if (f->use_cg < 0)
        f->use_cg = from_cg;
    long u_kib = rss_sum, n_kib = need_sum;
    f->peak = -1;
    f->file = 0;
    if (f->use_cg == 1 && from_cg) {
        u_kib = (long)(usage >> 10);
        n_kib = (long)((usage - file) >> 10);
        f->file = (long)(file >> 10);
        long long bytes = cg_peak_bytes(cg);
        f->peak = bytes < 0 ? -1 : (long)(bytes >> 10);
    }

    /* skc first, then the clang first seen now, which looks for its skc.
     * A process named skc that runs its parent's program is the parent's
     * child between its fork (or posix_spawn's clone) and its exec: not a
     * skc, but what skc starts, about to be.  One that is not a skc yet is
     * looked at again at each sample: an exec that keeps the name (a
     * script named skc running the real one) makes no new entry. */
    for (size_t i = 0; i < t->nlive; i++) {
        size_t id = t->live[i];
        const struct entry *e = &t->entries[id];
        struct info *in = info_of(f, id);
        if (in->caller || !is_caller(f, e->comm))
            continue;
        size_t parent = live_pid(t, e->ppid);
        in->caller = runs_caller(f, e->pid) &&
                     (parent == NO_ENTRY || !is_caller(f, t->entries[parent].comm) ||
                      !same_program(e->pid, e->ppid));
        if (in->caller)
            describe_skc(in, e->pid);
    }
    for (size_t i = 0; i < t->nlive; i++) {
        size_t id = t->live[i];
        struct info *in = info_of(f, id);
        if (in->seen)
            continue;
        in->seen = 1;
        if (name_list_match(&f->lists.targets, t->entries[id].comm))
            place_clang(f, t, id);
    }
    /* Where each skc stood: the last sample before its exec.  A sample
     * caught in the exec itself (the name still skc's, the heap gone)
     * does not count. */
    for (size_t i = 0; i < t->nlive; i++) {
        size_t id = t->live[i];
        const struct entry *e = &t->entries[id];
        struct info *in = info_of(f, id);
        if (in->caller && e->rss.anon * 2 >= e->max_anon.anon) {
            in->last_usage = u_kib;
            in->last_file = f->file;
            in->last_peak = f->peak;
        }
    }

    /* What the replaced skc of every clang running now would add. */
    long extra = 0, extra_need = 0;
    for (size_t i = 0; i < t->nlive; i++) {
        size_t id = t->live[i];
        size_t u = info_of(f, id)->unit;
        if (u == NO_ENTRY || !f->units[u].replaced || f->units[u].clang != id)
            continue;
        extra += f->units[u].add_kib;
        extra_need += f->units[u].add_need_kib;
    }
    long est = u_kib + extra;
    /* The group's peak counter rose since the last sample: the usage
     * reached it in between, a moment the samples missed, and of what it
     * rose by, what was not page cache counts as anonymous.  Nothing is
     * added for the clangs running: a skc's pages may still have been
     * in the group then (an exec frees the old heap as it goes, or when
     * a reader of /proc lets go of it), and would count twice. */
    if (f->prev_peak >= 0 && f->peak > f->prev_peak)
        note_need(f, f->prev_need + anon_growth(f->peak - f->prev_usage,
                                                f->file - f->prev_file), 0);
    for (size_t i = 0; i < t->nlive; i++) {
        size_t id = t->live[i];
        size_t u = info_of(f, id)->unit;
        if (u == NO_ENTRY || !f->units[u].replaced || f->units[u].clang != id)
            continue;
        struct unit *un = &f->units[u];
        if (est > un->worst_kib) {
            un->worst_kib = est;
            un->worst_ms = t_ms;
            un->clang_kib = subtree_anon(t, t->entries[id].pid);
            un->rest_kib = est - un->skc_kib - un->clang_kib;
        }
    }
    if (est > f->est_max)
        f->est_max = est;
    note_need(f, n_kib, extra_need);
    f->prev_usage = u_kib;
    f->prev_need = n_kib;
    f->prev_file = f->file;
    f->prev_peak = f->peak;
    f->samples++;
}

/* ---- the report ------------------------------------------------------------ */

static int by_worst(const void *a, const void *b, void *units)
{
    const struct unit *u = units;
    const struct unit *x = &u[*(const size_t *)a], *y = &u[*(const size_t *)b];
    if (x->replaced != y->replaced)
        return y->replaced - x->replaced;
    return (x->worst_kib < y->worst_kib) - (x->worst_kib > y->worst_kib);
}

/* "~123" (MiB) for an estimate of KIB. */
static const char *approx(char *buf, size_t size, long kib)
{
    snprintf(buf, size, "~%ld", mib(kib));
    return buf;
}

static void table(FILE *out, struct fit *f, const struct tree *t, const size_t *order,
                  size_t n)
{
    char a[5][32];
    fprintf(out, "  %-26s %9s %9s %10s %8s  %s\n", "unit [skc's pid]", "skc anon",
            "skc file", "clang anon", "rest", "without the library");
    for (size_t i = 0; i < n; i++) {
        const struct unit *u = &f->units[order[i]];
        const struct entry *skc = &t->entries[u->skc];
        const struct info *in = info_of(f, u->skc);
        char who[64];
        snprintf(who, sizeof who, "%.40s [%d]", in->name ? in->name : skc->comm, skc->pid);
        if (i == MAX_ROWS) {
            fprintf(out, "  ... and %zu more unit%s\n", n - MAX_ROWS,
                    n - MAX_ROWS > 1 ? "s" : "");
            break;
        }
        if (!u->replaced) {
            fprintf(out, "  %-26s not replaced: %s; its clang ran next to it, so the "
                    "measured peak already holds both\n", who, u->why);
        } else if (u->worst_kib < 0) {
            fprintf(out, "  %-26s %9s %9s  (its clang ended before a sample)\n", who,
                    approx(a[0], sizeof a[0], u->skc_kib),
                    approx(a[1], sizeof a[1], skc->max_anon.file));
        } else {
            fprintf(out, "  %-26s %9s %9s %10s %8s  %s\n", who,
                    approx(a[0], sizeof a[0], u->skc_kib),
                    approx(a[1], sizeof a[1], skc->max_anon.file),
                    approx(a[2], sizeof a[2], u->clang_kib),
                    approx(a[3], sizeof a[3], u->rest_kib),
                    approx(a[4], sizeof a[4], u->worst_kib));
        }
    }
}

enum fits { FITS_WITHOUT, FITS_WITH, FITS_NOT };
static const char *const fits_word[] = {"without", "with", "no"};

static enum fits fits_in(long lim_kib, long need_with, long need_without)
{
    return need_without <= lim_kib ? FITS_WITHOUT
           : need_with <= lim_kib  ? FITS_WITH
                                   : FITS_NOT;
}

/* One line for limit L; returns the verdict. */
static enum fits verdict(FILE *out, const struct fit_limit *l, long peak_with,
                         long peak_without, long need_with, long need_without)
{
    long lim = l->mib * 1024;
    enum fits v = fits_in(lim, need_with, need_without);
    fprintf(out, "limit %ld MiB%s%s%s: ", l->mib, l->label[0] ? " (" : "", l->label,
            l->label[0] ? ")" : "");
    if (v == FITS_WITHOUT)
        fprintf(out, "fits, even without the library: headroom ~%ld MiB (~%ld with it)",
                mib(lim - need_without), mib(lim - need_with));
    else if (v == FITS_WITH)
        fprintf(out, "fits only with the library: headroom ~%ld MiB; without it ~%ld MiB "
                "over", mib(lim - need_with), mib(need_without - lim));
    else
        fprintf(out, "does not fit, even with the library: ~%ld MiB over",
                mib(need_with - lim));
    /* A fit on the anonymous part alone: the rest of the peak is page
     * cache the kernel has to write back and reclaim on the way. */
    long peak = v == FITS_WITHOUT ? peak_without : peak_with;
    if (v != FITS_NOT && peak > lim)
        fprintf(out, " (~%ld MiB of page cache to reclaim on the way)", mib(peak - lim));
    fputc('\n', out);
    return v;
}

int fit_report(FILE *out, struct fit *f, const struct tree *t, const struct options *opt,
               const struct result *r)
{
    /* The samples read the group's usage (or there were none, and the
     * peak is the group's); the group's peak is exact. */
    int from_cg = f->use_cg == 1 || (f->use_cg < 0 && !strncmp(r->source, "cgroup", 6));
    int exact = from_cg && !strncmp(r->source, "cgroup", 6);
    long peak = r->peak_mib * 1024;
    if (!f->samples) /* CMD ended before the first one: the peak is all */
        f->need_with = f->need_without = f->est_max = peak;
    /* The group's peak rose after the last sample (a short run ends
     * before a sample sees it): as between two samples, the rise taken as
     * anonymous. */
    if (exact && f->samples && f->prev_peak >= 0 && peak > f->prev_peak)
        note_need(f, f->prev_need + peak - f->prev_usage, 0);
    long without = f->est_max > peak ? f->est_max : peak;
    long need_with = f->need_with;
    long need_without = f->need_without > need_with ? f->need_without : need_with;

    size_t n = f->nunits, replaced = 0;
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        exit(EXIT_INTERNAL);
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        replaced += f->units[i].replaced != 0;
    }
    qsort_r(order, n, sizeof *order, by_worst, f->units);

    fprintf(out, "fit: will the build fit? (MiB; ~ marks an estimate: %s sampled every "
            "%ld ms)\n", from_cg ? "the group's usage and each process's RSS" :
            "the RSS of each process", opt->interval_ms);
    if (n)
        table(out, f, t, order, n);
    if (!replaced)
        fprintf(out, "  no skc was replaced by clang%s: the estimate without the library "
                "is the measured peak\n", n ? "" : " (none started one)");
    fprintf(out, "with the library: peak %ld MiB (%s), ~%ld MiB of it anonymous "
            "(what a limit must hold)\n", r->peak_mib,
            exact ? "measured" : "sampled", mib(need_with));
    fprintf(out, "without it: peak ~%ld MiB (estimated), ~%ld MiB of it anonymous",
            mib(without), mib(need_without));
    const struct unit *worst = replaced ? &f->units[order[0]] : NULL;
    if (worst && worst->worst_kib >= without) {
        const struct info *in = info_of(f, worst->skc);
        fprintf(out, "; worst unit: %s, at T+%.1fs: skc[%d] %s\n",
                in->name ? in->name : "skc", (double)worst->worst_ms / 1000.0,
                t->entries[worst->skc].pid, in->label ? in->label : "");
    } else {
        fprintf(out, "; worst case: %s\n", replaced ?
                "the measured peak, outside any clang step (no unit adds to it)" :
                "the measured peak");
    }
    enum fits first = FITS_WITH;
    for (int i = 0; i < opt->nfit; i++) {
        enum fits v = verdict(out, &opt->fit[i], peak, without, need_with, need_without);
        if (i == 0)
            first = v;
    }
    fprintf(out, "skcexec-fit: peak_mib=%ld peak_without_mib=%ld anon_mib=%ld "
            "anon_without_mib=%ld replaced=%zu not_replaced=%zu source=%s\n",
            r->peak_mib, mib(without), mib(need_with), mib(need_without), replaced,
            n - replaced, r->source);
    for (int i = 0; i < opt->nfit; i++) {
        long lim = opt->fit[i].mib * 1024;
        fprintf(out, "skcexec-fit: limit_mib=%ld fits=%s headroom_mib=%ld "
                "headroom_without_mib=%ld\n", opt->fit[i].mib,
                fits_word[fits_in(lim, need_with, need_without)],
                mib(lim - need_with), mib(lim - need_without));
    }
    free(order);
    if (r->status != 0)
        return r->status;
    return first == FITS_NOT;
}
