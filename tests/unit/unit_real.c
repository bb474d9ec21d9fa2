/* SPDX-License-Identifier: MIT */
/* unit_real.c - shim/real.c's own symbol lookup finds exactly what
 * dlsym(RTLD_NEXT) finds, for every name wrapped.def lists, and leaves
 * nothing to dlsym on a normal glibc system; each GNU hash in wrapped.def
 * is right.  Linked into this program, the "next" objects are the ones
 * after the program itself (libc, ld.so).
 *
 * The set-up runs once per process, so each way into it runs in a child:
 * the constructor's (real_init with the initial stack's argv and envp),
 * the same given an environment array that is not on the stack (real.c
 * must not read past it: it asks libc instead), and none at all (the first
 * lookup sets up, as when another library's constructor calls a wrapper
 * before ours ran). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "real.h"

/* real.c's calls to getauxval() land here (the program's own definition
 * comes first): they show which way the set-up went. */
static int g_getauxval_calls;
unsigned long getauxval(unsigned long type)
{
    unsigned long (*next)(unsigned long) =
        (unsigned long (*)(unsigned long))dlsym(RTLD_NEXT, "getauxval");
    g_getauxval_calls++;
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

/* Every slot against dlsym; pidfd_spawn[p] are NULL on both sides before
 * glibc 2.39. */
static void lookups(void)
{
#define WRAP(name, hash) CHECK(REAL(void *, name) == dlsym(RTLD_NEXT, #name));
#define EXPORT(name)
#include "wrapped.def"
#undef WRAP
#undef EXPORT
    CHECK(REAL(void *, execve) != NULL);
    /* Looked up again: the same answer, from the slot. */
    CHECK(REAL(void *, execve) == dlsym(RTLD_NEXT, "execve"));
    CHECK(real_dlsym_calls() == 0);
}

/* Runs one way into the set-up, then the lookups, in a child; `libc`:
 * whether the set-up must have asked libc for the program's headers. */
static void in_child(const char *what, int argc, char **argv, char **envp,
                     int libc)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        failed = 0;             /* this child's own checks */
        if (argv != NULL)
            real_init(argc, argv, envp);
        lookups();
        CHECK((g_getauxval_calls > 0) == libc);
        fflush(NULL);
        _exit(failed != 0);
    }
    int st = 0;
    CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
          WEXITSTATUS(st) == 0);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        fprintf(stderr, "unit_real: the lookups failed %s\n", what);
}

int main(int argc, char **argv, char **envp)
{
    hashes();
    in_child("after real_init from the initial stack", argc, argv, envp, 0);

    /* An environment array elsewhere, its end not followed by the
     * auxiliary vector: what a constructor sees when the library is
     * dlopen'ed after a setenv. */
    size_t n = 0;
    while (envp[n] != NULL)
        n++;
    char **copy = calloc(n + 1, sizeof *copy);
    if (copy == NULL)
        return 1;
    for (size_t i = 0; i < n; i++)
        copy[i] = envp[i];
    in_child("after real_init with an environment off the stack", argc, argv,
             copy, 1);
    free(copy);

    in_child("without real_init", 0, NULL, NULL, 1);
    printf("unit_real: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
