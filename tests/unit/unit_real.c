/* SPDX-License-Identifier: MIT */
/* unit_real.c - shim/real.c's own symbol lookup finds exactly what
 * dlsym(RTLD_NEXT) finds, for every name wrapped.def lists, and leaves
 * nothing to dlsym on a normal glibc system; each GNU hash in wrapped.def
 * is right; real_program_argv() is main's argv.  Linked into this
 * program, the "next" objects are the ones after the program itself:
 * libsysv_next.so (only a System V hash table, one wrapped name), libc,
 * ld.so.
 *
 * The set-up runs once per process, at the first lookup, so each way into
 * it runs in a child: the usual one (the list of objects from the
 * program's DT_DEBUG), and the one for a program without DT_DEBUG (from
 * the loader's _r_debug, the loader found through AT_BASE). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "real.h"

/* real.c's calls to getauxval() land here (the program's own definition
 * comes first): a child can hide AT_PHDR, as if the program had no
 * headers to find DT_DEBUG in. */
static int g_hide_phdr;
unsigned long getauxval(unsigned long type)
{
    unsigned long (*next)(unsigned long) =
        (unsigned long (*)(unsigned long))dlsym(RTLD_NEXT, "getauxval");
    if (g_hide_phdr && type == AT_PHDR)
        return 0;
    return next != NULL ? next(type) : 0;
}

/* The GNU hash of a symbol name (the ELF gABI's dl_new_hash). */
static uint32_t gnu_hash(const char *s)
{
    uint32_t h = 5381;
    for (; *s != '\0'; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

static void hashes(void)
{
#define WRAP(name, hash)                                                      \
    CHECK(gnu_hash(#name) == (hash));                                         \
    if (gnu_hash(#name) != (hash))                                            \
        fprintf(stderr, "wrapped.def: WRAP(%s, 0x%08xu)\n", #name,            \
                gnu_hash(#name));
#define EXPORT(name)
#include "wrapped.def"
#undef WRAP
#undef EXPORT
}

/* Every slot against dlsym (pidfd_spawn[p] are NULL on both sides before
 * glibc 2.39), the System V library's name found in it, argv. */
static void lookups(char **argv)
{
#define WRAP(name, hash) CHECK(REAL(void *, name) == dlsym(RTLD_NEXT, #name));
#define EXPORT(name)
#include "wrapped.def"
#undef WRAP
#undef EXPORT
    CHECK(REAL(void *, execve) != NULL);
    /* Looked up again: the same answer, from the slot. */
    CHECK(REAL(void *, execve) == dlsym(RTLD_NEXT, "execve"));
    CHECK(REAL(fa_addint_fn, posix_spawn_file_actions_addtcsetpgrp_np)(NULL, -42) == 0);
    CHECK(real_dlsym_calls() == 0);
    CHECK(real_program_argv() == argv);
}

/* Runs the lookups in a child, AT_PHDR hidden or not. */
static void in_child(const char *what, char **argv, int hide_phdr)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        failed = 0;             /* this child's own checks */
        g_hide_phdr = hide_phdr;
        lookups(argv);
        fflush(NULL);
        _exit(failed != 0);
    }
    int st = 0;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
          WEXITSTATUS(st) == 0);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        fprintf(stderr, "unit_real: the lookups failed %s\n", what);
}

int main(int argc, char **argv)
{
    (void)argc;
    hashes();
    in_child("(the list from DT_DEBUG)", argv, 0);
    in_child("(the list from the loader's _r_debug)", argv, 1);
    return check_summary("unit_real");
}
