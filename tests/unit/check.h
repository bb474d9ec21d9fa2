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

#endif
