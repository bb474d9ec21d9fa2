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
struct clang_opt {
    const char *name;
    /* NULL: any non-empty value; else only values it accepts.  Short
     * joined names take only values no longer clang option could be
     * mistaken for (clang matches the longest option name). */
    int (*value_ok)(const char *value);
    enum {
        OPT_FLAG,       /* exactly `name` */
        OPT_JOINED,     /* `name` followed by a non-empty value */
        OPT_SEPARATE,   /* exactly `name`, its value the next argument */
        OPT_EITHER,     /* `name`VALUE, or `name` VALUE */
    } form;
};
extern const struct clang_opt clang_opts[];
extern const size_t clang_opts_count;

#endif
