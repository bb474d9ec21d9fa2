/* process.h - is this process one the shim acts in?
 *
 * Decided once, by the library's constructor (which runs before the program
 * has threads, so the answer needs no lock and never changes), and kept in
 * one flag: in every other process each wrapper costs one load and a compare
 * before it tail-calls libc.  A process is active when all hold:
 *   - it is not AT_SECURE (setuid, setgid, capabilities): then nothing else,
 *     not even the environment, is looked at;
 *   - SKCEXEC_DISABLE is not 1;
 *   - the basename of /proc/self/exe or of argv[0] is in SKCEXEC_CALLERS
 *     (argv[0] too, because skc is often installed as a symlink);
 *   - its own argv has no --batch (one clang per unit: it must survive).
 */
#ifndef SKCEXEC_PROCESS_H
#define SKCEXEC_PROCESS_H

#include "settings.h"

extern int process_is_active;

static inline int process_active(void)
{
    return __builtin_expect(process_is_active != 0, 0) != 0;
}

/* Valid once process_active() returned true. */
const struct settings *process_settings(void);
const char *process_name(void);         /* the caller's basename, for logs */
long process_rss_mib(void);             /* resident set in MiB, or -1 */
int process_threads(void);              /* threads in this process, or -1 */

#endif
