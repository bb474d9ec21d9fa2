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
    { "-o", NULL, OPT_SEPARATE },
    { "-O", NULL, OPT_FLAG },
    { "-O", opt_level, OPT_JOINED },
    { "--target=", NULL, OPT_JOINED },
    { "-target", NULL, OPT_SEPARATE },
    { "-no-pie", NULL, OPT_FLAG },
    { "-nopie", NULL, OPT_FLAG },
    { "-pie", NULL, OPT_FLAG },
    { "-static-pie", NULL, OPT_FLAG },
    { "-fPIC", NULL, OPT_FLAG },
    { "-fpic", NULL, OPT_FLAG },
    { "-fPIE", NULL, OPT_FLAG },
    { "-fpie", NULL, OPT_FLAG },
    { "-fno-pic", NULL, OPT_FLAG },
    { "-fno-PIC", NULL, OPT_FLAG },
    { "-fno-pie", NULL, OPT_FLAG },
    { "-fno-PIE", NULL, OPT_FLAG },
    { "-shared", NULL, OPT_FLAG },
    { "-static", NULL, OPT_FLAG },
    { "-rdynamic", NULL, OPT_FLAG },
    { "-s", NULL, OPT_FLAG },
    /* Libraries and the linker. */
    { "-l", NULL, OPT_EITHER },
    { "-L", NULL, OPT_EITHER },
    { "-Wl,", NULL, OPT_JOINED },
    { "-Xlinker", NULL, OPT_SEPARATE },
    { "-pthread", NULL, OPT_FLAG },
    { "-fuse-ld=", NULL, OPT_JOINED },
    { "--ld-path=", NULL, OPT_JOINED },
    { "-B", NULL, OPT_EITHER },
    { "--sysroot=", NULL, OPT_JOINED },
    { "--sysroot", NULL, OPT_SEPARATE },
    { "--gcc-toolchain=", NULL, OPT_JOINED },
    { "--gcc-install-dir=", NULL, OPT_JOINED },
    { "-u", NULL, OPT_SEPARATE },
    { "-e", NULL, OPT_SEPARATE },
    { "-T", NULL, OPT_SEPARATE },
    { "-z", NULL, OPT_SEPARATE },
    { "-nostdlib", NULL, OPT_FLAG },
    { "-nostdlib++", NULL, OPT_FLAG },
    { "-nodefaultlibs", NULL, OPT_FLAG },
    { "-nostartfiles", NULL, OPT_FLAG },
    { "-static-libgcc", NULL, OPT_FLAG },
    { "-shared-libgcc", NULL, OPT_FLAG },
    { "-static-libstdc++", NULL, OPT_FLAG },
    { "-stdlib=", NULL, OPT_JOINED },
    { "-rtlib=", NULL, OPT_JOINED },
    { "--rtlib=", NULL, OPT_JOINED },
    { "-unwindlib=", NULL, OPT_JOINED },
    { "--unwindlib=", NULL, OPT_JOINED },
    /* Code generation of the IR. */
    { "-flto", NULL, OPT_FLAG },
    { "-flto=", NULL, OPT_JOINED },
    { "-fno-lto", NULL, OPT_FLAG },
    { "-ffunction-sections", NULL, OPT_FLAG },
    { "-fdata-sections", NULL, OPT_FLAG },
    { "-fno-function-sections", NULL, OPT_FLAG },
    { "-fno-data-sections", NULL, OPT_FLAG },
    { "-fomit-frame-pointer", NULL, OPT_FLAG },
    { "-fno-omit-frame-pointer", NULL, OPT_FLAG },
    { "-fsanitize=", NULL, OPT_JOINED },
    { "-mllvm", NULL, OPT_SEPARATE },
    { "-m", machine_option, OPT_JOINED },
    { "-g", NULL, OPT_FLAG },
    { "-g", debug_kind, OPT_JOINED },
    { "-x", input_language, OPT_SEPARATE },
    /* Diagnostics. */
    { "-w", NULL, OPT_FLAG },
    { "-W", NULL, OPT_JOINED },              /* -Werror, -Wno-..., -Wa, */
    { "-v", NULL, OPT_FLAG },
    { "-Qunused-arguments", NULL, OPT_FLAG },
    { "-fcolor-diagnostics", NULL, OPT_FLAG },
    { "-fno-color-diagnostics", NULL, OPT_FLAG },
    { "-fdiagnostics-color", NULL, OPT_FLAG },
    { "-fdiagnostics-color=", NULL, OPT_JOINED },
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
