/* SPDX-License-Identifier: MIT */
/* unit_policy.c - unit tests of the pure parts: settings and policy. */
#include <spawn.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "settings.h"

#include "check.h"

static struct name_list targets;

static void test_name_lists(void)
{
    struct name_list l;
    CHECK(name_list_parse(&l, "skc") == 0 && l.n == 1);
    CHECK(name_list_parse(&l, "skc,skc-dev") == 0 && l.n == 2);
    CHECK(name_list_parse(&l, "") != 0);
    CHECK(name_list_parse(&l, "skc,") != 0);
    CHECK(name_list_parse(&l, ",skc") != 0);
    CHECK(name_list_parse(&l, "bin/skc") != 0);
    CHECK(name_list_parse(&l, "sk c") != 0);
    CHECK(name_list_parse(&l, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p") == 0);
    CHECK(name_list_parse(&l, "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q") != 0);
    char big[600];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK(name_list_parse(&l, big) != 0);

    CHECK(name_list_parse(&targets, TARGETS_DEFAULT) == 0);
    CHECK(name_list_match(&targets, "clang"));
    CHECK(name_list_match(&targets, "clang++"));
    CHECK(name_list_match(&targets, "clang-14"));
    CHECK(name_list_match(&targets, "clang++-19"));
    CHECK(name_list_match(&targets, "clang-19.1"));
    CHECK(!name_list_match(&targets, "clang-"));
    CHECK(!name_list_match(&targets, "clang-x"));
    CHECK(!name_list_match(&targets, "clang-14a"));
    CHECK(!name_list_match(&targets, "clang-14."));
    CHECK(!name_list_match(&targets, "clang-tidy"));
    CHECK(!name_list_match(&targets, "clangd"));
    CHECK(!name_list_match(&targets, "llvm-config"));
    CHECK(!name_list_match(&targets, ""));
}

static void parse(struct settings *s, const char *disable, const char *verbose,
                  const char *callers, const char *targets, const char *wait_ms,
                  const char *fork_wait_ms)
{
    struct settings_env env = { disable, verbose, callers, targets, wait_ms,
                                fork_wait_ms };
    settings_parse(s, &env);
}

static void test_settings(void)
{
    struct settings s;
    parse(&s, NULL, NULL, NULL, NULL, NULL, NULL);
    CHECK(!s.disable && s.verbose == 0 && s.wait_ms == WAIT_MS_DEFAULT);
    CHECK(s.warn[0] == '\0');
    CHECK(name_list_match(&s.callers, "skc") && !name_list_match(&s.callers, "skargo"));
    CHECK(name_list_match(&s.targets, "clang++"));

    parse(&s, "1", "2", "skc,skc2", "cc", "0", NULL);
    CHECK(s.disable == 1 && s.verbose == 2 && s.wait_ms == 0);
    CHECK(name_list_match(&s.callers, "skc2"));
    CHECK(name_list_match(&s.targets, "cc") && !name_list_match(&s.targets, "clang"));
    CHECK(s.warn[0] == '\0');

    parse(&s, "", "", "", "", "", NULL);
    CHECK(!s.disable && s.wait_ms == WAIT_MS_DEFAULT && s.warn[0] == '\0');

    parse(&s, "yes", "loud", "a/b", ",", "-5", NULL);
    CHECK(!s.disable && s.verbose == 0 && s.wait_ms == WAIT_MS_DEFAULT);
    CHECK(name_list_match(&s.callers, "skc"));
    CHECK(name_list_match(&s.targets, "clang++"));
    CHECK(strstr(s.warn, "SKCEXEC_DISABLE=\"yes\"") != NULL);
    CHECK(strstr(s.warn, "SKCEXEC_VERBOSE") != NULL);
    CHECK(strstr(s.warn, "SKCEXEC_CALLERS") != NULL);
    CHECK(strstr(s.warn, "SKCEXEC_TARGETS") != NULL);
    CHECK(strstr(s.warn, "SKCEXEC_WAIT_MS") != NULL);

    parse(&s, NULL, NULL, NULL, NULL, "99999999999999999999", NULL);
    CHECK(s.wait_ms == WAIT_MS_DEFAULT && strstr(s.warn, "WAIT_MS") != NULL);
    parse(&s, NULL, NULL, NULL, NULL, "3600000", NULL);
    CHECK(s.wait_ms == 3600000 && s.warn[0] == '\0');
    parse(&s, NULL, NULL, NULL, NULL, "12ms", NULL);
    CHECK(s.wait_ms == WAIT_MS_DEFAULT);
    CHECK(s.fork_wait_ms == FORK_WAIT_MS_DEFAULT);
    parse(&s, NULL, NULL, NULL, NULL, NULL, "40");
    CHECK(s.fork_wait_ms == 40 && s.warn[0] == '\0');
    parse(&s, NULL, NULL, NULL, NULL, NULL, "x");
    CHECK(s.fork_wait_ms == FORK_WAIT_MS_DEFAULT &&
          strstr(s.warn, "SKCEXEC_FORK_WAIT_MS") != NULL);

    /* Binary junk is shown sanitised and cut. */
    parse(&s, "\x01\xff" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                   NULL, NULL, NULL, NULL, NULL);
    CHECK(strstr(s.warn, "??aaa") != NULL && strstr(s.warn, "...") != NULL);
    CHECK(strchr(s.warn, '\x01') == NULL);
}

static void test_caller(void)
{
    struct name_list c;
    name_list_parse(&c, "skc");
    CHECK(policy_caller_name("skc", "skc", &c) != NULL);
    CHECK(policy_caller_name("skc-0.1.0", "skc", &c) != NULL);   /* symlink */
    CHECK(policy_caller_name(NULL, "skc", &c) != NULL);          /* no /proc */
    CHECK(policy_caller_name("skargo", "skargo", &c) == NULL);
    CHECK(policy_caller_name(NULL, NULL, &c) == NULL);

    char *a1[] = { "skc", "-O2", "-o", "x", NULL };
    char *a2[] = { "skc", "--batch", "m.json", NULL };
    char *a3[] = { "skc", "--batch=m.json", NULL };
    char *a4[] = { "skc", "--", "--batch", NULL };
    char *a5[] = { "skc", NULL };
    CHECK(!policy_has_batch(a1));
    CHECK(policy_has_batch(a2));
    CHECK(policy_has_batch(a3));
    CHECK(!policy_has_batch(a4));
    CHECK(!policy_has_batch(a5));
}

static void test_env(void)
{
    struct env_wrap w;
    char *e1[] = { "env", "-C", "/pkg", "skc", "-o", "x", NULL };
    CHECK(policy_parse_env(e1, &w) == 0 && w.cmd == 3 &&
          strcmp(w.chdir, "/pkg") == 0 && !w.ignore_env && w.n_ops == 0);
    char *e2[] = { "env", "-i", "-u", "A", "-uB", "--unset=C", "--", "X=1",
                   "Y=2=3", "clang++", NULL };
    CHECK(policy_parse_env(e2, &w) == 0);
    CHECK(w.ignore_env && w.n_ops == 5 && w.cmd == 9);
    CHECK(w.op[0].kind == 'u' && strcmp(w.op[0].arg, "A") == 0);
    CHECK(w.op[1].kind == 'u' && strcmp(w.op[1].arg, "B") == 0);
    CHECK(w.op[2].kind == 'u' && strcmp(w.op[2].arg, "C") == 0);
    CHECK(w.op[3].kind == 's' && strcmp(w.op[3].arg, "X=1") == 0);
    CHECK(w.op[4].kind == 's' && strcmp(w.op[4].arg, "Y=2=3") == 0);
    /* "--" ends options; NAME=VALUE still follows it in GNU env. */
    char *e3[] = { "env", "--", "A=1", "clang", NULL };
    CHECK(policy_parse_env(e3, &w) == 0 && w.cmd == 3 && w.n_ops == 1);
    char *e4[] = { "env", "-CDIR", "--chdir", "D2", "clang", NULL };
    CHECK(policy_parse_env(e4, &w) == 0 && strcmp(w.chdir, "D2") == 0);
    char *e5[] = { "env", "--ch=D3", "--ignore-e", "clang", NULL };  /* prefixes */
    CHECK(policy_parse_env(e5, &w) == 0 && strcmp(w.chdir, "D3") == 0 &&
          w.ignore_env);
    char *e6[] = { "env", "-iuA", "clang", NULL };
    CHECK(policy_parse_env(e6, &w) == 0 && w.ignore_env && w.n_ops == 1);
    char *e7[] = { "env", "-", "clang", NULL };
    CHECK(policy_parse_env(e7, &w) == 0 && w.ignore_env);

    char *bad1[] = { "env", NULL };
    char *bad2[] = { "env", "-S", "clang x", NULL };
    char *bad3[] = { "env", "-v", "clang", NULL };
    char *bad4[] = { "env", "-C", NULL };
    char *bad5[] = { "env", "A=1", NULL };
    char *bad6[] = { "env", "-u", "A=B", "clang", NULL };
    char *bad7[] = { "env", "=x", "clang", NULL };
    char *bad8[] = { "env", "--default-signal", "clang", NULL };
    char *bad9[] = { "env", "-0", "clang", NULL };
    char *bad10[] = { "env", "--ignore", "clang", NULL };  /* ambiguous prefix */
    char *bad11[] = { "env", "-C", "", "clang", NULL };
    /* "-" ends the options: "-u" is then the command (env fails on it). */
    char *e8[] = { "env", "-", "-u", "FOO", "clang", NULL };
    CHECK(policy_parse_env(e8, &w) == 0 && w.cmd == 2);
    char *e9[] = { "env", "-u", "A", "-", "B=1", "clang", NULL };
    CHECK(policy_parse_env(e9, &w) == 0 && w.cmd == 5 && w.ignore_env &&
          w.n_ops == 2);
    CHECK(policy_parse_env(bad1, &w) != 0);
    CHECK(policy_parse_env(bad2, &w) != 0);
    CHECK(policy_parse_env(bad3, &w) != 0);
    CHECK(policy_parse_env(bad4, &w) != 0);
    CHECK(policy_parse_env(bad5, &w) != 0);
    CHECK(policy_parse_env(bad6, &w) != 0);
    CHECK(policy_parse_env(bad7, &w) != 0);
    CHECK(policy_parse_env(bad8, &w) != 0);
    CHECK(policy_parse_env(bad9, &w) != 0);
    CHECK(policy_parse_env(bad10, &w) != 0);
    CHECK(policy_parse_env(bad11, &w) != 0);
}

static int decide(const char *prog, char **argv, short flags, int has_attr,
                  int known, const char **why)
{
    struct spawn_view v = spawn_view_of(prog, argv);
    v.has_attr = has_attr;
    v.attr_flags = flags;
    v.actions_known = known;
    struct decision d;
    policy_decide(&v, &targets, &d);
    if (why)
        *why = d.why;
    return d.act;
}

static void test_decide(void)
{
    char *link[] = { "clang++", "-O2", "--target=x86_64-unknown-linux-gnu",
                     "-o", "out", "out.ll", "-no-pie", NULL };
    const char *why;
    CHECK(decide("clang++", link, 0, 0, 1, NULL));
    CHECK(decide("/usr/bin/clang++-20", link, 0, 0, 1, NULL));
    CHECK(decide("clang", link, 0, 0, 1, NULL));
    char *shared[] = { "clang++", "-O2", "-o", "lib.so", "lib.ll", "-fPIC",
                       "-shared", NULL };
    CHECK(decide("clang++", shared, 0, 0, 1, NULL));
    char *bc[] = { "clang", "x.bc", NULL };
    CHECK(decide("clang", bc, 0, 0, 1, NULL));

    /* Programs skc must survive. */
    char *cfg[] = { "llvm-config", "--version", NULL };
    char *ar[] = { "llvm-ar", "s", "out.sklib", NULL };
    char *ll[] = { "opt", "-O2", "x.ll", NULL };
    CHECK(!decide("llvm-config", cfg, 0, 0, 1, &why) && strcmp(why, "not a target") == 0);
    CHECK(!decide("llvm-ar", ar, 0, 0, 1, NULL));
    CHECK(!decide("opt", ll, 0, 0, 1, NULL));
    CHECK(!decide("wasm-ld", ll, 0, 0, 1, NULL));
    CHECK(!decide("sh", ll, 0, 0, 1, NULL));

    /* clang runs that are not the final link. */
    char *ver[] = { "clang++", "--version", NULL };
    char *c[] = { "clang", "-c", "x.ll", "-o", "x.o", NULL };
    char *S[] = { "clang", "-S", "x.ll", NULL };
    char *outll[] = { "clang", "x.c", "-o", "x.ll", NULL };
    CHECK(!decide("clang++", ver, 0, 0, 1, NULL));
    CHECK(!decide("clang", c, 0, 0, 1, NULL));
    CHECK(!decide("clang", S, 0, 0, 1, NULL));
    CHECK(!decide("clang", outll, 0, 0, 1, NULL));

    /* Behind env. */
    char *env1[] = { "env", "-C", "/pkg", "clang++", "-o", "o", "o.ll", NULL };
    struct spawn_view v = spawn_view_of("env", env1);
    struct decision d;
    policy_decide(&v, &targets, &d);
    CHECK(d.act && d.via_env && d.cmd == 3 && strcmp(d.env.chdir, "/pkg") == 0);
    char *env2[] = { "env", "-C", "/pkg", "skc", "-o", "o", "o.ll", NULL };
    CHECK(!decide("env", env2, 0, 0, 1, NULL));
    char *env3[] = { "env", "-S", "clang++ o.ll", NULL };
    CHECK(!decide("/usr/bin/env", env3, 0, 0, 1, NULL));

    /* Attributes, file actions, bad argv. */
    CHECK(decide("clang++", link, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP |
                 POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSCHEDULER, 1, 1, NULL));
    CHECK(!decide("clang++", link, POSIX_SPAWN_SETSID, 1, 1, NULL));
    CHECK(!decide("clang++", link, 0x4000, 1, 1, NULL));
    CHECK(decide("clang++", link, POSIX_SPAWN_RESETIDS, 1, 1, NULL));
    struct spawn_view v2 = spawn_view_of("clang++", link);
    v2.has_attr = 1;
    v2.attr_flags = POSIX_SPAWN_RESETIDS;
    v2.ids_differ = 1;
    policy_decide(&v2, &targets, &d);
    CHECK(!d.act);
    /* A process group other than the caller's own moves the caller. */
    struct spawn_view v3 = spawn_view_of("clang++", link);
    v3.has_attr = 1;
    v3.attr_flags = POSIX_SPAWN_SETPGROUP;
    v3.pgroup_moves = 1;
    policy_decide(&v3, &targets, &d);
    CHECK(!d.act && strstr(d.why, "process group") != NULL);
    /* The argument that made it inert is named. */
    char *dry[] = { "clang++", "-###", "x.ll", NULL };
    v3 = spawn_view_of("clang++", dry);
    policy_decide(&v3, &targets, &d);
    CHECK(!d.act && d.bad_arg != NULL && strcmp(d.bad_arg, "-###") == 0);
    CHECK(!decide("clang++", link, 0, 0, 0, &why) &&
          strstr(why, "file actions") != NULL);
    char *empty[] = { NULL };
    CHECK(!decide("clang++", empty, 0, 0, 1, NULL));
    CHECK(!decide("clang++", NULL, 0, 0, 1, NULL));
    CHECK(!decide(NULL, link, 0, 0, 1, NULL));
    CHECK(!decide("", link, 0, 0, 1, NULL));
}

int main(void)
{
    test_name_lists();
    test_settings();
    test_caller();
    test_env();
    test_decide();
    return check_summary("unit_policy");
}
