/* SPDX-License-Identifier: MIT */
/* clang_args.c - see clang_args.h.  Pure. */
#include "clang_args.h"

#include <string.h>

static int one_of(const char *v, const char *const *list)
{
    for (; *list != NULL; list++)
        if (strcmp(v, *list) == 0)
            return 1;
    return 0;
}

static int opt_level(const char *v)
{
    static const char *const levels[] = { "0", "1", "2", "3", "s", "z", "g",
                                          "fast", NULL };
    return one_of(v, levels);
}

static int debug_kind(const char *v)
{
    static const char *const kinds[] = {
        "0", "1", "2", "3", "gdb", "dwarf", "dwarf-2", "dwarf-3", "dwarf-4",
        "dwarf-5", "line-tables-only", "line-directives-only", "split-dwarf",
        "column-info", "no-column-info", "z", NULL,
    };
    return one_of(v, kinds);
}

static int input_language(const char *v)
{
    static const char *const langs[] = { "ir", "none", NULL };
    return one_of(v, langs);
}

/* -m<feature>, -mno-<feature>, -march=..., -mcpu=... (machine options):
 * one word of letters, digits and dots, or an "=" setting; no other
 * hyphen, so that no clang option that merely starts with "-m" (such as
 * -module-file-info) passes. */
static int machine_option(const char *v)
{
    if (strncmp(v, "no-", 3) == 0)
        v += 3;
    const char *eq = strchr(v, '=');
    size_t n = eq != NULL ? (size_t)(eq - v) : strlen(v);
    if (n == 0 || (eq != NULL && eq[1] == '\0'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
              v[i] == '.'))
            return 0;
    return 1;
}

/* Order matters: the first entry that matches an argument decides, so a
 * specific spelling comes before the prefix that would also take it
 * ("-Wl," before "-W", "-mllvm" before "-m").  Short names that clang
 * also uses as the start of longer options (-o, -u, -e, -T) are only
 * accepted with a separate value. */
const struct clang_opt clang_opts[] = {
    /* Output, optimisation, target: what skc itself passes. */
    { "-o", OPT_SEPARATE, NULL, 1 },
    { "-O", OPT_FLAG, NULL, 0 },
    { "-O", OPT_JOINED, opt_level, 0 },
    { "--target=", OPT_JOINED, NULL, 0 },
    { "-target", OPT_SEPARATE, NULL, 0 },
    { "-no-pie", OPT_FLAG, NULL, 0 },
    { "-nopie", OPT_FLAG, NULL, 0 },
    { "-pie", OPT_FLAG, NULL, 0 },
    { "-static-pie", OPT_FLAG, NULL, 0 },
    { "-fPIC", OPT_FLAG, NULL, 0 },
    { "-fpic", OPT_FLAG, NULL, 0 },
    { "-fPIE", OPT_FLAG, NULL, 0 },
    { "-fpie", OPT_FLAG, NULL, 0 },
    { "-fno-pic", OPT_FLAG, NULL, 0 },
    { "-fno-PIC", OPT_FLAG, NULL, 0 },
    { "-fno-pie", OPT_FLAG, NULL, 0 },
    { "-fno-PIE", OPT_FLAG, NULL, 0 },
    { "-shared", OPT_FLAG, NULL, 0 },
    { "-static", OPT_FLAG, NULL, 0 },
    { "-rdynamic", OPT_FLAG, NULL, 0 },
    { "-s", OPT_FLAG, NULL, 0 },
    /* Libraries and the linker. */
    { "-l", OPT_EITHER, NULL, 0 },
    { "-L", OPT_EITHER, NULL, 0 },
    { "-Wl,", OPT_JOINED, NULL, 0 },
    { "-Xlinker", OPT_SEPARATE, NULL, 0 },
    { "-pthread", OPT_FLAG, NULL, 0 },
    { "-fuse-ld=", OPT_JOINED, NULL, 0 },
    { "--ld-path=", OPT_JOINED, NULL, 0 },
    { "-B", OPT_EITHER, NULL, 0 },
    { "--sysroot=", OPT_JOINED, NULL, 0 },
    { "--sysroot", OPT_SEPARATE, NULL, 0 },
    { "--gcc-toolchain=", OPT_JOINED, NULL, 0 },
    { "--gcc-install-dir=", OPT_JOINED, NULL, 0 },
    { "-u", OPT_SEPARATE, NULL, 0 },
    { "-e", OPT_SEPARATE, NULL, 0 },
    { "-T", OPT_SEPARATE, NULL, 0 },
    { "-z", OPT_SEPARATE, NULL, 0 },
    { "-nostdlib", OPT_FLAG, NULL, 0 },
    { "-nostdlib++", OPT_FLAG, NULL, 0 },
    { "-nodefaultlibs", OPT_FLAG, NULL, 0 },
    { "-nostartfiles", OPT_FLAG, NULL, 0 },
    { "-static-libgcc", OPT_FLAG, NULL, 0 },
    { "-shared-libgcc", OPT_FLAG, NULL, 0 },
    { "-static-libstdc++", OPT_FLAG, NULL, 0 },
    { "-stdlib=", OPT_JOINED, NULL, 0 },
    { "-rtlib=", OPT_JOINED, NULL, 0 },
    { "--rtlib=", OPT_JOINED, NULL, 0 },
    { "-unwindlib=", OPT_JOINED, NULL, 0 },
    { "--unwindlib=", OPT_JOINED, NULL, 0 },
    /* Code generation of the IR. */
    { "-flto", OPT_FLAG, NULL, 0 },
    { "-flto=", OPT_JOINED, NULL, 0 },
    { "-fno-lto", OPT_FLAG, NULL, 0 },
    { "-ffunction-sections", OPT_FLAG, NULL, 0 },
    { "-fdata-sections", OPT_FLAG, NULL, 0 },
    { "-fno-function-sections", OPT_FLAG, NULL, 0 },
    { "-fno-data-sections", OPT_FLAG, NULL, 0 },
    { "-fomit-frame-pointer", OPT_FLAG, NULL, 0 },
    { "-fno-omit-frame-pointer", OPT_FLAG, NULL, 0 },
    { "-fsanitize=", OPT_JOINED, NULL, 0 },
    { "-mllvm", OPT_SEPARATE, NULL, 0 },
    { "-m", OPT_JOINED, machine_option, 0 },
    { "-g", OPT_FLAG, NULL, 0 },
    { "-g", OPT_JOINED, debug_kind, 0 },
    { "-x", OPT_SEPARATE, input_language, 0 },
    /* Diagnostics. */
    { "-w", OPT_FLAG, NULL, 0 },
    { "-W", OPT_JOINED, NULL, 0 },              /* -Werror, -Wno-..., -Wa, */
    { "-v", OPT_FLAG, NULL, 0 },
    { "-Qunused-arguments", OPT_FLAG, NULL, 0 },
    { "-fcolor-diagnostics", OPT_FLAG, NULL, 0 },
    { "-fno-color-diagnostics", OPT_FLAG, NULL, 0 },
    { "-fdiagnostics-color", OPT_FLAG, NULL, 0 },
    { "-fdiagnostics-color=", OPT_JOINED, NULL, 0 },
};
const size_t clang_opts_count = sizeof clang_opts / sizeof clang_opts[0];

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int is_ir(const char *a)
{
    return ends_with(a, ".ll") || ends_with(a, ".bc");
}

/* What the linker takes: objects, archives (skc's .sklib are archives),
 * shared libraries, with or without a version ("libz.so.1.2"). */
static int is_link_input(const char *a)
{
    if (ends_with(a, ".o") || ends_with(a, ".a") || ends_with(a, ".so") ||
        ends_with(a, ".sklib"))
        return 1;
    const char *so = strstr(a, ".so.");
    if (so == NULL)
        return 0;
    for (const char *p = so + 4; *p != '\0'; p++)
        if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] != '\0')))
            return 0;
    return so[4] != '\0';
}

static int value_ok(const struct clang_opt *o, const char *v)
{
    return v[0] != '\0' && (o->value_ok == NULL || o->value_ok(v));
}

/* How many arguments argv[i] takes as an option (1 or 2), or 0 when no
 * entry of the table accepts it.  *opt: the entry. */
static int match(char *const *argv, size_t i, const struct clang_opt **opt)
{
    const char *a = argv[i];
    for (size_t k = 0; k < clang_opts_count; k++) {
        const struct clang_opt *o = &clang_opts[k];
        size_t n = strlen(o->name);
        if (strncmp(a, o->name, n) != 0)
            continue;
        const char *rest = a + n;
        int whole = *rest == '\0';
        *opt = o;
        switch (o->form) {
        case OPT_FLAG:
            if (whole)
                return 1;
            break;
        case OPT_JOINED:
            if (value_ok(o, rest))
                return 1;
            break;
        case OPT_SEPARATE:
            if (whole && argv[i + 1] != NULL && value_ok(o, argv[i + 1]))
                return 2;
            break;
        case OPT_EITHER:
            if (value_ok(o, rest))
                return 1;
            if (whole && argv[i + 1] != NULL && value_ok(o, argv[i + 1]))
                return 2;
            break;
        }
    }
    return 0;
}

const char *clang_args_check(char *const *argv, const char **bad)
{
    *bad = NULL;
    int ir = 0, operands_only = 0;
    for (size_t i = 1; argv[i] != NULL; i++) {
        const char *a = argv[i];
        if (operands_only || a[0] != '-') {
            /* "" is no file: clang rejects it the same way in place. */
            if (a[0] == '\0')
                continue;
            if (is_ir(a)) {
                ir = 1;
                continue;
            }
            if (!is_link_input(a)) {
                *bad = a;
                return "an operand that is neither IR nor a link input";
            }
            continue;
        }
        if (strcmp(a, "--") == 0) {
            operands_only = 1;
            continue;
        }
        const struct clang_opt *o = NULL;
        int n = match(argv, i, &o);
        if (n == 0) {
            *bad = a;
            return "an option a compile-and-link of IR does not use";
        }
        i += (size_t)n - 1;
    }
    return ir ? NULL : "no LLVM IR input";
}

size_t clang_args_next_input(char *const *argv, size_t i)
{
    int operands_only = 0;
    /* Rescan from the start: whether argv[i] is an operand depends on
     * what precedes it.  Argument lists are short. */
    for (size_t k = 1; argv[k] != NULL; k++) {
        const char *a = argv[k];
        int operand = operands_only || a[0] != '-';
        if (!operand && strcmp(a, "--") == 0) {
            operands_only = 1;
            continue;
        }
        if (!operand) {
            const struct clang_opt *o = NULL;
            int n = match(argv, k, &o);
            k += n > 0 ? (size_t)n - 1 : 0;
            continue;
        }
        if (k > i && a[0] != '\0')
            return k;
    }
    return 0;
}
