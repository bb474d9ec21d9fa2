/* SPDX-License-Identifier: MIT */
/* barrier_cost.c - what the IR barrier costs when the IR is already closed,
 * the normal case: a released skc closes <out>.ll before it spawns clang.
 * Linked with the shim's own barrier.c (and the fd walk it uses), so this
 * times the very code the library runs, without the rest of the spawn.
 *
 * usage: barrier_cost [-n CALLS] [-f FDS] DIR
 *
 * Writes DIR/bench.ll, closes it, opens FDS more descriptors for writing on
 * another file (each costs the walk an fcntl and an fstat: the worst kind of
 * fd), then times CALLS calls of barrier_wait on clang's argv.  Prints
 *
 *   barrier: fds=N median_us=M p99_us=P
 *
 * (N: descriptors open during the walk).  Exit status 1 on a wrong result:
 * the barrier does not pass a closed IR at once, or does not see the IR
 * while it is open for writing.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "barrier.h"
#include "timing.h"

static int open_or_die(const char *path, int flags)
{
    int fd = open(path, flags, 0644);
    if (fd < 0) {
        perror(path);
        exit(2);
    }
    return fd;
}

static int count_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 4096; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

int main(int argc, char **argv)
{
    long calls = 1000, fds = 0;
    int opt;
    while ((opt = getopt(argc, argv, "n:f:")) != -1) {
        if (opt == 'n') calls = atol(optarg);
        else if (opt == 'f') fds = atol(optarg);
        else return 2;
    }
    if (optind + 1 != argc || calls < 1 || fds < 0) {
        fputs("usage: barrier_cost [-n CALLS] [-f FDS] DIR\n", stderr);
        return 2;
    }
    char ir[4096], other[4096];
    snprintf(ir, sizeof ir, "%s/bench.ll", argv[optind]);
    snprintf(other, sizeof other, "%s/bench.log", argv[optind]);
    char *clang_argv[] = {"clang++", "-O2", "-o", "prog", ir, "-no-pie", NULL};

    /* The IR open for writing must be seen (result 2: this single-threaded
     * process is the writer), or the timings below would time nothing. */
    int w = open_or_die(ir, O_WRONLY | O_CREAT | O_TRUNC);
    if (write(w, "; ir\n", 5) != 5 || barrier_wait(AT_FDCWD, clang_argv, 0) != BARRIER_WRITER) {
        fputs("barrier: FAILED: the IR open for writing was not seen\n", stderr);
        return 1;
    }
    close(w);
    for (long i = 0; i < fds; i++)
        open_or_die(other, O_WRONLY | O_CREAT | O_APPEND);

    double *t = malloc((size_t)calls * sizeof *t);
    if (!t)
        return 2;
    for (long i = 0; i < calls; i++) {
        double t0 = now_ns();
        int r = barrier_wait(AT_FDCWD, clang_argv, 5000);
        t[i] = now_ns() - t0;
        if (r != BARRIER_READY) {
            fprintf(stderr, "barrier: FAILED: result %d on a closed IR\n", r);
            return 1;
        }
    }
    qsort(t, (size_t)calls, sizeof *t, cmp_double);
    printf("barrier: fds=%d median_us=%.1f p99_us=%.1f\n", count_fds(),
           t[calls / 2] / 1e3, t[calls * 99 / 100] / 1e3);
    unlink(ir);
    unlink(other);
    return 0;
}
