/* SPDX-License-Identifier: MIT */
/* check.h - the unit tests' one assertion: count, and say what failed. */
#ifndef SKCEXEC_TEST_CHECK_H
#define SKCEXEC_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (cond) {                                                           \
            passed++;                                                         \
        } else {                                                              \
            failed++;                                                         \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__,  \
                    #cond);                                                   \
        }                                                                     \
    } while (0)

/* The last line of every unit program ("NAME: P passed, F failed", which
 * tools/tap_count.sh counts as one test) and its exit status. */
static inline int check_summary(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, passed, failed);
    return failed != 0;
}

#endif
