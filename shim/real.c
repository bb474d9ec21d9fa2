/* SPDX-License-Identifier: MIT */
/* real.c - see real.h.
 *
 * Why not dlsym: a wrapper can run in the child of a fork that is not ours
 * (_Fork, raw clone) of a threaded program, where the loader lock dlsym
 * takes may be held for good by a thread that no longer exists there.  And
 * dlsym'ing every slot at start-up costs ~1300 instructions each, +28k in
 * every process of a build (~2% of a trivial program's start-up).
 *
 * So the lookup is our own, and reads only what the loader never changes
 * once an object is loaded: the list of loaded objects, their dynamic
 * sections and hash tables.  It takes no lock, allocates nothing and uses
 * a few dozen bytes of stack, so it is safe in any child.  It searches the
 * objects after this one in load order, as RTLD_NEXT does (those loaded by
 * the first lookup: dlopen only appends after them), and picks what dlsym
 * would: a defined function whose version is the default one (not
 * hidden); tests/unit/unit_real.c compares the two.  What it cannot
 * settle goes to dlsym, at that slot's first use: an IFUNC (glibc defines
 * none of these functions so), or no list of objects to search (the
 * loader publishes none: not glibc's).
 *
 * Nothing of it runs at start-up: the library has no constructor at all,
 * so a process that never calls a wrapper runs none of its code and takes
 * no fault in its text.  The first lookup finds the list, and
 * real_program_argv() finds the program's argv where the loader keeps it.
 * What the library costs a process at load time is counted by
 * tests/startup_budget.bats: the table below holds numbers, not pointers
 * (no load-time relocations), and nothing here needs ld.so as a NEEDED
 * dependency (the list comes from the program's DT_DEBUG entry, through
 * the auxiliary vector).
 */
#include "real.h"
#include "startup_data.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>

/* The slots: one per WRAP line of wrapped.def. */
#define WRAP(name, hash) _Atomic(void *) real_slot_##name;
#define EXPORT(name)
#include "wrapped.def"
#undef WRAP

/* The names, as one block of text: each name's place in it is a constant
 * (offsetof), so the table below needs no relocation. */
struct names {
#define WRAP(name, hash) char name[sizeof #name];
#include "wrapped.def"
#undef WRAP
};
static const struct names g_names = {
#define WRAP(name, hash) #name,
#include "wrapped.def"
#undef WRAP
};

/* Each name with its GNU hash, worked out once in wrapped.def rather than
 * in every process (tests/unit/unit_real.c checks them). */
static const struct {
    uint16_t name;              /* offset in g_names */
    uint32_t hash;
} g_wanted[] = {
#define WRAP(name, hash) { offsetof(struct names, name), hash },
#include "wrapped.def"
#undef WRAP
};
#define N_WANTED (sizeof g_wanted / sizeof g_wanted[0])

static const char *wanted_name(size_t k)
{
    return (const char *)&g_names + g_wanted[k].name;
}

/* Which entry of g_wanted a slot is (N_WANTED: none).  Comparisons with
 * the slots' addresses, in code: a table of pointers would be relocated
 * in every process. */
static size_t slot_index(const _Atomic(void *) *slot)
{
    size_t k = 0;
#define WRAP(name, hash)                                                      \
    if (slot == &real_slot_##name)                                            \
        return k;                                                             \
    k++;
#include "wrapped.def"
#undef WRAP
#undef EXPORT
    return k;
}

static int g_dlsym_calls;       /* lookups left to dlsym, for the tests */

/* The native ELF types (<link.h>'s ElfW, spelled out for the linters).
 * st_info packs binding and type the same way in ELF32 and ELF64. */
#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Dyn elf_dyn;
typedef Elf64_Sym elf_sym;
typedef Elf64_Addr elf_addr;
typedef Elf64_Ehdr elf_ehdr;
typedef Elf64_Phdr elf_phdr;
#else
typedef Elf32_Dyn elf_dyn;
typedef Elf32_Sym elf_sym;
typedef Elf32_Addr elf_addr;
typedef Elf32_Ehdr elf_ehdr;
typedef Elf32_Phdr elf_phdr;
#endif

/* The dynamic section of this library: how it finds itself in the list. */
extern elf_dyn _DYNAMIC[];

/* One object's tables, from its dynamic section. */
struct object {
    const elf_sym *symtab;
    const char *strtab;
    const uint16_t *versym;     /* NULL: unversioned */
    const uint32_t *gnu_hash;   /* the GNU hash table, or else */
    const uint32_t *sysv_hash;  /* the System V one (an old toolchain) */
    elf_addr base;
};

/* An address from the loader (an integer) as a pointer. */
static const void *at(elf_addr p)
{
    return (const void *)p; // NOLINT(performance-no-int-to-ptr): ELF addresses are integers
}

/* glibc rewrites d_ptr to absolute addresses in writable dynamic sections;
 * a read-only one (the vDSO, some architectures) keeps offsets. */
static const void *dyn_ptr(elf_addr base, elf_addr p)
{
    return at(p < base ? p + base : p);
}

/* The tables of the object loaded at `base` whose dynamic section is `d`;
 * 0, or -1 if it has no symbol or hash table. */
static int object_at(const elf_dyn *d, elf_addr base, struct object *o)
{
    *o = (struct object){ .base = base };
    for (; d != NULL && d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_SYMTAB: o->symtab = dyn_ptr(base, d->d_un.d_ptr); break;
        case DT_STRTAB: o->strtab = dyn_ptr(base, d->d_un.d_ptr); break;
        case DT_VERSYM: o->versym = dyn_ptr(base, d->d_un.d_ptr); break;
        case DT_GNU_HASH: o->gnu_hash = dyn_ptr(base, d->d_un.d_ptr); break;
        case DT_HASH: o->sysv_hash = dyn_ptr(base, d->d_un.d_ptr); break;
        default: break;
        }
    }
    return o->symtab && o->strtab && (o->gnu_hash || o->sysv_hash) ? 0 : -1;
}

/* strcmp() == 0 without a call through the PLT. */
static int same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* The hash functions of the two tables (the ELF gABI's). */
static uint32_t gnu_hash(const char *s)
{
    uint32_t h = 5381;
    for (; *s != '\0'; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

static uint32_t sysv_hash(const char *s)
{
    uint32_t h = 0;
    for (; *s != '\0'; s++) {
        h = (h << 4) + (unsigned char)*s;
        h ^= (h >> 24) & 0xf0;
    }
    return h & 0x0fffffff;
}

enum { FOUND, ABSENT, UNSURE, NEXT };

/* Symbol i of o, if its name is `name`: FOUND (*addr set) for a defined
 * symbol of `type` (STT_FUNC or STT_OBJECT) at its default version,
 * UNSURE for an IFUNC when a function is wanted (only the loader may call
 * its resolver), ABSENT for another defined one of that name, NEXT if
 * it is not the one. */
static int check(const struct object *o, uint32_t i, const char *name,
                 int type, void **addr)
{
    const elf_sym *s = &o->symtab[i];
    if (!same(o->strtab + s->st_name, name) || s->st_shndx == SHN_UNDEF ||
        (ELF64_ST_BIND(s->st_info) != STB_GLOBAL &&
         ELF64_ST_BIND(s->st_info) != STB_WEAK) ||
        (o->versym != NULL && (o->versym[i] & 0x8000)))
        return NEXT;
    if (type == STT_FUNC && ELF64_ST_TYPE(s->st_info) == STT_GNU_IFUNC)
        return UNSURE;
    if (ELF64_ST_TYPE(s->st_info) != type)
        return ABSENT;
    *addr = (void *)(o->base + s->st_value); // NOLINT(performance-no-int-to-ptr): see at()
    return FOUND;
}

/* Look `name` (GNU hash h) up in one object: FOUND (*addr set), ABSENT,
 * or UNSURE (see check). */
static int lookup(const struct object *o, const char *name, uint32_t h,
                  int type, void **addr)
{
    if (o->gnu_hash == NULL) {
        /* bucket[hash % nbucket], then the chain; index 0 ends it. */
        const uint32_t *t = o->sysv_hash;
        uint32_t nbucket = t[0], nchain = t[1];
        if (nbucket == 0)
            return ABSENT;
        for (uint32_t i = t[2 + sysv_hash(name) % nbucket];
             i != STN_UNDEF && i < nchain; i = t[2 + nbucket + i]) {
            int r = check(o, i, name, type, addr);
            if (r != NEXT)
                return r;
        }
        return ABSENT;
    }
    const uint32_t *t = o->gnu_hash;
    uint32_t nbuckets = t[0], symoffset = t[1], bloom_size = t[2],
             shift = t[3];
    const elf_addr *bloom = (const elf_addr *)(t + 4);
    const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size);
    const uint32_t *chain = buckets + nbuckets;
    const unsigned bits = sizeof(elf_addr) * 8;

    if (nbuckets == 0 || bloom_size == 0)
        return ABSENT;
    elf_addr word = bloom[(h / bits) % bloom_size];
    elf_addr mask = ((elf_addr)1 << (h % bits)) |
                      ((elf_addr)1 << ((h >> shift) % bits));
    if ((word & mask) != mask)
        return ABSENT;
    uint32_t i = buckets[h % nbuckets];
    if (i < symoffset)
        return ABSENT;
    for (;; i++) {
        uint32_t ch = chain[i - symoffset];
        if ((ch | 1) == (h | 1)) {
            int r = check(o, i, name, type, addr);
            if (r != NEXT)
                return r;
        }
        if (ch & 1)
            return ABSENT;
    }
}

/* Where the next definitions are searched: the objects after this one, as
 * the first lookup found them.  Only those: they are never unloaded, and
 * dlopen only appends after them, so walking them needs no lock.  Each
 * thread that finds g_resolved 0 works them out (the same answer), and
 * publishes with g_resolved. */
STARTUP_DATA static int g_resolved;     /* g_first and g_count are set */
STARTUP_DATA static const struct link_map *g_first;
STARTUP_DATA static size_t g_count;     /* 0: no list (all via dlsym) */

#define ABSENT_MARK ((void *)&g_count)  /* looked up, and defined nowhere */

/* `name` in the objects after this one: FOUND, ABSENT, UNSURE. */
static int find_next(const char *name, uint32_t h, int type, void **addr)
{
    const struct link_map *l = __atomic_load_n(&g_first, __ATOMIC_RELAXED);
    size_t n = __atomic_load_n(&g_count, __ATOMIC_RELAXED);
    for (size_t i = 0; i < n && l != NULL; i++, l = l->l_next) {
        struct object o;
        if (object_at(l->l_ld, l->l_addr, &o) != 0)
            continue;
        int r = lookup(&o, name, h, type, addr);
        if (r != ABSENT)
            return r;
    }
    return ABSENT;
}

/* The loader's list of loaded objects: from the program's DT_DEBUG entry
 * (where the loader publishes its r_debug, for debuggers), the program's
 * headers found through the auxiliary vector; else from the loader's own
 * symbol _r_debug, the loader found through AT_BASE; NULL if neither. */
static const struct link_map *loaded_objects(void)
{
    const elf_phdr *ph = at(getauxval(AT_PHDR));
    size_t phnum = getauxval(AT_PHNUM);
    /* The program's load address, from its PT_PHDR (a dynamically linked
     * program has one; without it, the address is not known). */
    elf_addr base = 0;
    const elf_phdr *self = NULL;
    for (size_t i = 0; ph != NULL && i < phnum; i++)
        if (ph[i].p_type == PT_PHDR)
            self = &ph[i];
    if (self != NULL)
        base = (elf_addr)ph - self->p_vaddr;
    for (size_t i = 0; self != NULL && i < phnum; i++) {
        if (ph[i].p_type != PT_DYNAMIC)
            continue;
        for (const elf_dyn *d = at(base + ph[i].p_vaddr); d->d_tag != DT_NULL;
             d++) {
            const struct r_debug *r = at(d->d_un.d_ptr);
            if (d->d_tag == DT_DEBUG && r != NULL && r->r_version >= 1)
                return r->r_map;
        }
    }
    /* No DT_DEBUG (a program linked without one; or run as `ld.so
     * PROGRAM` by a glibc that leaves AT_PHDR the loader's own): ask the
     * loader. */
    elf_addr ld = getauxval(AT_BASE);
    const elf_ehdr *eh = at(ld);
    if (eh == NULL)
        return NULL;
    ph = at(ld + eh->e_phoff);
    for (size_t i = 0; i < eh->e_phnum; i++) {
        struct object o;
        void *r = NULL;
        if (ph[i].p_type == PT_DYNAMIC &&
            object_at(at(ld + ph[i].p_vaddr), ld, &o) == 0 &&
            lookup(&o, "_r_debug", gnu_hash("_r_debug"), STT_OBJECT, &r) == FOUND)
            return ((const struct r_debug *)r)->r_map;
    }
    return NULL;
}

/* Find this library among the loaded objects and count the ones after it;
 * with no list, g_count stays 0 and every slot goes to dlsym. */
static void real_setup(void)
{
    const struct link_map *l = loaded_objects();
    while (l != NULL && l->l_ld != _DYNAMIC)
        l = l->l_next;
    size_t n = 0;
    if (l != NULL)
        for (const struct link_map *m = l->l_next; m != NULL; m = m->l_next)
            n++;
    __atomic_store_n(&g_first, l != NULL ? l->l_next : NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&g_count, n, __ATOMIC_RELAXED);
    __atomic_store_n(&g_resolved, 1, __ATOMIC_RELEASE);
}

static void set_up(void)
{
    if (!__atomic_load_n(&g_resolved, __ATOMIC_ACQUIRE))
        real_setup();
}

static void *by_dlsym(const char *name)
{
    int saved = errno;
    void *p = dlsym(RTLD_NEXT, name);
    errno = saved;
    g_dlsym_calls++;
    return p != NULL ? p : ABSENT_MARK;
}

int real_dlsym_calls(void) { return g_dlsym_calls; }

void *real_lookup(_Atomic(void *) *slot)
{
    void *p = atomic_load_explicit(slot, memory_order_acquire);
    if (__builtin_expect(p != NULL, 1))
        return p == ABSENT_MARK ? NULL : p;
    /* First use in this process. */
    size_t k = slot_index(slot);
    if (k == N_WANTED)
        return NULL;
    set_up();
    const char *name = wanted_name(k);
    int r = find_next(name, g_wanted[k].hash, STT_FUNC, &p);
    if (r == ABSENT)
        p = __atomic_load_n(&g_count, __ATOMIC_RELAXED) ? ABSENT_MARK
                                                        : by_dlsym(name);
    else if (r == UNSURE)       /* an IFUNC: only the loader can say */
        p = by_dlsym(name);
    atomic_store_explicit(slot, p, memory_order_release);
    return p == ABSENT_MARK ? NULL : p;
}

char **real_program_argv(void)
{
    void *addr = NULL;
    set_up();
    if (find_next("__libc_stack_end", gnu_hash("__libc_stack_end"),
                  STT_OBJECT, &addr) != FOUND)
        return NULL;
    /* The initial stack: argc, then argv and its NULL. */
    long *const *stack_end = addr;
    const long *sp = *stack_end;
    if (sp == NULL || sp[0] <= 0 || sp[0] > 1L << 24)
        return NULL;
    char **argv = (char **)(sp + 1);
    return argv[sp[0]] == NULL ? argv : NULL;
}
