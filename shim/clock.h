/* SPDX-License-Identifier: MIT */
/* clock.h - the monotonic clock in milliseconds, for the shim's bounded
 * waits (the IR barrier, the fork handover, the caller decision).
 * clock_gettime is async-signal-safe, so any of them may use it. */
#ifndef SKCEXEC_CLOCK_H
#define SKCEXEC_CLOCK_H

#include <time.h>

static inline long clock_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

#endif
