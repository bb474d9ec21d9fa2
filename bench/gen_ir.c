/* SPDX-License-Identifier: MIT */
/* gen_ir.c - writes a synthetic LLVM IR module that keeps `clang -O2` busy,
 * to stand in for skc's large <out>.ll in memory tests.
 *
 * usage: gen_ir NFUNCS [OPS] > out.ll
 *
 * The IR has no pointer types at all: typed pointers (i64*) are rejected by
 * clang >= 17 and `ptr` by clang <= 14, while integer-only IR parses on
 * every version.  Each of the NFUNCS functions is OPS integer operations
 * of straight-line code, a loop (phi) whose body has OPS/3 more and a
 * 4-way switch of OPS/6 each, calls to a small internal helper (inliner
 * fodder) and, below a depth counter, calls to its two next neighbours (the
 * counter keeps run time small whatever NFUNCS).  OPS defaults to 1000
 * (about 2000 instructions a function): clang's cost has a large fixed
 * part per function, so big functions give the most resident memory per
 * second of compile.  Every function has external linkage, so none is
 * dropped and all of them go through the optimiser and code generator.
 * main() returns 0.  The last line is "; skc-ir-end", the marker the fake
 * clang checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng;

/* Deterministic LCG: the same NFUNCS always gives the same file. */
static unsigned rnd(unsigned n)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng >> 33) % n;
}

static int tmp; /* SSA counter, per function */

/* Emits OPS binary operations, each using two of the live values in POOL
 * (names, kept as a ring of the most recent 8) or a constant; returns the
 * number of the last value written.  Shifts use constant amounts below 64
 * and divisions constant non-zero divisors, so nothing is poison/UB. */
static int emit_ops(int ops, char pool[8][24], int *npool)
{
    static const char *bin[] = {"add", "sub", "mul", "xor", "and", "or"};
    static const char *sh[] = {"shl", "lshr", "ashr"};
    int last = -1;
    for (int i = 0; i < ops; i++) {
        const char *x = pool[rnd((unsigned)*npool)];
        const char *y = pool[rnd((unsigned)*npool)];
        unsigned kind = rnd(10);
        last = tmp++;
        if (kind < 6)
            printf("  %%t%d = %s i64 %s, %s\n", last, bin[kind], x, y);
        else if (kind == 6)
            printf("  %%t%d = %s i64 %s, %u\n", last, sh[rnd(3)], x, 1 + rnd(62));
        else if (kind == 7)
            printf("  %%t%d = udiv i64 %s, %u\n", last, x, 3 + rnd(1000));
        else if (kind == 8)
            printf("  %%t%d = add i64 %s, %u\n", last, x, rnd(100000));
        else {
            printf("  %%c%d = icmp ult i64 %s, %s\n", last, x, y);
            printf("  %%t%d = select i1 %%c%d, i64 %s, i64 %u\n", last, last, y,
                   rnd(1u << 30));
        }
        /* Newest value replaces a random slot once the ring is full. */
        int slot = *npool < 8 ? (*npool)++ : (int)rnd(8);
        snprintf(pool[slot], sizeof pool[slot], "%%t%d", last);
    }
    return last;
}

static void pool_init(char pool[8][24], int *npool, const char *a,
                      const char *b, const char *c)
{
    snprintf(pool[0], 24, "%s", a);
    snprintf(pool[1], 24, "%s", b);
    snprintf(pool[2], 24, "%s", c);
    *npool = 3;
}

static void emit_helper(int k)
{
    char pool[8][24];
    int n;
    tmp = 0;
    printf("define internal i64 @skh%d(i64 %%x, i64 %%y) {\nentry:\n", k);
    pool_init(pool, &n, "%x", "%y", "%x");
    int r = emit_ops(10, pool, &n);
    printf("  ret i64 %%t%d\n}\n\n", r);
}

static void emit_func(int k, int nfuncs, int ops)
{
    char pool[8][24];
    int n;
    tmp = 0;
    printf("define i64 @skf%d(i64 %%a, i64 %%b, i64 %%d) {\nentry:\n", k);
    pool_init(pool, &n, "%a", "%b", "%d");
    int e = emit_ops(ops, pool, &n);
    printf("  %%n0 = and i64 %%a, 7\n  %%n = add i64 %%n0, 4\n"
           "  br label %%loop\n\nloop:\n"
           "  %%i = phi i64 [ 0, %%entry ], [ %%i.next, %%latch ]\n"
           "  %%acc = phi i64 [ %%t%d, %%entry ], [ %%acc.next, %%latch ]\n", e);

    /* Loop body: may use entry values (they dominate) plus %i and %acc. */
    snprintf(pool[0], 24, "%%i");
    snprintf(pool[1], 24, "%%acc");
    int l = emit_ops(ops / 3, pool, &n);
    printf("  %%sel = and i64 %%t%d, 3\n"
           "  switch i64 %%sel, label %%case3 [ i64 0, label %%case0\n"
           "    i64 1, label %%case1\n    i64 2, label %%case2 ]\n", l);
    for (int c = 0; c < 4; c++) {
        char cp[8][24];
        int cn = n;
        memcpy(cp, pool, sizeof cp); /* each case starts from the body */
        printf("\ncase%d:\n", c);
        int r = emit_ops(ops / 6, cp, &cn);
        printf("  %%h%d = call i64 @skh%d(i64 %%t%d, i64 %%i)\n"
               "  br label %%latch\n", c, k, r);
    }
    printf("\nlatch:\n  %%m = phi i64 [ %%h0, %%case0 ], [ %%h1, %%case1 ], "
           "[ %%h2, %%case2 ], [ %%h3, %%case3 ]\n");
    printf("  %%acc.next = xor i64 %%m, %%t%d\n"
           "  %%i.next = add i64 %%i, 1\n"
           "  %%more = icmp ult i64 %%i.next, %%n\n"
           "  br i1 %%more, label %%loop, label %%exit\n\n"
           "exit:\n  %%dz = icmp eq i64 %%d, 0\n"
           "  br i1 %%dz, label %%done, label %%calls\n\n", l);
    /* Calls to the next two functions, only while the depth lasts.  Only
     * forward calls: a wrap-around would make the whole module one call
     * graph SCC, and the inliner's time then grows faster than linearly. */
    printf("calls:\n  %%d1 = sub i64 %%d, 1\n");
    for (int j = 1; j <= 2; j++) {
        if (k + j < nfuncs)
            printf("  %%r%d = call i64 @skf%d(i64 %%acc.next, i64 %%b, i64 %%d1)\n",
                   j, k + j);
        else
            printf("  %%r%d = add i64 %%acc.next, %%d1\n", j);
    }
    printf("  %%r = xor i64 %%r1, %%r2\n  br label %%done\n\n"
           "done:\n  %%res = phi i64 [ %%acc.next, %%exit ], [ %%r, %%calls ]\n"
           "  ret i64 %%res\n}\n\n");
}

int main(int argc, char **argv)
{
    int nfuncs = argc > 1 ? atoi(argv[1]) : 0;
    int ops = argc > 2 ? atoi(argv[2]) : 1000;
    if (nfuncs < 1 || ops < 6) {
        fprintf(stderr, "usage: gen_ir NFUNCS [OPS>=6] > out.ll\n");
        return 2;
    }
    printf("; generated by gen_ir %d %d\n\n", nfuncs, ops);
    for (int k = 0; k < nfuncs; k++) {
        rng = 0x5eed0000ULL + (unsigned long long)k;
        emit_helper(k);
        emit_func(k, nfuncs, ops);
    }
    /* main calls a few functions so the program really runs them, then
     * exits 0 whatever they returned. */
    printf("define i32 @main() {\nentry:\n"
           "  %%x0 = call i64 @skf0(i64 1, i64 2, i64 3)\n"
           "  %%x1 = call i64 @skf%d(i64 %%x0, i64 5, i64 3)\n"
           "  %%x2 = call i64 @skf%d(i64 %%x1, i64 7, i64 3)\n"
           "  ret i32 0\n}\n; skc-ir-end\n", nfuncs / 2, nfuncs - 1);
    return ferror(stdout) ? 1 : 0;
}
