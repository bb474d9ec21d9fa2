/* SPDX-License-Identifier: MIT */
/* profile_chart.c - the optional chart of skcexec-profile, drawn by gnuplot.
 *
 * The samples of every process are streamed to a temporary file during the
 * run (which processes are worth a line is known only at the end); here
 * they are split into one gnuplot data block per chosen series, inside a
 * small script that is then run.  chart_begin makes the temporary
 * directory and the samples file, chart_end draws and removes them.
 *
 * gnuplot runs what the script says, and the title comes from CMD's
 * arguments: nothing from outside goes into the script but inside a
 * single-quoted string, with its control characters (a newline would end
 * the string, and the next line would be a command) replaced.  No path
 * goes into it either: the data are in the script, and the image is
 * gnuplot's stdout, the --chart file opened by us (profile_output.c). */
#include "profile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

struct chart_series {
    long id;              /* entry id in the samples file, -1 for the total */
    char title[64];
};

/* The full path of gnuplot on PATH in BUF, or NULL. */
static const char *chart_find_gnuplot(char *buf, size_t size)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        /* An empty PATH entry means the current directory. */
        if ((size_t)snprintf(buf, size, "%.*s%sgnuplot", (int)len,
                             len ? path : ".", len ? "/" : "") < size &&
            access(buf, X_OK) == 0)
            return buf;
        path += len + (path[len] == ':');
    }
    return NULL;
}

/* TEXT as a gnuplot single-quoted string, where only ' itself is special
 * (doubled), and a control character would end the line: '?' instead. */
static void put_quoted(FILE *f, const char *text)
{
    fputc('\'', f);
    for (; *text; text++) {
        unsigned char ch = (unsigned char)*text;
        if (ch == '\'')
            fputc('\'', f);
        fputc(ch < ' ' || ch == 0x7f ? '?' : ch, f);
    }
    fputc('\'', f);
}

/* One data block per series, $sN, of "t_s MiB" lines. */
static int write_data(FILE *out, const char *samples,
                      const struct chart_series *series, size_t nseries)
{
    for (size_t i = 0; i < nseries; i++) {
        FILE *in = fopen(samples, "re");
        if (!in)
            return -1;
        fprintf(out, "$s%zu << EOD\n", i);
        char line[128];
        int any = 0;
        while (fgets(line, sizeof line, in)) {
            /* our own "t_ms id rss_kib" lines */
            char *p = line;
            long t = strtol(p, &p, 10), id = strtol(p, &p, 10), kib = strtol(p, &p, 10);
            if (id == series[i].id) {
                fprintf(out, "%.3f %.1f\n", (double)t / 1000.0, (double)kib / 1024.0);
                any = 1;
            }
        }
        if (!any) /* gnuplot rejects an empty block */
            fprintf(out, "0 0\n");
        fclose(in);
        fprintf(out, "EOD\n");
    }
    return 0;
}

static int write_script(const char *script, const char *file, const char *samples,
                        const struct chart_series *series, size_t nseries,
                        const char *title)
{
    FILE *f = fopen(script, "wxe");
    if (!f)
        return -1;
    if (write_data(f, samples, series, nseries) != 0) {
        fclose(f);
        return -1;
    }
    const char *ext = strrchr(file, '.');
    if (ext && !strcasecmp(ext, ".svg"))
        fputs("set terminal svg size 1000,600 noenhanced\n", f);
    else /* pngcairo draws better; libgd's png is the fallback */
        fputs("if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
              "    set terminal pngcairo size 1000,600 noenhanced\n"
              "} else {\n"
              "    set terminal png size 1000,600 noenhanced\n"
              "}\n", f);
    fputs("set title ", f);
    put_quoted(f, title);
    fputs("\nset xlabel 'time (s)'\nset ylabel 'RSS (MiB)'\nset grid\n"
          "set key left top\nset yrange [0:*]\nplot ", f);
    for (size_t i = 0; i < nseries; i++) {
        fprintf(f, "%s$s%zu using 1:2 with lines lw %d title ", i ? ", \\\n     " : "",
                i, series[i].id < 0 ? 3 : 2);
        put_quoted(f, series[i].title);
    }
    fputs("\n", f);
    return fclose(f);
}

/* Runs gnuplot SCRIPT with its stdout on OUT_FD (the image); its
 * messages go to our stderr.  gnuplot starts with default dispositions
 * and no blocked signal, and a signal we get meanwhile ends it. */
static int run_gnuplot(struct child *c, const char *gnuplot, const char *script, int out_fd)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        sig_child_clean();
        if (dup2(out_fd, 1) < 0)
            _exit(127);
        execl(gnuplot, "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st = run_wait_helper(c, pid);
    return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Draws FILE (.png or .svg) from SAMPLES, a text file of
 * "t_ms id rss_kib" lines: one line per series.  Returns 0 or -1 (a
 * one-line message is printed on stderr). */
static int chart_draw(struct child *c, const struct chart *ch,
                      const struct chart_series *series, size_t nseries,
                      const char *title)
{
    char script[PATH_MAX + 16], why[256];
    struct output out;
    snprintf(script, sizeof script, "%s/chart.gp", ch->dir);
    int rc = -1;
    if (write_script(script, ch->file, ch->samples_path, series, nseries, title) != 0)
        fprintf(stderr, PROG ": cannot write the chart's script: %s; no chart\n",
                strerror(errno));
    else if (out_open(&out, ch->file, why, sizeof why) != 0)
        fprintf(stderr, PROG ": --chart: %s: %s; no chart\n", ch->file, why);
    else if (run_gnuplot(c, ch->gnuplot, script, out.fd) != 0) {
        fprintf(stderr, PROG ": gnuplot failed; no chart\n");
        out_drop(&out);
    } else if (out_commit(&out) != 0)
        fprintf(stderr, PROG ": --chart: %s: %s; no chart\n", ch->file, strerror(errno));
    else
        rc = 0;
    unlink(script);
    return rc;
}

/* ---- one run's chart ------------------------------------------------------- */

void chart_begin(struct chart *ch, const char *file)
{
    memset(ch, 0, sizeof *ch);
    if (!file)
        return;
    if (!chart_find_gnuplot(ch->gnuplot, sizeof ch->gnuplot)) {
        fprintf(stderr, PROG ": gnuplot not found; no chart (apt-get install gnuplot-nox)\n");
        return;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(ch->dir, sizeof ch->dir, "%s/skcexec-profile.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(ch->dir)) {
        fprintf(stderr, PROG ": %s: %s; no chart\n", ch->dir, strerror(errno));
        return;
    }
    snprintf(ch->samples_path, sizeof ch->samples_path, "%s/samples", ch->dir);
    if (!(ch->samples = fopen(ch->samples_path, "we"))) {
        fprintf(stderr, PROG ": %s: %s; no chart\n", ch->samples_path, strerror(errno));
        rmdir(ch->dir);
        return;
    }
    ch->file = file;
}

/* "CMD ARGS (peak N MiB)", the command cut at 100 characters */
static void chart_title(char *title, size_t size, char **cmd, long peak_mib)
{
    char line[104] = "";
    size_t len = 0;
    for (char **a = cmd; *a && len < sizeof line - 1; a++)
        len += (size_t)snprintf(line + len, sizeof line - len, "%s%s",
                                a == cmd ? "" : " ", *a);
    if (len >= sizeof line - 1)
        memcpy(line + sizeof line - 4, "...", 4);
    snprintf(title, size, "%s (peak %ld MiB)", line, peak_mib);
}

void chart_end(struct chart *ch, struct child *c, const struct tree *t,
               const struct top *top, char **cmd, long peak_mib)
{
    if (!ch->file)
        return;
    int ok = fclose(ch->samples) == 0;
    ch->samples = NULL;
    struct chart_series *s = calloc(top->n + 1, sizeof *s);
    if (ok && s) {
        s[0].id = -1;
        snprintf(s[0].title, sizeof s[0].title, "total");
        for (size_t i = 0; i < top->n; i++) {
            const struct entry *e = &t->entries[top->ids[i]];
            s[i + 1].id = (long)top->ids[i];
            snprintf(s[i + 1].title, sizeof s[i + 1].title, "%s[%d]", e->comm, e->pid);
        }
        char title[160];
        chart_title(title, sizeof title, cmd, peak_mib);
        chart_draw(c, ch, s, top->n + 1, title);
    }
    free(s);
    unlink(ch->samples_path);
    rmdir(ch->dir);
}
