/* SPDX-License-Identifier: MIT */
/* unit_clang_args.c - unit tests of the allow-list of clang's argv. */
#include <stdio.h>
#include <string.h>

#include "clang_args.h"

#include "check.h"

/* Does argv (a NULL-terminated list after "clang++") pass? */
#define PASSES(...) passes((char *[]){ "clang++", __VA_ARGS__, NULL })

static int passes(char **argv)
{
    const char *bad;
    return clang_args_check(argv, &bad) == NULL;
}

static const char *bad_of(char **argv)
{
    const char *bad = NULL;
    clang_args_check(argv, &bad);
    return bad;
}

static void test_what_skc_runs(void)
{
    /* A released skc: compile_binary and --emit=cdylib, with link args
     * and static libraries, and the empty argument its split of an empty
     * --link-args gives. */
    CHECK(PASSES("-O2", "--target=x86_64-unknown-linux-gnu", "-o", "out",
                 "out.ll", "-no-pie", "-lpthread", "deps/libstd-1234.sklib"));
    CHECK(PASSES("-O3", "--target=aarch64-unknown-linux-gnu", "-o", "lib.so",
                 "lib.ll", "-fPIC", "-shared", "", "libfoo.a"));
    CHECK(PASSES("-O0", "-o", "out", "out.ll", "-no-pie", "-L/opt/lib", "-lz",
                 "-Wl,-rpath,/opt/lib", "/usr/lib/libssl.so.3"));
    CHECK(PASSES("x.bc"));
    CHECK(PASSES("-g", "-gdwarf-5", "-march=x86-64-v3", "-m64", "-pthread",
                 "-fuse-ld=lld", "-Xlinker", "--gc-sections", "-static",
                 "-Werror", "-Wno-override-module", "-flto=thin", "x.ll",
                 "-o", "x"));
    CHECK(PASSES("-mllvm", "-inline-threshold=100", "-x", "ir", "x", "-o", "y",
                 "z.ll") == 0);     /* "x" is an operand with no known kind */
    CHECK(PASSES("-mllvm", "-inline-threshold=100", "-x", "ir", "z.ll"));
    CHECK(PASSES("-o", "out", "--", "a.ll", "b.o"));
}

static void test_what_stops_before_linking(void)
{
    /* Every action that ends before a link, spelled the ways clang takes. */
    CHECK(!PASSES("-c", "x.ll"));
    CHECK(!PASSES("--compile", "x.ll", "-o", "x.o"));
    CHECK(!PASSES("-S", "x.ll"));
    CHECK(!PASSES("--assemble", "x.ll"));
    CHECK(!PASSES("-E", "x.ll"));
    CHECK(!PASSES("--preprocess", "x.ll"));
    CHECK(!PASSES("--analyze", "x.ll"));
    CHECK(!PASSES("-fsyntax-only", "x.ll"));
    CHECK(!PASSES("-M", "x.ll"));
    CHECK(!PASSES("-MM", "x.ll"));
    CHECK(!PASSES("-MD", "x.ll"));
    CHECK(!PASSES("--version", "x.ll"));
    CHECK(!PASSES("-v"));                   /* no input: prints the version */
    CHECK(!PASSES("-###", "x.ll"));
    CHECK(!PASSES("-print-search-dirs", "x.ll"));
    CHECK(!PASSES("-print-file-name=libc.so", "x.ll"));
    CHECK(!PASSES("-dumpversion", "x.ll"));
    CHECK(!PASSES("-dumpmachine", "x.ll"));
    CHECK(!PASSES("-emit-llvm", "x.ll"));
    CHECK(!PASSES("-emit-ast", "x.ll"));
    CHECK(!PASSES("-module-file-info", "x.ll"));
    CHECK(!PASSES("-gen-reproducer", "x.ll"));
    CHECK(!PASSES("-objcmt-migrate-all", "x.ll"));
    CHECK(!PASSES("-x", "c", "x.ll"));
    CHECK(!PASSES("-xc", "x.ll"));
    CHECK(!PASSES("-Xclang", "-emit-obj", "x.ll"));
    CHECK(!PASSES("@args.rsp", "x.ll"));
    CHECK(!PASSES("@more.ll"));             /* a response file, whatever its name */
    CHECK(!PASSES("-o", "out", "--", "@x.o", "y.ll"));
    CHECK(!PASSES("-", "x.ll"));
    CHECK(!PASSES("x.c", "x.ll"));
    CHECK(!PASSES("-o"));
    CHECK(!PASSES("x.ll", "-o"));
    CHECK(!PASSES("-O9", "x.ll"));
    CHECK(!PASSES("-ox", "x.ll"));          /* joined -o: not taken */
    CHECK(!PASSES("-mno-red-zone", "x.ll"));   /* a hyphen: not taken */
    CHECK(!PASSES("-o", "out"));            /* no IR */
    CHECK(!PASSES("x.o"));
}

static void test_names_the_argument(void)
{
    CHECK(strcmp(bad_of((char *[]){ "clang", "-O2", "-###", "x.ll", NULL }),
                 "-###") == 0);
    CHECK(strcmp(bad_of((char *[]){ "clang", "x.ll", "x.c", NULL }), "x.c") == 0);
    CHECK(bad_of((char *[]){ "clang", "-o", "x", NULL }) == NULL);
}

static void test_inputs(void)
{
    char *argv[] = { "clang++", "-o", "out.ll", "-L", "lib", "a.ll", "",
                     "-Xlinker", "b.o", "c.a", "--", "-d.ll", NULL };
    size_t i = clang_args_next_input(argv, 0);
    CHECK(i == 5);
    i = clang_args_next_input(argv, i);
    CHECK(i == 9);
    i = clang_args_next_input(argv, i);
    CHECK(i == 11);
    CHECK(clang_args_next_input(argv, i) == 0);
}

static void test_table(void)
{
    /* Every entry is well formed: names start with '-', flags take none. */
    for (size_t k = 0; k < clang_opts_count; k++) {
        CHECK(clang_opts[k].name[0] == '-');
        CHECK(clang_opts[k].form != OPT_FLAG || clang_opts[k].values == VALUE_ANY);
    }
}

int main(int argc, char **argv)
{
    /* --names: the table's option names, one a line (tests/docs.bats
     * checks that skcexec(1) lists each). */
    if (argc == 2 && strcmp(argv[1], "--names") == 0) {
        for (size_t k = 0; k < clang_opts_count; k++)
            printf("%s\n", clang_opts[k].name);
        return 0;
    }
    test_what_skc_runs();
    test_what_stops_before_linking();
    test_names_the_argument();
    test_inputs();
    test_table();
    return check_summary("unit_clang_args");
}
