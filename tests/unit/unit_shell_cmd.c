/* SPDX-License-Identifier: MIT */
/* unit_shell_cmd.c - unit tests of the system() command parser. */
#include <stdio.h>
#include <string.h>

#include "shell_cmd.h"

#include "check.h"

static char buf[1024];
static char *words[17];
static struct shell_cmd c;

static int parse(const char *cmd)
{
    return shell_cmd_parse(cmd, buf, words, 16, &c);
}

/* The words joined with '|', for compact checks. */
static const char *joined(void)
{
    static char out[1024];
    out[0] = '\0';
    for (size_t i = 0; i < c.n_words; i++) {
        if (i)
            strcat(out, "|");
        strcat(out, words[i]);
    }
    return out;
}

int main(void)
{
    CHECK(parse("clang++ -O2 -o out out.ll -no-pie") == 0);
    CHECK(strcmp(joined(), "clang++|-O2|-o|out|out.ll|-no-pie") == 0);
    CHECK(c.cmd == 0 && c.cmd_offset == 0 && words[c.n_words] == NULL);

    CHECK(parse("  clang  'a b.ll'\t\"c d\" -o'x'y  ") == 0);
    CHECK(strcmp(joined(), "clang|a b.ll|c d|-oxy") == 0);
    CHECK(parse("clang '' \"\"") == 0 && c.n_words == 3 && words[1][0] == '\0');

    CHECK(parse("A=1 B='x y' clang++ x.ll") == 0);
    CHECK(c.cmd == 2 && strcmp(words[1], "B=x y") == 0);
    CHECK(c.cmd_offset == strlen("A=1 B='x y' "));
    CHECK(parse("clang X=1") == 0 && c.cmd == 0);          /* an argument */
    CHECK(parse("'A=1' clang") == 0 && c.cmd == 0);        /* quoted: a word */
    CHECK(parse("1A=1 clang") == 0 && c.cmd == 0);         /* not a NAME */

    /* Everything sh would interpret is refused. */
    const char *bad[] = {
        "", "   ", "A=1", "clang; rm x", "clang && x", "clang | x", "clang & ",
        "clang > log", "clang < in", "clang $HOME", "clang `id`", "clang \\x",
        "clang *.ll", "clang ?.ll", "clang [ab].ll", "clang {a,b}", "clang ~/x",
        "clang # c", "! clang", "clang\nx", "(clang)", "clang \"$X\"",
        "clang \"`x`\"", "clang \"a\\b\"", "clang 'open", "clang \"open",
        "if clang", "for x", "time clang", "{ clang; }",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int r = parse(bad[i]);
        if (r == 0)
            fprintf(stderr, "accepted: [%s]\n", bad[i]);
        CHECK(r != 0);
    }
    /* The word limit. */
    CHECK(parse("a b c d e f g h i j k l m n o p") == 0);
    CHECK(parse("a b c d e f g h i j k l m n o p q") != 0);

    return check_summary("unit_shell_cmd");
}
