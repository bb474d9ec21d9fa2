/* SPDX-License-Identifier: MIT */
/* stdio_flush.c - see stdio_flush.h. */
#include "stdio_flush.h"

#include <stdio.h>

#include "process.h"

int stdio_flush(void)
{
    if (process_threads() == 1) {
        fflush(NULL);
        return 0;
    }
    if (ftrylockfile(stdout) != 0)
        return -1;
    if (ftrylockfile(stderr) != 0) {
        funlockfile(stdout);
        return -1;
    }
    fflush_unlocked(stdout);
    fflush_unlocked(stderr);
    funlockfile(stderr);
    funlockfile(stdout);
    return 0;
}
