/* SPDX-License-Identifier: MIT */
/* fuzz_parsers.c - libFuzzer target for the pure code: settings.c, policy.c,
 * shell_cmd.c.
 *
 * Input: byte 0 picks a mode: 0 all, 1 settings, 2 name lists, 3 env argv,
 * 4 policy_decide, 5 --batch, 6 system() command parsing (the ASCII digits
 * '0'..'6' map to 0..6, which keeps seed files readable); byte 1 holds flags, bytes 2-3 the spawn
 * attribute flags; the rest is a list of strings separated by NUL bytes.
 * Build and run: tools/fuzz.sh.
 *
 * Every string and every argv array is a heap block of its exact size, so
 * ASan reports a read one byte past a terminator instead of silently reading
 * the next string.  Beyond memory errors, CHECK aborts on a broken promise of
 * settings.h / policy.h, which the sanitizers alone cannot see.
 */
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clang_args.h"
#include "policy.h"
#include "settings.h"
#include "shell_cmd.h"

#define CHECK(c)                                                              \
    do {                                                                      \
        if (!(c)) {                                                           \
            fprintf(stderr, "fuzz_parsers.c:%d: CHECK(%s) failed\n",          \
                    __LINE__, #c);                                            \
            abort();                                                          \
        }                                                                     \
    } while (0)

#define MAX_STRS 200    /* argv entries from one input: well past ENV_OPS_MAX */

/* byte 1 */
#define F_HAS_ATTR 0x01
#define F_IDS_DIFFER 0x02
#define F_ACTIONS_KNOWN 0x04
#define F_PGROUP_MOVES 0x08
/* Byte 2 doubles as a mask: bit i set makes settings value i NULL, the one
 * case a NUL-separated string cannot express (empty is not unset). */

/* Does p point inside (or at the NUL of) one of argv[lo..hi)?  The shim
 * applies ops and chdir after the parse returns: they must alias the caller's
 * argv, never a temporary. */
static int points_into(char *const *argv, size_t lo, size_t hi, const char *p)
{
    for (size_t j = lo; j < hi; j++) {
        uintptr_t a = (uintptr_t)argv[j], q = (uintptr_t)p;
        if (q >= a && q <= a + strlen(argv[j]))
            return 1;
    }
    return 0;
}

static void check_settings(char **s, size_t n, unsigned null_mask)
{
    const char *v[6];
    for (size_t i = 0; i < 6; i++)
        v[i] = (i < n && !(null_mask >> i & 1)) ? s[i] : NULL;
    struct settings_env env = { v[0], v[1], v[2], v[3], v[4], v[5] };
    struct settings st;
    settings_parse(&st, &env);
    CHECK(st.disable == 0 || st.disable == 1);
    CHECK(st.verbose >= 0 && st.verbose <= 2);
    CHECK(st.wait_ms >= 0 && st.wait_ms <= WAIT_MS_MAX);
    CHECK(st.fork_wait_ms >= 0 && st.fork_wait_ms <= WAIT_MS_MAX);
    /* A bad list falls back to the default, so neither list is ever empty. */
    CHECK(st.callers.n >= 1 && st.targets.n >= 1);
    const char *end = memchr(st.warn, '\0', sizeof st.warn);
    CHECK(end != NULL);
    /* The header promises '\n'-terminated lines, also when every value is
     * bad: warn holds all six warnings. */
    CHECK(end == st.warn || end[-1] == '\n');
    /* A value that is not a number must be reported, not silently dropped
     * (the first warning always fits, so this cannot be a cut). */
    if (v[0] != NULL && v[0][strspn(v[0], "0123456789")] != '\0')
        CHECK(strncmp(st.warn, "SKCEXEC_DISABLE=", 16) == 0);
}

static void check_name_list(char **s, size_t n)
{
    struct name_list l;
    if (n == 0 || name_list_parse(&l, s[0]) != 0)
        return;
    CHECK(l.n >= 1 && l.n <= NAME_LIST_MAX);
    /* The items, joined by commas, give back the text. */
    char joined[NAME_LIST_BYTES + 1] = "";
    for (size_t i = 0; i < l.n; i++) {
        CHECK(l.item[i] >= l.buf && l.item[i] < l.buf + sizeof l.buf);
        CHECK(l.item[i][0] != '\0' && !strchr(l.item[i], '/'));
        CHECK(strlen(joined) + strlen(l.item[i]) + 1 < sizeof joined);
        strcat(joined, l.item[i]);
        if (i + 1 < l.n)
            strcat(joined, ",");
        CHECK(name_list_match(&l, l.item[i]));
    }
    CHECK(strcmp(joined, s[0]) == 0);
    for (size_t i = 1; i < n; i++) {
        int m = name_list_match(&l, s[i]);
        CHECK(m == 0 || m == 1);
        /* Every match must be explained by an item: equal, or a "-N" item
         * whose stem is a prefix of the name. */
        if (m) {
            int ok = 0;
            for (size_t k = 0; k < l.n && !ok; k++) {
                size_t el = strlen(l.item[k]);
                ok = strcmp(l.item[k], s[i]) == 0 ||
                     (el >= 2 && !strcmp(l.item[k] + el - 2, "-N") &&
                      !strncmp(l.item[k], s[i], el - 1));
            }
            CHECK(ok);
        }
        const char *arg0 = i + 1 < n ? s[i + 1] : NULL;
        const char *who = policy_caller_name(s[i], arg0, &l);
        CHECK(who == NULL || who == s[i] || who == arg0);
        if (who != NULL)
            CHECK(name_list_match(&l, who));
    }
}

static void check_env_wrap(char *const *argv, size_t argc, const struct env_wrap *w)
{
    CHECK(w->cmd >= 1 && w->cmd < argc && argv[w->cmd] != NULL);
    CHECK(w->n_ops <= ENV_OPS_MAX);
    for (size_t i = 0; i < w->n_ops; i++) {
        const char *a = w->op[i].arg;
        CHECK(points_into(argv, 1, w->cmd, a));
        CHECK(*a != '\0');
        if (w->op[i].kind == 'u')
            CHECK(strchr(a, '=') == NULL);
        else
            CHECK(w->op[i].kind == 's' && a[0] != '=' && strchr(a, '=') != NULL);
    }
    if (w->chdir != NULL)
        CHECK(*w->chdir != '\0' && points_into(argv, 1, w->cmd, w->chdir));
}

static void check_env(char **s, size_t n)
{
    char **argv = malloc((n + 2) * sizeof *argv);
    argv[0] = "env";
    memcpy(argv + 1, s, n * sizeof *s);
    argv[n + 1] = NULL;
    struct env_wrap w;
    if (policy_parse_env(argv, &w) == 0)
        check_env_wrap(argv, n + 1, &w);
    free(argv);
}

/* Does `arg` take the next argument as its value (a table entry of the
 * separate form)?  That value may be anything: an output named "-c", an
 * -mllvm option. */
static int takes_value(const char *arg)
{
    for (size_t k = 0; k < clang_opts_count; k++)
        if ((clang_opts[k].form == OPT_SEPARATE ||
             clang_opts[k].form == OPT_EITHER) &&
            strcmp(arg, clang_opts[k].name) == 0)
            return 1;
    return 0;
}

static void check_decide(char **s, size_t n, const unsigned char *hdr,
                         const struct name_list *targets)
{
    /* prog is s[0], argv is the rest: "env\0env\0-C\0d\0clang++..." wraps. */
    size_t argc = n > 0 ? n - 1 : 0;
    char **argv = malloc((argc + 1) * sizeof *argv);
    if (argc > 0)
        memcpy(argv, s + 1, argc * sizeof *s);
    argv[argc] = NULL;
    struct spawn_view v = spawn_view_of(n > 0 ? s[0] : NULL, argv);
    v.has_attr = hdr[1] & F_HAS_ATTR;
    v.attr_flags = (short)(hdr[2] | hdr[3] << 8);
    v.ids_differ = !!(hdr[1] & F_IDS_DIFFER);
    v.pgroup_moves = !!(hdr[1] & F_PGROUP_MOVES);
    v.actions_known = !!(hdr[1] & F_ACTIONS_KNOWN);
    struct decision d;
    policy_decide(&v, targets, &d);
    CHECK(d.why != NULL);
    if (d.act) {
        /* Acting ends the caller: every reason to stay must have been seen. */
        CHECK(d.cmd < argc && argv[d.cmd] != NULL);
        CHECK(v.actions_known);
        CHECK(!v.has_attr || !(v.attr_flags & POSIX_SPAWN_SETSID));
        CHECK(!v.has_attr || !(v.attr_flags & POSIX_SPAWN_RESETIDS) || !v.ids_differ);
        CHECK(!v.has_attr || !(v.attr_flags & POSIX_SPAWN_SETPGROUP) || !v.pgroup_moves);
        if (d.via_env) {
            CHECK(strcmp(policy_basename(v.prog), "env") == 0);
            CHECK(d.cmd == d.env.cmd);
            check_env_wrap(argv, argc, &d.env);
            CHECK(name_list_match(targets, policy_basename(argv[d.cmd])));
        } else {
            CHECK(d.cmd == 0 && name_list_match(targets, policy_basename(v.prog)));
        }
        /* Acting ends the caller: clang must link IR, so no argument may be
         * one of the actions that stop before a link, and some input is IR. */
        static const char *const stops[] = {
            "-c", "-S", "-E", "-M", "-MM", "-###", "--version", "--compile",
            "--assemble", "--preprocess", "--analyze", "-fsyntax-only",
            "-dumpversion", "-emit-llvm", "-", NULL,
        };
        int ir = 0;
        char *const *cl = argv + d.cmd;
        for (size_t i = clang_args_next_input(cl, 0); i != 0;
             i = clang_args_next_input(cl, i)) {
            size_t l = strlen(cl[i]);
            CHECK(l > 0 && cl[i][0] != '\0');
            ir |= l >= 3 && (!strcmp(cl[i] + l - 3, ".ll") ||
                             !strcmp(cl[i] + l - 3, ".bc"));
        }
        for (size_t i = 1; cl[i] != NULL; i++) {
            CHECK(cl[i][0] != '@');     /* a response file never passes */
            for (size_t k = 0; stops[k] != NULL; k++)
                CHECK(strcmp(cl[i], stops[k]) != 0);
            CHECK(strncmp(cl[i], "-print-", 7) != 0);
            i += takes_value(cl[i]) && cl[i + 1] != NULL;   /* any value */
        }
        CHECK(ir);
    }
    free(argv);
}

static void check_batch(char **s, size_t n)
{
    char **argv = malloc((n + 2) * sizeof *argv);
    argv[0] = "skc";
    memcpy(argv + 1, s, n * sizeof *s);
    argv[n + 1] = NULL;
    int b = policy_has_batch(argv);
    CHECK(b == 0 || b == 1);
    if (b) {
        int seen = 0;
        for (size_t i = 1; i <= n && strcmp(argv[i], "--"); i++)
            seen |= strncmp(argv[i], "--batch", 7) == 0;
        CHECK(seen);
    }
    free(argv);
}

static void check_shell(char **s, size_t n)
{
    if (n == 0)
        return;
    size_t len = strlen(s[0]);
    char *buf = malloc(len + 1);
    char *words[65];
    struct shell_cmd c;
    if (shell_cmd_parse(s[0], buf, words, 64, &c) == 0) {
        CHECK(c.n_words >= 1 && c.n_words <= 64 && c.cmd < c.n_words);
        CHECK(words[c.n_words] == NULL && c.cmd_offset < len);
        /* Words only lose quotes: they fit in the command's length. */
        size_t total = 0;
        for (size_t i = 0; i < c.n_words; i++)
            total += strlen(words[i]) + 1;
        CHECK(total <= len + 1);
        /* Nothing the shell would interpret survives outside quotes, so the
         * program word starts where the parser says. */
        CHECK(strchr(";&|<>()$`\\\n", s[0][c.cmd_offset]) == NULL);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct name_list default_targets;
    if (default_targets.n == 0)
        CHECK(name_list_parse(&default_targets, TARGETS_DEFAULT) == 0);
    if (size < 4)
        return 0;
    const unsigned char *hdr = data;
    char *s[MAX_STRS];
    size_t n = 0;
    const uint8_t *p = data + 4, *end = data + size;
    while (p < end && n < MAX_STRS) {
        const uint8_t *z = memchr(p, '\0', (size_t)(end - p));
        size_t len = z ? (size_t)(z - p) : (size_t)(end - p);
        s[n] = malloc(len + 1);
        memcpy(s[n], p, len);
        s[n++][len] = '\0';
        p += len + 1;
    }

    unsigned mode = (hdr[0] >= '0' && hdr[0] <= '9' ? hdr[0] - '0' : hdr[0]) % 7;
    struct settings st;
    const struct name_list *targets = &default_targets;
    if (mode == 0) {
        /* Let the fuzzer also steer SKCEXEC_TARGETS into policy_decide. */
        struct settings_env env = { .targets = n > 3 ? s[3] : NULL };
        settings_parse(&st, &env);
        targets = &st.targets;
    }
    if (mode == 0 || mode == 1)
        check_settings(s, n, hdr[2]);
    if (mode == 0 || mode == 2)
        check_name_list(s, n);
    if (mode == 0 || mode == 3)
        check_env(s, n);
    if (mode == 0 || mode == 4)
        check_decide(s, n, hdr, targets);
    if (mode == 0 || mode == 5)
        check_batch(s, n);
    if (mode == 0 || mode == 6)
        check_shell(s, n);

    for (size_t i = 0; i < n; i++)
        free(s[i]);
    return 0;
}
