/* SPDX-License-Identifier: MIT */
/* true.c - the smallest useful child: start, exit 0.  Its run time is
 * almost all process start-up (exec, the dynamic loader, libc init), which
 * is what a preloaded library adds to. */
int main(void)
{
    return 0;
}
