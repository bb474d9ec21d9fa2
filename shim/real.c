/* SPDX-License-Identifier: MIT */
/* real.c - see real.h.
 *
 * Why not dlsym: a wrapper can run in the child of a fork that is not ours
 * (_Fork, raw clone) of a threaded program, where the loader lock dlsym
 * takes may be held for good by a thread that no longer exists there.  And
 * dlsym'ing every slot in the constructor costs ~1300 instructions each,
 * +28k in every process of a build (~2% of a trivial program's start-up).
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
 * object has no GNU hash table (a very old toolchain); an IFUNC (glibc
 * defines none of these functions so) at first use.
 */
#include "real.h"
#include "startup_data.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>

_Atomic(void *) real_slot_posix_spawn;
_Atomic(void *) real_slot_posix_spawnp;
_Atomic(void *) real_slot_posix_spawn_file_actions_init;
_Atomic(void *) real_slot_posix_spawn_file_actions_destroy;
_Atomic(void *) real_slot_posix_spawn_file_actions_addopen;
_Atomic(void *) real_slot_posix_spawn_file_actions_addclose;
_Atomic(void *) real_slot_posix_spawn_file_actions_adddup2;
_Atomic(void *) real_slot_posix_spawn_file_actions_addchdir_np;
_Atomic(void *) real_slot_posix_spawn_file_actions_addfchdir_np;
_Atomic(void *) real_slot_posix_spawn_file_actions_addclosefrom_np;
_Atomic(void *) real_slot_posix_spawn_file_actions_addtcsetpgrp_np;
_Atomic(void *) real_slot_execve;
_Atomic(void *) real_slot_execv;
_Atomic(void *) real_slot_execvp;
_Atomic(void *) real_slot_execvpe;
_Atomic(void *) real_slot_fexecve;
_Atomic(void *) real_slot_execveat;
_Atomic(void *) real_slot_fork;
_Atomic(void *) real_slot_system;
_Atomic(void *) real_slot_pidfd_spawn;
_Atomic(void *) real_slot_pidfd_spawnp;

/* Each name with its GNU hash, worked out once here rather than in every
 * process (tests/unit/unit_real.c checks them). */
#define SLOT(name, hash) { #name, hash, &real_slot_##name }
static const struct {
    const char *name;
    uint32_t hash;
    _Atomic(void *) *slot;
} g_wanted[] = {
    SLOT(posix_spawn, 0x3abbbc60u),
    SLOT(posix_spawnp, 0x923348d0u),
    SLOT(posix_spawn_file_actions_init, 0x0833b1c2u),
    SLOT(posix_spawn_file_actions_destroy, 0xcba1bdd8u),
    SLOT(posix_spawn_file_actions_addopen, 0xe14ba7a9u),
    SLOT(posix_spawn_file_actions_addclose, 0x09e570cdu),
    SLOT(posix_spawn_file_actions_adddup2, 0xe145b5f2u),
    SLOT(posix_spawn_file_actions_addchdir_np, 0xeb61f65eu),
    SLOT(posix_spawn_file_actions_addfchdir_np, 0x3f7363a4u),
    SLOT(posix_spawn_file_actions_addclosefrom_np, 0x11d53cbeu),
    SLOT(posix_spawn_file_actions_addtcsetpgrp_np, 0x13492fd0u),
    SLOT(execve, 0xfc2c9fc5u),
    SLOT(execv, 0x0f663360u),
    SLOT(execvp, 0xfc2c9fd0u),
    SLOT(execvpe, 0x81c09a35u),
    SLOT(fexecve, 0xa3c16d4bu),
    SLOT(execveat, 0xb9d3b1fau),
    SLOT(fork, 0x7c96e577u),
    SLOT(system, 0x1ceee48au),
    SLOT(pidfd_spawn, 0x86df78d4u),
    SLOT(pidfd_spawnp, 0x62ce93c4u),
};
#define N_WANTED (sizeof g_wanted / sizeof g_wanted[0])

/* st_info packs binding and type the same way in ELF32 and ELF64. */

STARTUP_DATA static int g_resolved;     /* real_setup has run */
static int g_dlsym_calls;       /* lookups left to dlsym, for the tests */

/* The native ELF types (<link.h>'s ElfW, spelled out for the linters). */
#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Dyn elf_dyn;
typedef Elf64_Sym elf_sym;
typedef Elf64_Addr elf_addr;
#else
typedef Elf32_Dyn elf_dyn;
typedef Elf32_Sym elf_sym;
typedef Elf32_Addr elf_addr;
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
STARTUP_DATA static int g_eager;            /* an object without GNU hash: all via dlsym */

#define ABSENT_MARK ((void *)&g_count)  /* looked up, and defined nowhere */

static void *find_next(size_t k)
{
    const struct link_map *l = g_first;
    for (size_t i = 0; i < g_count && l != NULL; i++, l = l->l_next) {
        struct object o;
        void *addr = NULL;
        if (object_of(l, &o) != 0)
            return NULL;
        int r = lookup(&o, g_wanted[k].name, g_wanted[k].hash, &addr);
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
    void *p = dlsym(RTLD_NEXT, g_wanted[k].name);
    errno = saved;
    g_dlsym_calls++;
    return p != NULL ? p : ABSENT_MARK;
}

/* Find this library among the loaded objects, and check that every object
 * after it can be searched without the loader.  Where one cannot (no GNU
 * hash table: a very old toolchain), resolve everything now, with dlsym,
 * while no other thread can exist. */
static void real_setup(void)
{
    const struct link_map *l = _r_debug.r_map;
    while (l != NULL && l->l_ld != _DYNAMIC)
        l = l->l_next;
    if (l == NULL) {
        g_eager = 1;
    } else {
        g_first = l->l_next;
        for (const struct link_map *m = g_first; m != NULL; m = m->l_next) {
            struct object o;
            if (object_of(m, &o) != 0)
                g_eager = 1;
            g_count++;
        }
    }
    __atomic_store_n(&g_resolved, 1, __ATOMIC_RELEASE);
    if (g_eager)
        for (size_t k = 0; k < N_WANTED; k++)
            atomic_store_explicit(g_wanted[k].slot, by_dlsym(k),
                                  memory_order_release);
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
        real_setup();
    size_t k = 0;
    while (k < N_WANTED && g_wanted[k].slot != slot)
        k++;
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

/* Run before process.c's constructor: nothing in this library needs the
 * program's arguments to resolve symbols. */
__attribute__((constructor(101))) static void real_init(void)
{
    if (!__atomic_load_n(&g_resolved, __ATOMIC_ACQUIRE))
        real_setup();
}
