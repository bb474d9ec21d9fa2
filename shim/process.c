/* process.c - see process.h. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "log.h"
#include "policy.h"

int process_state;

static struct settings g_settings;
static char g_name[256];
static char **g_argv;           /* the program's argv */

static const char *base_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int decide(void)
{
    if (getauxval(AT_SECURE) != 0)
        return 0;
    const char *dis = getenv("SKCEXEC_DISABLE");
    if (dis != NULL && strcmp(dis, "1") == 0)
        return 0;   /* fast exit, before parsing anything else */
    if (g_argv == NULL || g_argv[0] == NULL)
        return 0;

    struct settings *s = &g_settings;
    struct settings_env env = {
        dis, getenv("SKCEXEC_VERBOSE"), getenv("SKCEXEC_CALLERS"),
        getenv("SKCEXEC_TARGETS"), getenv("SKCEXEC_WAIT_MS"),
        getenv("SKCEXEC_FORK_WAIT_MS"),
    };
    settings_parse(s, &env);

    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *exe_base = NULL;
    if (n > 0) {
        exe[n] = '\0';
        /* A deleted executable reads as "/path/skc (deleted)". */
        char *del = strstr(exe, " (deleted)");
        if (del != NULL && del[10] == '\0')
            *del = '\0';
        exe_base = base_of(exe);
    }
    const char *arg0_base = base_of(g_argv[0]);
    const char *who = policy_caller_name(exe_base, arg0_base, &s->callers);
    if (who == NULL)
        return 0;
    snprintf(g_name, sizeof g_name, "%s", who);

    /* From here on this process is a caller: it may speak. */
    if (s->warn[0] != '\0')
        log_lines(s->warn);
    if (s->disable)
        return 0;
    if (policy_has_batch(g_argv)) {
        if (s->verbose >= 2)
            log_line("pid %d: %s --batch compiles several units: inert",
                     (int)getpid(), g_name);
        return 0;
    }
    return 1;
}

/* glibc passes (argc, argv, envp) to ELF constructors.  Where a libc does
 * not, argv stays NULL and the process stays inert: without its argv we
 * cannot rule out --batch.  Keeping the pointer is all the constructor does
 * (see process.h for why). */
__attribute__((constructor)) static void process_init(int argc, char **argv,
                                                      char **envp)
{
    (void)envp;
    if (argc > 0 && argv != NULL)
        g_argv = argv;
}

/* How many times a thread that finds another one deciding looks again
 * before it gives up; deciding takes tens of microseconds. */
#define DECIDE_PATIENCE 100000

int process_decide(void)
{
    int s = PROCESS_UNDECIDED;
    if (__atomic_compare_exchange_n(&process_state, &s, PROCESS_DECIDING, 0,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        /* We decide: g_settings and g_name are written by this thread
         * only, before the verdict is published. */
        int saved = errno;
        int active = decide();
        __atomic_store_n(&process_state,
                         active ? PROCESS_ACTIVE : PROCESS_INERT,
                         __ATOMIC_RELEASE);
        errno = saved;
        return active;
    }
    /* Another thread is deciding: wait for its verdict.  Our own fork and
     * vfork decide before they fork, so only a child made some other way
     * (a raw clone) while a thread was deciding can wait in vain: it gives
     * up and stays inert, which is always safe. */
    for (int i = 0; i < DECIDE_PATIENCE; i++) {
        s = __atomic_load_n(&process_state, __ATOMIC_ACQUIRE);
        if (s == PROCESS_ACTIVE || s == PROCESS_INERT)
            return s == PROCESS_ACTIVE;
        sched_yield();
    }
    s = PROCESS_DECIDING;
    __atomic_compare_exchange_n(&process_state, &s, PROCESS_INERT, 0,
                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    return s == PROCESS_ACTIVE;
}

const struct settings *process_settings(void) { return &g_settings; }
const char *process_name(void) { return g_name; }

/* Read a small /proc file into buf (NUL-terminated); its length, or -1.
 * open/read only: also called between fork and exec. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return n;
}

long process_rss_mib(void)
{
    char buf[128], *end;
    if (read_small("/proc/self/statm", buf, sizeof buf) < 0)
        return -1;
    strtoul(buf, &end, 10);                 /* size, then the resident set */
    unsigned long resident = strtoul(end, &end, 10);
    if (*end != ' ' && *end != '\n')
        return -1;
    return (long)(resident * (unsigned long)sysconf(_SC_PAGESIZE) >> 20);
}

int process_threads(void)
{
    char buf[1024];
    if (read_small("/proc/self/stat", buf, sizeof buf) < 0)
        return -1;
    /* Field 20; the name (field 2) may hold spaces, so count after ')'. */
    char *p = strrchr(buf, ')');
    for (int field = 2; p != NULL && field < 20; field++)
        p = strchr(p + 1, ' ');
    if (p == NULL)
        return -1;
    int t = 0;
    for (p++; *p >= '0' && *p <= '9'; p++)
        t = t * 10 + (*p - '0');
    return t > 0 ? t : -1;
}
