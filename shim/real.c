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
 * once a program runs: the list of the objects loaded at start-up, their
 * dynamic sections and GNU hash tables.  It takes no lock, calls nothing
 * through the PLT and uses a few dozen bytes of stack, so it is safe in any
 * child; each slot is looked up at its first use, so a process that spawns
 * nothing pays only the constructor's walk of the list (a few objects).
 * It searches the objects after this one in load order, as RTLD_NEXT does,
 * and picks what dlsym would: a defined function whose version is the
 * default one (not hidden); tests/unit/unit_real.c compares the two.  What
 * it cannot settle goes to dlsym: every slot, in the constructor, when an
 * object has no GNU hash table (a very old toolchain) or the list cannot
 * be found; an IFUNC (glibc defines none of these functions so) at first
 * use.
 *
 * Every process pays for what this file puts in the library at load time,
 * so it puts little there: the table below holds numbers, not pointers
 * (no load-time relocations), and the list of objects is found from the
 * program's own headers, not through the loader's symbol _r_debug (which
 * made ld.so a NEEDED dependency to match and a symbol to bind in every
 * process).  tests/startup_budget.bats counts what is left.
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
    return k;
}

/* The slot of entry k of g_wanted. */
static _Atomic(void *) *slot_at(size_t k)
{
    size_t i = 0;
#define WRAP(name, hash)                                                      \
    if (k == i++)                                                             \
        return &real_slot_##name;
#include "wrapped.def"
#undef WRAP
#undef EXPORT
    return NULL;
}

/* st_info packs binding and type the same way in ELF32 and ELF64. */

STARTUP_DATA static int g_resolved;     /* real_setup has run */
static int g_dlsym_calls;       /* lookups left to dlsym, for the tests */

/* The native ELF types (<link.h>'s ElfW, spelled out for the linters). */
#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Dyn elf_dyn;
typedef Elf64_Sym elf_sym;
typedef Elf64_Addr elf_addr;
typedef Elf64_Phdr elf_phdr;
typedef Elf64_auxv_t elf_auxv;
#else
typedef Elf32_Dyn elf_dyn;
typedef Elf32_Sym elf_sym;
typedef Elf32_Addr elf_addr;
typedef Elf32_Phdr elf_phdr;
typedef Elf32_auxv_t elf_auxv;
#endif

/* The dynamic section of this library: how it finds itself in the list. */
extern elf_dyn _DYNAMIC[];

/* One object's tables, from its dynamic section. */
struct object {
    const elf_sym *symtab;
    const char *strtab;
    const uint16_t *versym;     /* NULL: unversioned */
    const uint32_t *gnu_hash;
    elf_addr base;
};

/* glibc rewrites d_ptr to absolute addresses in writable dynamic sections;
 * a read-only one (the vDSO, some architectures) keeps offsets. */
static const void *dyn_ptr(elf_addr base, elf_addr p)
{
    return (const void *)(p < base ? p + base : p); // NOLINT(performance-no-int-to-ptr): ELF addresses are integers
}

static int object_of(const struct link_map *l, struct object *o)
{
    *o = (struct object){ .base = l->l_addr };
    for (const elf_dyn *d = l->l_ld; d != NULL && d->d_tag != DT_NULL; d++) {
        switch (d->d_tag) {
        case DT_SYMTAB: o->symtab = dyn_ptr(o->base, d->d_un.d_ptr); break;
        case DT_STRTAB: o->strtab = dyn_ptr(o->base, d->d_un.d_ptr); break;
        case DT_VERSYM: o->versym = dyn_ptr(o->base, d->d_un.d_ptr); break;
        case DT_GNU_HASH: o->gnu_hash = dyn_ptr(o->base, d->d_un.d_ptr); break;
        default: break;
        }
    }
    return o->symtab && o->strtab && o->gnu_hash ? 0 : -1;
}

/* strcmp() == 0 without a call through the PLT: the constructor stays
 * clear of lazy binding (strcmp is an IFUNC, costly to bind). */
static int same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

enum { FOUND, ABSENT, UNSURE };

/* Look `name` (hash h) up in one object: FOUND (*addr set), ABSENT, or
 * UNSURE (an IFUNC: only the loader may call its resolver). */
static int lookup(const struct object *o, const char *name, uint32_t h,
                  void **addr)
{
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
        const elf_sym *s = &o->symtab[i];
        if ((ch | 1) == (h | 1) && same(o->strtab + s->st_name, name) &&
            s->st_shndx != SHN_UNDEF &&
            (ELF64_ST_BIND(s->st_info) == STB_GLOBAL ||
             ELF64_ST_BIND(s->st_info) == STB_WEAK) &&
            (o->versym == NULL || !(o->versym[i] & 0x8000))) {
            if (ELF64_ST_TYPE(s->st_info) == STT_GNU_IFUNC)
                return UNSURE;
            if (ELF64_ST_TYPE(s->st_info) != STT_FUNC)
                return ABSENT;
            *addr = (void *)(o->base + s->st_value); // NOLINT(performance-no-int-to-ptr): see dyn_ptr
            return FOUND;
        }
        if (ch & 1)
            return ABSENT;
    }
}

/* Where the next definitions are searched: the objects after this one, as
 * the constructor found them.  Only those: they are never unloaded, and
 * dlopen only appends after them, so walking them needs no lock. */
STARTUP_DATA static const struct link_map *g_first;
STARTUP_DATA static size_t g_count;
STARTUP_DATA static int g_eager;            /* all via dlsym (see real_setup) */

#define ABSENT_MARK ((void *)&g_count)  /* looked up, and defined nowhere */

static void *find_next(size_t k)
{
    const struct link_map *l = g_first;
    for (size_t i = 0; i < g_count && l != NULL; i++, l = l->l_next) {
        struct object o;
        void *addr = NULL;
        if (object_of(l, &o) != 0)
            return NULL;
        int r = lookup(&o, wanted_name(k), g_wanted[k].hash, &addr);
        if (r == FOUND)
            return addr;
        if (r == UNSURE)
            return NULL;
    }
    return ABSENT_MARK;
}

static void *by_dlsym(size_t k)
{
    int saved = errno;
    void *p = dlsym(RTLD_NEXT, wanted_name(k));
    errno = saved;
    g_dlsym_calls++;
    return p != NULL ? p : ABSENT_MARK;
}

/* 1 if object l has a GNU hash table (the lookup needs one). */
STARTUP_TEXT static int has_gnu_hash(const struct link_map *l)
{
    for (const elf_dyn *d = l->l_ld; d != NULL && d->d_tag != DT_NULL; d++)
        if (d->d_tag == DT_GNU_HASH)
            return 1;
    return 0;
}

/* The loader's list of loaded objects, from the program's DT_DEBUG entry
 * (where the loader publishes its r_debug, for debuggers), given the
 * program's headers (the auxiliary vector's AT_PHDR and AT_PHNUM); NULL if
 * any of it is missing. */
STARTUP_TEXT static const struct link_map *loaded_objects(const elf_phdr *ph, size_t phnum)
{
    if (ph == NULL)
        return NULL;
    /* The program's load address, as the loader works it out. */
    elf_addr base = 0;
    for (size_t i = 0; i < phnum; i++)
        if (ph[i].p_type == PT_PHDR)
            base = (elf_addr)ph - ph[i].p_vaddr;
    for (size_t i = 0; i < phnum; i++) {
        if (ph[i].p_type != PT_DYNAMIC)
            continue;
        for (const elf_dyn *d = (const elf_dyn *)(base + ph[i].p_vaddr); // NOLINT(performance-no-int-to-ptr): see dyn_ptr
             d->d_tag != DT_NULL; d++) {
            if (d->d_tag == DT_DEBUG && d->d_un.d_ptr != 0) {
                const struct r_debug *r = (const struct r_debug *)d->d_un.d_ptr; // NOLINT(performance-no-int-to-ptr): see dyn_ptr
                return r->r_version >= 1 ? r->r_map : NULL;
            }
        }
    }
    return NULL;
}

/* Find this library among the loaded objects (given the program's headers),
 * and check that every object after it can be searched without the
 * loader.  Where one cannot (no GNU hash table: a very old toolchain) or
 * the list cannot be found, resolve everything now, with dlsym, while no
 * other thread can exist. */
STARTUP_TEXT static void real_setup(const elf_phdr *ph, size_t phnum)
{
    const struct link_map *l = loaded_objects(ph, phnum);
    while (l != NULL && l->l_ld != _DYNAMIC)
        l = l->l_next;
    if (l == NULL) {
        g_eager = 1;
    } else {
        g_first = l->l_next;
        for (const struct link_map *m = g_first; m != NULL; m = m->l_next) {
            if (!has_gnu_hash(m))
                g_eager = 1;
            g_count++;
        }
    }
    __atomic_store_n(&g_resolved, 1, __ATOMIC_RELEASE);
    if (g_eager)
        for (size_t k = 0; k < N_WANTED; k++)
            atomic_store_explicit(slot_at(k), by_dlsym(k),
                                  memory_order_release);
}

/* real_setup, with the program's headers from libc. */
static void real_setup_from_libc(void)
{
    real_setup((const elf_phdr *)getauxval(AT_PHDR), getauxval(AT_PHNUM)); // NOLINT(performance-no-int-to-ptr): see dyn_ptr
}

int real_dlsym_calls(void) { return g_dlsym_calls; }

void *real_lookup(_Atomic(void *) *slot)
{
    void *p = atomic_load_explicit(slot, memory_order_acquire);
    if (__builtin_expect(p != NULL, 1))
        return p == ABSENT_MARK ? NULL : p;
    /* First use in this process.  Before our constructor (another
     * library's constructor calling a wrapper) set up first. */
    if (!__atomic_load_n(&g_resolved, __ATOMIC_ACQUIRE))
        real_setup_from_libc();
    size_t k = slot_index(slot);
    if (k == N_WANTED)
        return NULL;
    p = atomic_load_explicit(slot, memory_order_acquire);
    if (p == NULL) {
        p = find_next(k);
        if (p == NULL)          /* an IFUNC: only the loader can say */
            p = by_dlsym(k);
        atomic_store_explicit(slot, p, memory_order_release);
    }
    return p == ABSENT_MARK ? NULL : p;
}

/* The program's headers, from the auxiliary vector, when envp is the
 * environment array on the initial stack, unchanged: the kernel puts argv,
 * envp and the auxiliary vector there one after the other.  Reading it
 * there costs a few dozen loads; libc's getauxval() is a call through the
 * PLT, bound at its first use: more than the rest of the set-up.  Only
 * words on the initial stack are read, and a vector that does not look
 * like one (an earlier constructor unset a variable, which moves the
 * array's end) gives up: 0, and the caller asks libc. */
STARTUP_TEXT static int headers_from_stack(int argc, char **argv, char **envp,
                              const elf_phdr **ph, size_t *phnum)
{
    if (argc < 0 || argv == NULL || envp != argv + argc + 1)
        return 0;
    while (*envp != NULL)
        envp++;
    *ph = NULL;
    *phnum = 0;
    for (const elf_auxv *a = (const elf_auxv *)(envp + 1);
         a->a_type != AT_NULL; a++) {
        if (a->a_type >= 256)   /* not an AT_ type: not the vector */
            return 0;
        if (a->a_type == AT_PHDR)
            *ph = (const elf_phdr *)a->a_un.a_val; // NOLINT(performance-no-int-to-ptr): see dyn_ptr
        else if (a->a_type == AT_PHNUM)
            *phnum = a->a_un.a_val;
        if (*ph != NULL && *phnum != 0)
            return 1;
    }
    return 0;
}

STARTUP_TEXT void real_init(int argc, char **argv, char **envp)
{
    const elf_phdr *ph;
    size_t phnum;
    if (__atomic_load_n(&g_resolved, __ATOMIC_ACQUIRE))
        return;
    if (headers_from_stack(argc, argv, envp, &ph, &phnum))
        real_setup(ph, phnum);
    else
        real_setup_from_libc();
}
