/* SPDX-License-Identifier: MIT */
/* barrier.h - wait until the caller is ready to be replaced.
 *
 * The exec ends every other thread of the caller, whatever it was doing
 * (writing a file, talking to a peer), and those threads could see the
 * replayed descriptors before it.  So the exec happens only once the
 * caller is down to the one thread that spawns clang, and once every file
 * clang reads (its operands) is complete: no descriptor open for writing,
 * no shared writable mapping.  The wait is bounded: past it the caller
 * spawns clang as usual, which is what happens without the shim.
 * Files clang writes (its -o output) are not waited for: in place, the
 * exec merely lets go of them earlier, which nobody can see (released.h).
 */
#ifndef SKCEXEC_BARRIER_H
#define SKCEXEC_BARRIER_H

enum barrier_result {
    BARRIER_UNKNOWN = -1,       /* /proc cannot be read */
    BARRIER_READY = 0,
    BARRIER_THREADS = 1,        /* other threads still ran at the deadline */
    BARRIER_WRITER = 2,         /* single-threaded, an input open for writing */
};

/* `dirfd` is the directory clang will run in (relative names are looked up
 * there), or AT_FDCWD; `clang_argv` is clang's own argv.  A writer found
 * once the caller is single-threaded is the caller itself: nobody will
 * close the file while we wait, so BARRIER_WRITER comes at once. */
enum barrier_result barrier_wait(int dirfd, char *const *clang_argv,
                                 long wait_ms);

/* The one-line warning for BARRIER_THREADS or BARRIER_WRITER, ending in
 * `then`. */
void barrier_warn(enum barrier_result r, long wait_ms, const char *then);

#endif
