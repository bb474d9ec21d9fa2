/* SPDX-License-Identifier: MIT */
/* settings.c - parse SKCEXEC_* values; see settings.h.  Pure: no I/O. */
#include "settings.h"

#include <stdio.h>
#include <string.h>

static void add_warning(struct settings *s, const char *var, const char *val,
                        const char *why, const char *dflt)
{
    /* Show at most 40 bytes of the bad value: it may be huge or binary. */
    char shown[41];
    size_t i, k = 0;
    for (i = 0; val[i] != '\0' && k < sizeof shown - 1; i++) {
        unsigned char c = (unsigned char)val[i];
        shown[k++] = (char)((c >= 0x20 && c < 0x7f) ? c : '?');
    }
    shown[k] = '\0';
    char line[256];
    int n = snprintf(line, sizeof line, "%s=\"%s%s\" %s; using %s\n", var,
                     shown, val[i] != '\0' ? "..." : "", why, dflt);
    /* Whole lines only (warn is sized for all six at their longest). */
    size_t used = strlen(s->warn);
    if (n > 0 && (size_t)n < sizeof line && used + (size_t)n < sizeof s->warn)
        memcpy(s->warn + used, line, (size_t)n + 1);
}

int name_list_parse(struct name_list *l, const char *text)
{
    size_t len = strlen(text);
    if (len == 0 || len >= sizeof l->buf)
        return -1;
    memcpy(l->buf, text, len + 1);
    l->n = 0;
    char *p = l->buf;
    for (;;) {
        char *end = strchr(p, ',');
        if (end != NULL)
            *end = '\0';
        /* An entry is a non-empty basename of printable, non-space bytes. */
        if (*p == '\0' || l->n == NAME_LIST_MAX)
            return -1;
        for (const char *c = p; *c != '\0'; c++)
            if (*c == '/' || (unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
                return -1;
        l->item[l->n++] = p;
        if (end == NULL)
            return 0;
        p = end + 1;
    }
}

/* "-N" suffix: digits with optional single dots between them ("14", "19.1"). */
static int is_version(const char *v)
{
    if (*v < '0' || *v > '9')
        return 0;
    for (; *v != '\0'; v++) {
        if (*v == '.') {
            if (v[1] < '0' || v[1] > '9')
                return 0;
        } else if (*v < '0' || *v > '9') {
            return 0;
        }
    }
    return 1;
}

int name_list_match(const struct name_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        const char *e = l->item[i];
        size_t el = strlen(e);
        if (strcmp(e, name) == 0)
            return 1;
        if (el >= 2 && strcmp(e + el - 2, "-N") == 0 &&
            strncmp(e, name, el - 1) == 0 && is_version(name + el - 1))
            return 1;
    }
    return 0;
}

/* A decimal number in [0, max], nothing else; returns -1 if malformed. */
static long parse_ulong(const char *v, long max)
{
    long n = 0;
    if (*v == '\0')
        return -1;
    for (; *v != '\0'; v++) {
        if (*v < '0' || *v > '9')
            return -1;
        n = n * 10 + (*v - '0');
        if (n > max)
            return -1;
    }
    return n;
}

/* A duration in ms, or the default with a warning. */
static long parse_ms(struct settings *s, const char *var, const char *v,
                     long dflt, const char *dflt_text)
{
    if (v == NULL || *v == '\0')
        return dflt;
    long n = parse_ulong(v, WAIT_MS_MAX);
    if (n >= 0)
        return n;
    add_warning(s, var, v, "is not a number of milliseconds <= 3600000",
                dflt_text);
    return dflt;
}

/* A level from 0 to max (SKCEXEC_DISABLE, SKCEXEC_VERBOSE); 0 with a
 * warning when v is not one. */
static int parse_level(struct settings *s, const char *var, const char *v,
                       long max, const char *expected)
{
    if (v == NULL || *v == '\0')
        return 0;
    long n = parse_ulong(v, max);
    if (n >= 0)
        return (int)n;
    add_warning(s, var, v, expected, "0");
    return 0;
}

void settings_parse(struct settings *s, const struct settings_env *env)
{
    const char *callers = env->callers, *targets = env->targets;
    memset(s, 0, sizeof *s);

    /* Unset and empty mean "default" for every variable. */
    s->disable = parse_level(s, "SKCEXEC_DISABLE", env->disable, 1,
                             "is not 0 or 1");
    s->verbose = parse_level(s, "SKCEXEC_VERBOSE", env->verbose, 2,
                             "is not 0, 1 or 2");
    s->wait_ms = parse_ms(s, "SKCEXEC_WAIT_MS", env->wait_ms,
                          WAIT_MS_DEFAULT, "5000");
    s->fork_wait_ms = parse_ms(s, "SKCEXEC_FORK_WAIT_MS", env->fork_wait_ms,
                               FORK_WAIT_MS_DEFAULT, "250");
    if (callers == NULL || *callers == '\0' ||
        name_list_parse(&s->callers, callers) != 0) {
        if (callers != NULL && *callers != '\0')
            add_warning(s, "SKCEXEC_CALLERS", callers,
                        "is not a comma-separated list of program names",
                        CALLERS_DEFAULT);
        name_list_parse(&s->callers, CALLERS_DEFAULT);
    }
    if (targets == NULL || *targets == '\0' ||
        name_list_parse(&s->targets, targets) != 0) {
        if (targets != NULL && *targets != '\0')
            add_warning(s, "SKCEXEC_TARGETS", targets,
                        "is not a comma-separated list of program names",
                        "the clang family");
        name_list_parse(&s->targets, TARGETS_DEFAULT);
    }
}
