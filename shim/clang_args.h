/* SPDX-License-Identifier: MIT */
/* clang_args.h - is clang's argv a compile-and-link of LLVM IR?
 *
 * The in-place exec ends the caller, so it is only right where clang's run
 * is the caller's last act: a released skc links its IR into the program
 * and exits.  Anything else (a probe such as --version, a compile that
 * stops at an object, a dry run) may be followed by more work.  So the
 * argv is judged by an allow-list, never by a list of what is known to
 * stop early: every option must be in the table of what a compile-and-link
 * of IR uses (the forms a released skc emits, plus ordinary link options),
 * every operand must be a link input (IR, objects, archives, shared
 * libraries), and at least one operand must be IR.  Anything else leaves
 * the spawn alone.  The table is listed in skcexec(1).
 *
 * Pure: no syscalls, no allocation, no globals written.  Also called
 * between fork and exec.
 */
#ifndef SKCEXEC_CLANG_ARGS_H
#define SKCEXEC_CLANG_ARGS_H

#include <stddef.h>

/* NULL when argv (clang's own, argv[0] its name) passes; otherwise a
 * static reason, and *bad points at the argument that failed (NULL when
 * the failure is no single argument's, such as a missing IR input). */
const char *clang_args_check(char *const *argv, const char **bad);

/* The index after `i` of the next operand clang reads as an input (not an
 * option, not an option's value, not the output), or 0 when there is none.
 * Start with i = 0.  For an argv that passed clang_args_check. */
size_t clang_args_next_input(char *const *argv, size_t i);

/* For the man page and the tests: the table, one entry per line. */
enum clang_opt_form {
    OPT_FLAG,           /* exactly `name` */
    OPT_JOINED,         /* `name` followed by a non-empty value */
    OPT_SEPARATE,       /* exactly `name`, its value the next argument */
    OPT_EITHER,         /* `name`VALUE, or `name` VALUE */
};
/* Which values an option takes.  Short joined names take only values no
 * longer clang option could be mistaken for (clang matches the longest
 * option name). */
enum clang_opt_values {
    VALUE_ANY,          /* any non-empty value */
    VALUE_OPT_LEVEL,    /* 0 1 2 3 s z g fast */
    VALUE_DEBUG_KIND,   /* 0..3, gdb, dwarf[-N], line-tables-only, ... */
    VALUE_LANGUAGE,     /* ir, none */
    VALUE_MACHINE,      /* [no-]word of letters, digits, dots[=value] */
};
/* Characters, not pointers: no relocation for the loader to apply. */
struct clang_opt {
    char name[24];
    unsigned char form;         /* enum clang_opt_form */
    unsigned char values;       /* enum clang_opt_values */
};
extern const struct clang_opt clang_opts[];
extern const size_t clang_opts_count;

#endif
