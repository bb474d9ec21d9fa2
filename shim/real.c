/* real.c - see real.h. */
#include "real.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>

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
_Atomic(void *) real_slot_vfork;
_Atomic(void *) real_slot_system;
_Atomic(void *) real_slot_pidfd_spawn;
_Atomic(void *) real_slot_pidfd_spawnp;

void *real_lookup(_Atomic(void *) *slot, const char *name)
{
    /* Racing first calls may both look the symbol up: harmless, both get the
     * same answer.  dlsym does not allocate on success, and we wrap nothing it
     * calls, so this cannot recurse into the shim. */
    void *p = atomic_load_explicit(slot, memory_order_acquire);
    if (p == NULL) {
        int saved = errno;
        p = dlsym(RTLD_NEXT, name);
        errno = saved;
        atomic_store_explicit(slot, p, memory_order_release);
    }
    return p;
}

void real_before_fork(void)
{
    static int done;
    if (__atomic_load_n(&done, __ATOMIC_ACQUIRE))
        return;
    real_lookup(&real_slot_execve, "execve");
    real_lookup(&real_slot_execv, "execv");
    real_lookup(&real_slot_execvp, "execvp");
    real_lookup(&real_slot_execvpe, "execvpe");
    real_lookup(&real_slot_fexecve, "fexecve");
    real_lookup(&real_slot_execveat, "execveat");
    __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
}
