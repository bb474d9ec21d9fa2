/* SPDX-License-Identifier: MIT */
/* settings.h - the SKCEXEC_* environment variables, parsed.
 *
 * Parsing is a pure function of the strings (no getenv, no I/O) so that it can
 * be unit-tested and fuzzed.  A malformed value yields the default plus a
 * one-line warning in `warn`; the caller decides whether to print it (only
 * processes the shim would act in do, so a typo does not spam a whole build).
 */
#ifndef SKCEXEC_SETTINGS_H
#define SKCEXEC_SETTINGS_H

#include <stddef.h>

#define NAME_LIST_MAX 16        /* names in SKCEXEC_CALLERS / SKCEXEC_TARGETS */
#define NAME_LIST_BYTES 512     /* their total length */
#define WAIT_MS_DEFAULT 5000L
#define WAIT_MS_MAX 3600000L    /* one hour: anything longer is a typo */
#define FORK_WAIT_MS_DEFAULT 250L

/* A list of program basenames.  An entry ending in "-N" also matches the
 * stem followed by '-' and a version made of digits and dots ("clang-N"
 * matches clang-14 and clang-19.1). */
struct name_list {
    char buf[NAME_LIST_BYTES];
    const char *item[NAME_LIST_MAX];
    size_t n;
};

struct settings {
    int disable;                /* SKCEXEC_DISABLE=1 */
    int verbose;                /* SKCEXEC_VERBOSE: 0, 1 (acting), 2 (+ why not) */
    long wait_ms;               /* SKCEXEC_WAIT_MS: IR barrier bound */
    long fork_wait_ms;          /* SKCEXEC_FORK_WAIT_MS: wait for a child's exec */
    struct name_list callers;   /* SKCEXEC_CALLERS, default "skc" */
    struct name_list targets;   /* SKCEXEC_TARGETS, default clang family */
    char warn[1024];            /* warnings, one line each, '\n'-terminated */
};

#define CALLERS_DEFAULT "skc"
#define TARGETS_DEFAULT "clang,clang++,clang-N,clang++-N"

/* The raw values: each is the variable's value, or NULL when unset. */
struct settings_env {
    const char *disable, *verbose, *callers, *targets, *wait_ms, *fork_wait_ms;
};

void settings_parse(struct settings *s, const struct settings_env *env);

/* Parse a comma-separated list into *l; returns 0, or -1 if malformed (then
 * *l is unspecified). */
int name_list_parse(struct name_list *l, const char *text);

/* Does `name` (a basename) match an entry of the list? */
int name_list_match(const struct name_list *l, const char *name);

#endif
