/* SPDX-License-Identifier: MIT */
/* clang_args.c - see clang_args.h.  Pure. */
#include "clang_args.h"

#include <string.h>

/* The value lists, as fixed-size rows rather than pointers: a table of
 * pointers in a shared library is relocated, and so touched, by the
 * loader in every process. */
#define ONE_OF(v, list)                                                       \
    one_of((v), (list)[0], sizeof(list) / sizeof((list)[0]), sizeof((list)[0]))

static int one_of(const char *v, const char *list, size_t n, size_t width)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v, list + i * width) == 0)
            return 1;
    return 0;
}

static int opt_level(const char *v)
{
    static const char levels[][5] = { "0", "1", "2", "3", "s", "z", "g",
                                      "fast" };
    return ONE_OF(v, levels);
}

static int debug_kind(const char *v)
{
    static const char kinds[][21] = {
        "0", "1", "2", "3", "gdb", "dwarf", "dwarf-2", "dwarf-3", "dwarf-4",
        "dwarf-5", "line-tables-only", "line-directives-only", "split-dwarf",
        "column-info", "no-column-info", "z",
    };
    return ONE_OF(v, kinds);
}

static int input_language(const char *v)
{
    static const char langs[][5] = { "ir", "none" };
    return ONE_OF(v, langs);
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
    { "-o", OPT_SEPARATE, VALUE_ANY },
    { "-O", OPT_FLAG, VALUE_ANY },
    { "-O", OPT_JOINED, VALUE_OPT_LEVEL },
    { "--target=", OPT_JOINED, VALUE_ANY },
    { "-target", OPT_SEPARATE, VALUE_ANY },
    { "-no-pie", OPT_FLAG, VALUE_ANY },
    { "-nopie", OPT_FLAG, VALUE_ANY },
    { "-pie", OPT_FLAG, VALUE_ANY },
    { "-static-pie", OPT_FLAG, VALUE_ANY },
    { "-fPIC", OPT_FLAG, VALUE_ANY },
    { "-fpic", OPT_FLAG, VALUE_ANY },
    { "-fPIE", OPT_FLAG, VALUE_ANY },
    { "-fpie", OPT_FLAG, VALUE_ANY },
    { "-fno-pic", OPT_FLAG, VALUE_ANY },
    { "-fno-PIC", OPT_FLAG, VALUE_ANY },
    { "-fno-pie", OPT_FLAG, VALUE_ANY },
    { "-fno-PIE", OPT_FLAG, VALUE_ANY },
    { "-shared", OPT_FLAG, VALUE_ANY },
    { "-static", OPT_FLAG, VALUE_ANY },
    { "-rdynamic", OPT_FLAG, VALUE_ANY },
    { "-s", OPT_FLAG, VALUE_ANY },
    /* Libraries and the linker. */
    { "-l", OPT_EITHER, VALUE_ANY },
    { "-L", OPT_EITHER, VALUE_ANY },
    { "-Wl,", OPT_JOINED, VALUE_ANY },
    { "-Xlinker", OPT_SEPARATE, VALUE_ANY },
    { "-pthread", OPT_FLAG, VALUE_ANY },
    { "-fuse-ld=", OPT_JOINED, VALUE_ANY },
    { "--ld-path=", OPT_JOINED, VALUE_ANY },
    { "-B", OPT_EITHER, VALUE_ANY },
    { "--sysroot=", OPT_JOINED, VALUE_ANY },
    { "--sysroot", OPT_SEPARATE, VALUE_ANY },
    { "--gcc-toolchain=", OPT_JOINED, VALUE_ANY },
    { "--gcc-install-dir=", OPT_JOINED, VALUE_ANY },
    { "-u", OPT_SEPARATE, VALUE_ANY },
    { "-e", OPT_SEPARATE, VALUE_ANY },
    { "-T", OPT_SEPARATE, VALUE_ANY },
    { "-z", OPT_SEPARATE, VALUE_ANY },
    { "-nostdlib", OPT_FLAG, VALUE_ANY },
    { "-nostdlib++", OPT_FLAG, VALUE_ANY },
    { "-nodefaultlibs", OPT_FLAG, VALUE_ANY },
    { "-nostartfiles", OPT_FLAG, VALUE_ANY },
    { "-static-libgcc", OPT_FLAG, VALUE_ANY },
    { "-shared-libgcc", OPT_FLAG, VALUE_ANY },
    { "-static-libstdc++", OPT_FLAG, VALUE_ANY },
    { "-stdlib=", OPT_JOINED, VALUE_ANY },
    { "-rtlib=", OPT_JOINED, VALUE_ANY },
    { "--rtlib=", OPT_JOINED, VALUE_ANY },
    { "-unwindlib=", OPT_JOINED, VALUE_ANY },
    { "--unwindlib=", OPT_JOINED, VALUE_ANY },
    /* Code generation of the IR. */
    { "-flto", OPT_FLAG, VALUE_ANY },
    { "-flto=", OPT_JOINED, VALUE_ANY },
    { "-fno-lto", OPT_FLAG, VALUE_ANY },
    { "-ffunction-sections", OPT_FLAG, VALUE_ANY },
    { "-fdata-sections", OPT_FLAG, VALUE_ANY },
    { "-fno-function-sections", OPT_FLAG, VALUE_ANY },
    { "-fno-data-sections", OPT_FLAG, VALUE_ANY },
    { "-fomit-frame-pointer", OPT_FLAG, VALUE_ANY },
    { "-fno-omit-frame-pointer", OPT_FLAG, VALUE_ANY },
    { "-fsanitize=", OPT_JOINED, VALUE_ANY },
    { "-mllvm", OPT_SEPARATE, VALUE_ANY },
    { "-m", OPT_JOINED, VALUE_MACHINE },
    { "-g", OPT_FLAG, VALUE_ANY },
    { "-g", OPT_JOINED, VALUE_DEBUG_KIND },
    { "-x", OPT_SEPARATE, VALUE_LANGUAGE },
    /* Diagnostics. */
    { "-w", OPT_FLAG, VALUE_ANY },
    { "-W", OPT_JOINED, VALUE_ANY },              /* -Werror, -Wno-..., -Wa, */
    { "-v", OPT_FLAG, VALUE_ANY },
    { "-Qunused-arguments", OPT_FLAG, VALUE_ANY },
    { "-fcolor-diagnostics", OPT_FLAG, VALUE_ANY },
    { "-fno-color-diagnostics", OPT_FLAG, VALUE_ANY },
    { "-fdiagnostics-color", OPT_FLAG, VALUE_ANY },
    { "-fdiagnostics-color=", OPT_JOINED, VALUE_ANY },
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
    if (v[0] == '\0')
        return 0;
    switch (o->values) {
    case VALUE_OPT_LEVEL: return opt_level(v);
    case VALUE_DEBUG_KIND: return debug_kind(v);
    case VALUE_LANGUAGE: return input_language(v);
    case VALUE_MACHINE: return machine_option(v);
    default: return 1;
    }
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
            /* clang reads "@FILE" as more arguments, which could be any. */
            if (a[0] == '@') {
                *bad = a;
                return "a response file";
            }
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
