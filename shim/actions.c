/* SPDX-License-Identifier: MIT */
/* actions.c - see actions.h. */
#include "actions.h"

#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct record {
    fa_key key;
    struct fa_list list;
    size_t cap;
    int broken;
    struct record *next;
};

/* A spin lock that yields: the critical sections are a few instructions
 * and a malloc, and only callers ever take it.  It is never held across a
 * fork (see actions.h). */
static atomic_flag g_lock = ATOMIC_FLAG_INIT;
static struct record *g_records;

static void lock(void)
{
    while (atomic_flag_test_and_set_explicit(&g_lock, memory_order_acquire))
        sched_yield();
}

static void unlock(void)
{
    atomic_flag_clear_explicit(&g_lock, memory_order_release);
}

static struct record **find(fa_key fa)
{
    struct record **p = &g_records;
    while (*p != NULL && (*p)->key != fa)
        p = &(*p)->next;
    return p;
}

static void free_ops(struct fa_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->ops[i].path);
    free(l->ops);
    l->ops = NULL;
    l->n = 0;
}

void actions_free(struct fa_list *l) { free_ops(l); }


void actions_init(fa_key fa)
{
    lock();
    struct record **p = find(fa);
    struct record *r = *p;
    if (r == NULL) {
        r = calloc(1, sizeof *r);
        if (r == NULL) {
            unlock();
            return;             /* no record: spawns with it stay inert */
        }
        r->key = fa;
        r->next = g_records;
        g_records = r;
    } else {
        /* Re-initialised without destroy: start over. */
        free_ops(&r->list);
        r->cap = 0;
        r->broken = 0;
    }
    unlock();
}

void actions_destroy(fa_key fa)
{
    lock();
    struct record **p = find(fa);
    struct record *r = *p;
    if (r != NULL)
        *p = r->next;
    unlock();
    if (r != NULL) {
        free_ops(&r->list);
        free(r);
    }
}

void actions_add(fa_key fa, const struct fa_op *op)
{
    char *path = NULL;
    if (op->path != NULL && (path = strdup(op->path)) == NULL) {
        actions_mark_broken(fa);
        return;
    }
    lock();
    struct record *r = *find(fa);
    if (r == NULL || r->broken) {
        unlock();
        free(path);
        return;
    }
    if (r->list.n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 8;
        struct fa_op *ops = realloc(r->list.ops, cap * sizeof *ops);
        if (ops == NULL) {
            r->broken = 1;
            unlock();
            free(path);
            return;
        }
        r->list.ops = ops;
        r->cap = cap;
    }
    r->list.ops[r->list.n] = *op;
    r->list.ops[r->list.n].path = path;
    r->list.n++;
    unlock();
}

void actions_mark_broken(fa_key fa)
{
    lock();
    struct record *r = *find(fa);
    if (r != NULL)
        r->broken = 1;
    unlock();
}

int actions_snapshot(fa_key fa, struct fa_list *out)
{
    out->ops = NULL;
    out->n = 0;
    if (fa == NULL)
        return 0;
    lock();
    struct record *r = *find(fa);
    int ok = r != NULL && !r->broken;
#ifdef __GLIBC__
    /* glibc counts its actions in a public field: a mismatch means an action
     * reached libc without us (a function we do not wrap, a libc-internal
     * call), so what we would replay is not what the child would do. */
    if (ok && (size_t)fa->__used != r->list.n)
        ok = 0;
#endif
    size_t n = ok ? r->list.n : 0;
    struct fa_op *ops = NULL;
    if (ok && n > 0) {
        ops = calloc(n, sizeof *ops);
        ok = ops != NULL;
        for (size_t i = 0; ok && i < n; i++) {
            ops[i] = r->list.ops[i];
            ops[i].path = NULL;
            if (r->list.ops[i].path != NULL &&
                (ops[i].path = strdup(r->list.ops[i].path)) == NULL)
                ok = 0;
        }
    }
    unlock();
    out->ops = ops;
    out->n = ops != NULL ? n : 0;
    if (!ok) {
        free_ops(out);
        return -1;
    }
    return 0;
}
