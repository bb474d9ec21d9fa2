/* SPDX-License-Identifier: MIT */
/* identity.h - who a process is and what confines it, for the fork
 * handover.
 *
 * A caller's child that will exec clang may first drop privileges, change
 * its root or namespaces, tighten its limits or add a seccomp filter.  The
 * parent execs clang as itself, so it must hand over only when the child is
 * still exactly what the parent is: the child compares the two snapshots,
 * and execs clang itself on any difference (or if it cannot tell).
 * Taken with async-signal-safe calls only (open, read, stat, getrlimit,
 * getpriority, prctl, personality): the child may run it after fork in a
 * threaded program.  No allocation; about 1.5 KB of stack in all.
 */
#ifndef SKCEXEC_IDENTITY_H
#define SKCEXEC_IDENTITY_H

#include <sys/resource.h>
#include <sys/types.h>

#define IDENTITY_NS 10
#define IDENTITY_STATUS_BYTES 1024

struct identity {
    /* From /proc/self/status: ids (real, effective, saved, fs), groups,
     * capability sets (incl. bounding and ambient), no_new_privs, seccomp
     * mode and filter count, CPU and memory-node affinity. */
    char status[IDENTITY_STATUS_BYTES];
    struct { dev_t dev; ino_t ino; } ns[IDENTITY_NS], root;
    struct rlimit limits[RLIM_NLIMITS];
    pid_t pgid, sid;            /* process group and session */
    int nice, personality, securebits;
};

/* Fill *id; 0, or -1 if something could not be read: then no comparison
 * can be trusted. */
int identity_take(struct identity *id);

/* Are the two the same process identity? */
int identity_same(const struct identity *a, const struct identity *b);

#endif
